// Reuse through the cosocket pool, and what may or may not go back into it.
import { CosocketError, Memcached, MemcachedError } from 'resty-memcached';
import { poolStats, withContext } from 'cosocket';
import { expect, it } from 'vitest';
import { describeServer, startMemcached } from '../../servers/index.js';
import { connected, prefix } from './helpers.js';

describeServer('memcached', 'memcached pooling', (server) => {
  it('setKeepalive returns the connection; the next connect reuses it', async () => {
    const pool = prefix('pool');
    const p = prefix('k');
    const first = await connected(server, {}, pool);
    expect(first.getReusedTimes()).toBe(0);
    await first.set(`${p}k`, 'v');
    await first.setKeepalive(10_000, 4);
    expect(poolStats()[pool]?.idle).toBe(1);
    for (let round = 1; round <= 3; round++) {
      const memc = await connected(server, {}, pool);
      expect(memc.getReusedTimes()).toBe(round);
      expect(await memc.get(`${p}k`)).toEqual({ value: 'v', flags: 0 });
      await memc.setKeepalive();
    }
    // The same object may connect again after setKeepalive.
    await first.connect(server.host, server.port, { pool });
    expect(first.getReusedTimes()).toBe(4);
    expect(await first.get([`${p}k`, `${p}x`])).toEqual({ [`${p}k`]: { value: 'v', flags: 0 } });
    await first.close();
    expect(poolStats()[pool]?.idle ?? 0).toBe(0);
  });

  it('after a miss, a server error and a pipeline the connection is still poolable', async () => {
    const pool = prefix('pool');
    const p = prefix('k');
    const memc = await connected(server, {}, pool);
    expect(await memc.get(`${p}none`)).toBeNull();
    await memc.set(`${p}s`, 'text');
    await expect(memc.incr(`${p}s`, 1)).rejects.toBeInstanceOf(MemcachedError);
    await expect(memc.stats('nonsense')).rejects.toMatchObject({ code: 'ERROR' });
    await memc.pipeline().set(`${p}a`, 1).incr(`${p}a`, 1).incr(`${p}s`, 1).commit();
    await memc.setKeepalive();
    await memc.connect(server.host, server.port, { pool });
    expect(memc.getReusedTimes()).toBe(1);
    expect((await memc.get(`${p}a`))?.value).toBe('2');
    await memc.close();
  });

  it('a read timeout closes the connection, so it never reaches the pool', async () => {
    // A private server we can freeze (SIGSTOP): the request goes out, no reply comes.
    const frozen = await startMemcached();
    const pool = prefix('pool');
    const memc = await connected(frozen, {}, pool);
    await memc.set('k', 'v');
    memc.setTimeouts(2000, 2000, 200);
    frozen.pause();
    await new Promise((r) => setTimeout(r, 100)); // let SIGSTOP take effect
    try {
      const error = await memc.get('k').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CosocketError);
      expect((error as CosocketError).code).toBe('timeout');
    } finally {
      frozen.resume();
    }
    // The late reply must not be read as the answer to anything: the socket is gone.
    await expect(memc.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
    await expect(memc.get('k')).rejects.toMatchObject({ code: 'closed' });
    expect(poolStats()[pool]?.idle ?? 0).toBe(0);
    await memc.connect(frozen.host, frozen.port, { pool });
    expect(await memc.get('k')).toEqual({ value: 'v', flags: 0 });
    await memc.close();
  });

  it('concurrent tasks each get their own pooled connection', async () => {
    const pool = prefix('pool');
    const p = prefix('k');
    const seed = await connected(server);
    await seed.set(`${p}k`, 'shared');
    await seed.close();
    const task = async (i: number): Promise<string> => {
      const memc = new Memcached();
      memc.setTimeout(5000);
      await memc.connect(server.host, server.port, { pool, poolSize: 4 });
      await memc.set(`${p}t${i}`, `task ${i}`);
      const got = await memc.get([`${p}k`, `${p}t${i}`]);
      await memc.setKeepalive();
      return `${got[`${p}k`]?.value}/${got[`${p}t${i}`]?.value}`;
    };
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => withContext(() => task(i))));
      expect(results).toEqual(Array.from({ length: 8 }, (_, i) => `shared/task ${i}`));
    }
    const stats = poolStats()[pool];
    expect(stats?.idle).toBeGreaterThan(0);
    expect(stats?.idle).toBeLessThanOrEqual(4);
  });
});
