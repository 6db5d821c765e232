// Keys: default escaping, custom transforms, and the checks that stop command injection.
import { identityKeyTransform, Memcached } from 'resty-memcached';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';
import { connected, prefix } from './helpers.js';

describeServer('memcached', 'memcached keys', (server) => {
  let memc: Memcached;
  let raw: Memcached;
  let p: string;
  beforeEach(async () => {
    memc = await connected(server);
    raw = await connected(server, { keyTransform: identityKeyTransform });
    p = prefix('key');
  });
  afterEach(async () => {
    await memc.close().catch(() => undefined);
    await raw.close().catch(() => undefined);
  });

  it('keys that need escaping work, and are stored under their encodeURIComponent form', async () => {
    const keys = [`${p}dog A`, `${p}dog&cat`, `${p}appname:x`, `${p}[k]`, `${p}日本`, `${p}tab\there`, `${p}100%`, `${p}a/b?c=d#e`];
    for (const [i, key] of keys.entries()) expect(await memc.set(key, `v${i}`)).toBe(true);
    for (const [i, key] of keys.entries()) expect((await memc.get(key))?.value).toBe(`v${i}`);
    // Multi-get maps the wire keys back to the caller's keys.
    const many = await memc.get(keys);
    expect(Object.keys(many).sort()).toEqual([...keys].sort());
    keys.forEach((key, i) => expect(many[key]?.value).toBe(`v${i}`));
    // The wire form, seen through a client that does not escape.
    expect((await raw.get(`${p}dog%20A`))?.value).toBe('v0');
    expect((await raw.get(`${p}dog%26cat`))?.value).toBe('v1');
    expect((await raw.get(`${p}appname%3Ax`))?.value).toBe('v2');
    expect((await raw.get(`${p}%5Bk%5D`))?.value).toBe('v3');
    expect((await raw.get(`${p}%E6%97%A5%E6%9C%AC`))?.value).toBe('v4');
  });

  it('an identity transform reads keys written by other clients (prefix:key)', async () => {
    await raw.set(`${p}php:session`, 'data');
    expect((await raw.get(`${p}php:session`))?.value).toBe('data');
    // Escaped, the same key names another item.
    expect(await memc.get(`${p}php:session`)).toBeNull();
    expect(await raw.get([`${p}php:session`])).toEqual({ [`${p}php:session`]: { value: 'data', flags: 0 } });
  });

  it('an asymmetric transform keys multi-get results by decode(wire key)', async () => {
    const asym = await connected(server, { keyTransform: [encodeURIComponent, (k) => k] });
    await asym.set(`${p}dog&cat`, 'v');
    expect(await asym.get([`${p}dog&cat`])).toEqual({ [`${p}dog%26cat`]: { value: 'v', flags: 0 } });
    await asym.close();
  });

  it('injection attempts throw TypeError before anything is sent, and the data stays intact', async () => {
    await memc.set(`${p}canary`, 'alive');
    await raw.set(`${p}canary2`, 'alive');
    const attacks = [
      'a\r\nflush_all',
      'a\r\nflush_all\r\n',
      'a\nflush_all',
      'a flush_all',
      'a\tb',
      'a\0b',
      'a\x7fb',
      'a\u0085b',
      'a\u00a0b',
      'a\u2028b',
      ' ',
      '',
      'k'.repeat(251),
      'é'.repeat(126), // 252 bytes in UTF-8
    ];
    for (const key of attacks) {
      await expect(raw.get(key), JSON.stringify(key)).rejects.toThrow(TypeError);
      await expect(raw.set(key, 'x'), JSON.stringify(key)).rejects.toThrow(TypeError);
      await expect(raw.delete(key)).rejects.toThrow(TypeError);
      await expect(raw.incr(key, 1)).rejects.toThrow(TypeError);
      await expect(raw.touch(key, 1)).rejects.toThrow(TypeError);
      await expect(raw.cas(key, 'x', '1')).rejects.toThrow(TypeError);
      await expect(raw.get([`${p}canary2`, key])).rejects.toThrow(TypeError);
      expect(() => raw.pipeline().set(key, 'x')).toThrow(TypeError);
    }
    // With the default escaping the same strings are harmless ordinary keys...
    await memc.set('a\r\nflush_all', 'escaped');
    expect((await memc.get('a\r\nflush_all'))?.value).toBe('escaped');
    // ...except those too long even escaped, and the empty key.
    await expect(memc.set('', 'x')).rejects.toThrow(TypeError);
    await expect(memc.set('k'.repeat(251), 'x')).rejects.toThrow(TypeError);
    await expect(memc.set('\ud800', 'x')).rejects.toThrow(TypeError);
    // Both connections are in sync and nothing was flushed.
    expect((await memc.get(`${p}canary`))?.value).toBe('alive');
    expect((await raw.get(`${p}canary2`))?.value).toBe('alive');
  });

  it('a 250-byte wire key is accepted, 251 is not (escaping counts)', async () => {
    expect(await memc.set('k'.repeat(250), 'max')).toBe(true);
    expect((await memc.get('k'.repeat(250)))?.value).toBe('max');
    // 84 spaces escape to 252 bytes.
    await expect(memc.set(' '.repeat(84), 'x')).rejects.toThrow(/longer than 250 bytes/);
  });

  it('a bad keyTransform is refused by the constructor', () => {
    expect(() => new Memcached({ keyTransform: [encodeURIComponent] as never })).toThrow(TypeError);
    expect(() => new Memcached({ keyTransform: 'x' as never })).toThrow(TypeError);
    const weird = new Memcached({ keyTransform: [() => 42 as unknown as string, (k) => k] });
    return expect(weird.get('a')).rejects.toThrow(TypeError);
  });
});
