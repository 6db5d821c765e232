// Values: binary safety, sizes up to and over the item limit, flags, expiry, multi-get.
import { Memcached, MemcachedError } from 'resty-memcached';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';
import { connected, prefix } from './helpers.js';

describeServer('memcached', 'memcached values', (server) => {
  let memc: Memcached;
  let p: string;
  beforeEach(async () => {
    memc = await connected(server);
    p = prefix('val');
  });
  afterEach(async () => {
    await memc.close().catch(() => undefined);
  });

  it('binary values with CR, LF, NUL and every byte round-trip exactly (returnBuffers)', async () => {
    const bin = await connected(server, { returnBuffers: true });
    const all = Buffer.alloc(256 * 4);
    for (let i = 0; i < all.length; i++) all[i] = i % 256;
    const tricky = Buffer.from('\r\nEND\r\nVALUE x 0 3\r\nabc\r\n\0\r\n');
    expect(await bin.set(`${p}all`, all)).toBe(true);
    expect(await bin.set(`${p}tricky`, tricky)).toBe(true);
    expect(await bin.set(`${p}empty`, Buffer.alloc(0))).toBe(true);
    expect(await bin.set(`${p}u8`, new Uint8Array([0, 13, 10, 255]))).toBe(true);
    const one = await bin.get(`${p}all`);
    expect(Buffer.isBuffer(one!.value)).toBe(true);
    expect(one!.value.equals(all)).toBe(true);
    expect((await bin.get(`${p}tricky`))!.value.equals(tricky)).toBe(true);
    const many = await bin.get([`${p}all`, `${p}tricky`, `${p}empty`, `${p}u8`, `${p}none`]);
    expect(Object.keys(many).sort()).toEqual([`${p}all`, `${p}empty`, `${p}tricky`, `${p}u8`]);
    expect(many[`${p}all`]!.value.equals(all)).toBe(true);
    expect(many[`${p}tricky`]!.value.equals(tricky)).toBe(true);
    expect(many[`${p}empty`]!.value.length).toBe(0);
    expect([...many[`${p}u8`]!.value]).toEqual([0, 13, 10, 255]);
    // The connection is still in sync after all of that.
    expect(await bin.version()).toMatch(/^\d/);
    await bin.close();
  });

  it('UTF-8 strings are counted in bytes, not UTF-16 units', async () => {
    const text = 'héllo wörld — 日本語 🎉\r\nline two';
    expect(await memc.set(`${p}utf8`, text)).toBe(true);
    expect((await memc.get(`${p}utf8`))!.value).toBe(text);
    expect(await memc.append(`${p}utf8`, ' ✓')).toBe(true);
    expect((await memc.get(`${p}utf8`))!.value).toBe(`${text} ✓`);
  });

  it('flags round-trip: 0, 1 and 2^32-1', async () => {
    for (const flags of [0, 1, 0xcafe, 2 ** 32 - 1]) {
      await memc.set(`${p}f${flags}`, 'v', 0, flags);
      expect(await memc.get(`${p}f${flags}`)).toEqual({ value: 'v', flags });
      expect((await memc.gets(`${p}f${flags}`))!.flags).toBe(flags);
    }
    const many = await memc.get([`${p}f0`, `${p}f4294967295`]);
    expect(many[`${p}f4294967295`]!.flags).toBe(4294967295);
  });

  it('expiry: an item with exptime 1 is gone after 2 s; a negative exptime expires at once', async () => {
    await memc.set(`${p}short`, 'v', 1);
    await memc.set(`${p}long`, 'v', 100);
    await memc.set(`${p}neg`, 'v', -1);
    expect(await memc.get(`${p}neg`)).toBeNull();
    expect(await memc.get(`${p}short`)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 2100));
    expect(await memc.get(`${p}short`)).toBeNull();
    expect(await memc.get(`${p}long`)).not.toBeNull();
  });

  it('a value close to 1 MiB is stored and read back', async () => {
    const bin = await connected(server, { returnBuffers: true });
    const size = 1024 * 1024 - 1024;
    const big = Buffer.alloc(size);
    for (let i = 0; i < size; i++) big[i] = (i * 7 + 3) & 0xff;
    expect(await bin.set(`${p}big`, big)).toBe(true);
    const got = await bin.get(`${p}big`);
    expect(got!.value.length).toBe(size);
    expect(got!.value.equals(big)).toBe(true);
    const many = await bin.get([`${p}big`, `${p}none`]);
    expect(many[`${p}big`]!.value.equals(big)).toBe(true);
    await bin.close();
  });

  it('a value over the item limit is SERVER_ERROR for that command only; the connection stays usable and poolable', async () => {
    const pool = `val-over-${p}`;
    const c = await connected(server, {}, pool);
    await c.set(`${p}before`, 'kept');
    const error = await c.set(`${p}huge`, Buffer.alloc(1024 * 1024 + 10, 0x61)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemcachedError);
    expect((error as MemcachedError).code).toBe('SERVER_ERROR');
    expect((error as MemcachedError).message).toBe('SERVER_ERROR object too large for cache');
    // Same connection: the next commands see their own replies.
    expect(await c.get(`${p}huge`)).toBeNull();
    expect(await c.get(`${p}before`)).toEqual({ value: 'kept', flags: 0 });
    // And it goes back to the pool and comes out again.
    await c.setKeepalive();
    await c.connect(server.host, server.port, { pool });
    expect(c.getReusedTimes()).toBe(1);
    expect(await c.version()).toMatch(/^\d/);
    await c.close();
  });

  it("an oversized value inside a pipeline is that entry's error only", async () => {
    const results = await memc
      .pipeline()
      .set(`${p}a`, 'A')
      .set(`${p}huge`, 'x'.repeat(2 * 1024 * 1024))
      .set(`${p}b`, 'B')
      .get(`${p}b`)
      .commit();
    expect(results[0]).toBe(true);
    expect(results[1]).toBeInstanceOf(MemcachedError);
    expect((results[1] as MemcachedError).code).toBe('SERVER_ERROR');
    expect(results[2]).toBe(true);
    expect(results[3]).toEqual({ value: 'B', flags: 0 });
  });

  it('multi-get of 100 keys with misses: one request, every hit under its own key', async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `${p}key:${i}`);
    const pipeline = memc.pipeline();
    keys.forEach((key, i) => {
      if (i % 3 !== 0) pipeline.set(key, `value-${i}-${'x'.repeat(i)}`, 0, i);
    });
    expect((await pipeline.commit()).every((r) => r === true)).toBe(true);
    const got = await memc.get(keys);
    const expected: Record<string, { value: string; flags: number }> = {};
    keys.forEach((key, i) => {
      if (i % 3 !== 0) expected[key] = { value: `value-${i}-${'x'.repeat(i)}`, flags: i };
    });
    expect(got).toEqual(expected);
    expect(Object.keys(got)).toHaveLength(66);
    // Duplicate keys in the request are fine.
    expect(await memc.get([keys[1]!, keys[1]!, keys[0]!])).toEqual({ [keys[1]!]: expected[keys[1]!] });
  });

  it('16 KiB values round-trip through get and multi-get', async () => {
    const value = 'abcdefghijklmnop'.repeat(1024);
    await memc.set(`${p}16k-a`, value);
    await memc.set(`${p}16k-b`, value.toUpperCase());
    expect((await memc.get(`${p}16k-a`))!.value).toBe(value);
    const many = await memc.get([`${p}16k-a`, `${p}16k-b`]);
    expect(many[`${p}16k-b`]!.value).toBe(value.toUpperCase());
  });

  it('a pipeline of every queueable command returns each result in order', async () => {
    const results = await memc
      .pipeline()
      .set(`${p}age`, 10, 30, 4)
      .set(`${p}name`, 'value')
      .get(`${p}age`)
      .get(`${p}name`)
      .incr(`${p}age`, 3)
      .add(`${p}name`, '-haha')
      .delete(`${p}name`)
      .get(`${p}name`)
      .gets(`${p}age`)
      .touch(`${p}age`, 100)
      .decr(`${p}age`, 1)
      .append(`${p}missing`, 'x')
      .incr(`${p}missing`, 1)
      .commit();
    expect(results).toEqual([
      true,
      true,
      { value: '10', flags: 4 },
      { value: 'value', flags: 0 },
      13,
      false,
      true,
      null,
      { value: '13', flags: 4, cas: expect.stringMatching(/^\d+$/) },
      true,
      12,
      false,
      null,
    ]);
    expect(await memc.delete(`${p}name`)).toBe(false);
    expect(await memc.pipeline().commit()).toEqual([]);
  });

  it('a large pipeline (1000 sets and gets of 16 KiB) neither deadlocks nor desyncs', async () => {
    const pipeline = memc.pipeline();
    const value = Buffer.alloc(16 * 1024, 0x62);
    for (let i = 0; i < 1000; i++) pipeline.set(`${p}bulk${i}`, value);
    for (let i = 0; i < 1000; i++) pipeline.get(`${p}bulk${i}`);
    const results = await pipeline.commit();
    expect(results.slice(0, 1000).every((r) => r === true)).toBe(true);
    expect(results.slice(1000).every((r) => (r as { value: string }).value === value.toString())).toBe(true);
  });
});
