// Every command and result shape against the real memcached.
import { Memcached, MemcachedError } from 'resty-memcached';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';
import { connected, prefix } from './helpers.js';

describeServer('memcached', 'memcached commands', (server) => {
  let memc: Memcached;
  let p: string;
  beforeEach(async () => {
    memc = await connected(server);
    p = prefix('cmd');
  });
  afterEach(async () => {
    await memc.close().catch(() => undefined);
  });

  it('set / get a string value, and get returns null on a miss', async () => {
    expect(await memc.set(`${p}dog`, 'an animal')).toBe(true);
    expect(await memc.get(`${p}dog`)).toEqual({ value: 'an animal', flags: 0 });
    expect(await memc.get(`${p}nothing`)).toBeNull();
  });

  it('stringifies numbers, bigints and booleans on the way in', async () => {
    await memc.set(`${p}n`, 32);
    await memc.set(`${p}f`, 1.5);
    await memc.set(`${p}b`, true);
    await memc.set(`${p}big`, 2n ** 64n - 1n);
    expect(await memc.get([`${p}n`, `${p}f`, `${p}b`, `${p}big`])).toEqual({
      [`${p}n`]: { value: '32', flags: 0 },
      [`${p}f`]: { value: '1.5', flags: 0 },
      [`${p}b`]: { value: 'true', flags: 0 },
      [`${p}big`]: { value: '18446744073709551615', flags: 0 },
    });
  });

  it('add stores only a missing key, replace only an existing one', async () => {
    expect(await memc.add(`${p}k`, 'first')).toBe(true);
    expect(await memc.add(`${p}k`, 'second')).toBe(false);
    expect(await memc.replace(`${p}k`, 'third')).toBe(true);
    expect(await memc.replace(`${p}missing`, 'x')).toBe(false);
    expect((await memc.get(`${p}k`))?.value).toBe('third');
    expect(await memc.get(`${p}missing`)).toBeNull();
  });

  it('append and prepend, and both refuse a missing key', async () => {
    await memc.set(`${p}k`, 'middle', 0, 7);
    expect(await memc.append(`${p}k`, '-end')).toBe(true);
    expect(await memc.prepend(`${p}k`, 'start-')).toBe(true);
    // The server keeps the item's flags: append/prepend ignore theirs.
    expect(await memc.get(`${p}k`)).toEqual({ value: 'start-middle-end', flags: 7 });
    expect(await memc.append(`${p}missing`, 'x')).toBe(false);
    expect(await memc.prepend(`${p}missing`, 'x')).toBe(false);
  });

  it('gets returns an exact cas string; cas succeeds once, then conflicts', async () => {
    await memc.set(`${p}k`, 'v1', 0, 3);
    const first = await memc.gets(`${p}k`);
    expect(first).toEqual({ value: 'v1', flags: 3, cas: expect.stringMatching(/^\d+$/) });
    expect(await memc.cas(`${p}k`, 'v2', first!.cas)).toBe(true);
    // The same (now stale) cas value conflicts: EXISTS -> false, value unchanged.
    expect(await memc.cas(`${p}k`, 'v3', first!.cas)).toBe(false);
    expect((await memc.get(`${p}k`))?.value).toBe('v2');
    // A bigint cas is accepted as well.
    const second = await memc.gets(`${p}k`);
    expect(await memc.cas(`${p}k`, 'v4', BigInt(second!.cas), 0, 9)).toBe(true);
    expect(await memc.get(`${p}k`)).toEqual({ value: 'v4', flags: 9 });
    // Another client's write between gets and cas is a conflict.
    const third = await memc.gets(`${p}k`);
    const other = await connected(server);
    await other.set(`${p}k`, 'theirs');
    await other.close();
    expect(await memc.cas(`${p}k`, 'mine', third!.cas)).toBe(false);
    expect((await memc.get(`${p}k`))?.value).toBe('theirs');
    // cas on a missing key: NOT_FOUND -> false.
    expect(await memc.cas(`${p}missing`, 'x', third!.cas)).toBe(false);
  });

  it('multi-key gets maps each key to value, flags and cas', async () => {
    await memc.set(`${p}a`, 'A', 0, 1);
    await memc.set(`${p}b`, 'B', 0, 2);
    const many = await memc.gets([`${p}a`, `${p}b`, `${p}c`]);
    expect(Object.keys(many).sort()).toEqual([`${p}a`, `${p}b`]);
    expect(many[`${p}a`]).toEqual({ value: 'A', flags: 1, cas: expect.stringMatching(/^\d+$/) });
    expect(many[`${p}b`]?.flags).toBe(2);
    expect(many[`${p}a`]?.cas).not.toBe(many[`${p}b`]?.cas);
  });

  it('an empty key list resolves {} without I/O', async () => {
    expect(await memc.get([])).toEqual({});
    expect(await memc.gets([])).toEqual({});
  });

  it('delete: true, then false on NOT_FOUND', async () => {
    await memc.set(`${p}k`, 'v');
    expect(await memc.delete(`${p}k`)).toBe(true);
    expect(await memc.delete(`${p}k`)).toBe(false);
    expect(await memc.get(`${p}k`)).toBeNull();
  });

  it('incr / decr return numbers, null on a miss; decr stops at 0', async () => {
    await memc.set(`${p}n`, 10);
    expect(await memc.incr(`${p}n`, 5)).toBe(15);
    expect(await memc.decr(`${p}n`, 3)).toBe(12);
    expect(await memc.decr(`${p}n`, 100)).toBe(0);
    expect(await memc.incr(`${p}n`, '7')).toBe(7);
    expect(await memc.incr(`${p}n`, 1n)).toBe(8);
    expect(await memc.incr(`${p}missing`, 1)).toBeNull();
    expect(await memc.decr(`${p}missing`, 1)).toBeNull();
  });

  it('incr wraps at 2^64', async () => {
    await memc.set(`${p}n`, '18446744073709551615');
    expect(await memc.incr(`${p}n`, 1)).toBe(0);
  });

  it('incr on a non-numeric value throws CLIENT_ERROR and the connection stays usable', async () => {
    await memc.set(`${p}s`, 'not a number');
    const error = await memc.incr(`${p}s`, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemcachedError);
    expect((error as MemcachedError).code).toBe('CLIENT_ERROR');
    expect((error as MemcachedError).message).toBe('CLIENT_ERROR cannot increment or decrement non-numeric value');
    expect((error as MemcachedError).command).toBe('incr');
    expect((await memc.get(`${p}s`))?.value).toBe('not a number');
  });

  it('incr / decr reject a negative or fractional delta before sending', async () => {
    await expect(memc.incr(`${p}n`, -1)).rejects.toThrow(RangeError);
    await expect(memc.incr(`${p}n`, 1.5)).rejects.toThrow(TypeError);
    await expect(memc.incr(`${p}n`, '18446744073709551616')).rejects.toThrow(RangeError);
    expect(await memc.version()).toMatch(/^\d+\.\d+/);
  });

  it('touch: true for an existing key, false on NOT_FOUND, and it changes the expiry', async () => {
    await memc.set(`${p}k`, 'v', 1);
    expect(await memc.touch(`${p}k`, 100)).toBe(true);
    expect(await memc.touch(`${p}missing`, 100)).toBe(false);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await memc.get(`${p}k`))?.value).toBe('v');
    await expect(memc.touch(`${p}k`, undefined as unknown as number)).rejects.toThrow(TypeError);
  });

  it('stats parses name/value pairs; stats with an argument; unknown group throws ERROR', async () => {
    const stats = await memc.stats();
    expect(stats.version).toBe(await memc.version());
    expect(Number(stats.pid)).toBeGreaterThan(0);
    expect(stats.curr_connections).toMatch(/^\d+$/);
    const settings = await memc.stats('settings');
    expect(settings.maxbytes).toMatch(/^\d+$/);
    expect(settings.item_size_max).toMatch(/^\d+$/);
    const error = await memc.stats('nonsense').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemcachedError);
    expect((error as MemcachedError).code).toBe('ERROR');
    await expect(memc.stats('a\r\nflush_all')).rejects.toThrow(TypeError);
    expect(await memc.get(`${p}nothing`)).toBeNull();
  });

  it('version and verbosity', async () => {
    expect(await memc.version()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await memc.verbosity(0)).toBe(true);
  });

  it('quit closes the connection on both sides', async () => {
    await memc.quit();
    await expect(memc.get(`${p}k`)).rejects.toMatchObject({ name: 'CosocketError', code: 'closed' });
    await expect(memc.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
    // The same object can connect again.
    await memc.connect(server.host, server.port);
    expect(await memc.version()).toMatch(/^\d/);
  });

  it('a second command while one is in flight throws socket busy and does not disturb the first', async () => {
    await memc.set(`${p}k`, 'v');
    const first = memc.get(`${p}k`);
    await expect(memc.get(`${p}k`)).rejects.toMatchObject({ name: 'CosocketError', code: expect.stringMatching(/^socket busy/) });
    expect(await first).toEqual({ value: 'v', flags: 0 });
    expect(await memc.get(`${p}k`)).toEqual({ value: 'v', flags: 0 });
  });

  it('rejects bad flags, exptime and values before sending', async () => {
    await expect(memc.set(`${p}k`, 'v', 0, -1)).rejects.toThrow(RangeError);
    await expect(memc.set(`${p}k`, 'v', 0, 2 ** 32)).rejects.toThrow(RangeError);
    await expect(memc.set(`${p}k`, 'v', 1.5)).rejects.toThrow(TypeError);
    await expect(memc.set(`${p}k`, null as unknown as string)).rejects.toThrow(TypeError);
    await expect(memc.set(`${p}k`, { a: 1 } as unknown as string)).rejects.toThrow(TypeError);
    await expect(memc.set(`${p}k`, Number.NaN)).rejects.toThrow(TypeError);
    expect(await memc.get(`${p}k`)).toBeNull();
  });
});
