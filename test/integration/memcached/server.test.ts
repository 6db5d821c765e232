// Whole-server commands and item-size limits, on private memcached processes (flush_all
// would wipe the shared server under the other test files).
import { Memcached, MemcachedProtocolError } from 'resty-memcached';
import { poolStats } from 'cosocket';
import { describe, expect, it } from 'vitest';
import { onDemandSkip, startMemcached } from '../../servers/index.js';
import { connected, prefix } from './helpers.js';

describe.skipIf(onDemandSkip('memcached'))('memcached server commands (private server)', () => {
  it('flushAll empties the server; flushAll(delay) keeps items readable until the delay passes', async () => {
    const server = await startMemcached();
    const memc = await connected(server);
    await memc.set('a', '1');
    await memc.set('b', '2');
    expect(await memc.flushAll()).toBe(true);
    expect(await memc.get(['a', 'b'])).toEqual({});
    await memc.set('c', '3');
    expect(await memc.flushAll(2)).toBe(true);
    expect((await memc.get('c'))?.value).toBe('3');
    await new Promise((r) => setTimeout(r, 3100));
    expect(await memc.get('c')).toBeNull();
    await expect(memc.flushAll(-1)).rejects.toThrow(RangeError);
    await memc.close();
  });

  it('with -I 2m: a 1.5 MiB value needs maxValueSize; without it the reply is a protocol error that closes the connection', async () => {
    const server = await startMemcached({ args: ['-I', '2m'] });
    const size = 1.5 * 1024 * 1024;
    const big = Buffer.alloc(size, 0x5a);
    const roomy = await connected(server, { returnBuffers: true, maxValueSize: 2 * 1024 * 1024 });
    expect(await roomy.set('big', big)).toBe(true);
    expect((await roomy.get('big'))!.value.equals(big)).toBe(true);
    expect((await roomy.get(['big']))['big']!.value.equals(big)).toBe(true);
    await roomy.close();

    const pool = prefix('strict');
    const strict = await connected(server, {}, pool);
    const error = await strict.get('big').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemcachedProtocolError);
    expect((error as Error).message).toMatch(/exceeds maxValueSize \(1048576\)/);
    await expect(strict.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
    expect(poolStats()[pool]?.idle ?? 0).toBe(0);
    // A fresh connection works as before.
    await strict.connect(server.host, server.port, { pool });
    expect(strict.getReusedTimes()).toBe(0);
    expect(await strict.version()).toMatch(/^\d/);
    await strict.close();
  });

  it('a server that goes away mid-session: the next command fails with a transport error, then reconnect works', async () => {
    const server = await startMemcached();
    const memc = new Memcached();
    memc.setTimeout(2000);
    await memc.connect(server.host, server.port);
    await memc.set('k', 'v');
    await server.kill();
    await expect(memc.get('k')).rejects.toMatchObject({ name: 'CosocketError' });
    await server.start();
    await memc.connect(server.host, server.port);
    expect(await memc.get('k')).toBeNull();
    await memc.close();
  });
});
