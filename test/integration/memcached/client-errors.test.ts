// The client's failures: each rejects with the OpenResty code and names the server's address and
// the command; a server that is down, stalls or comes back; close() and what follows it.
import { createClient, MemcachedServerError, type MemcachedClient, type MemcachedClientOptions } from 'resty-memcached';
import { closeAfterEach, failure, sleep } from '@cosocket/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeServer, onDemandSkip, startMemcached, type MemcachedServer } from '../../servers/index.js';
import { prefix } from './helpers.js';

describeServer('memcached', 'createClient errors (shared server)', (server) => {
  const open = closeAfterEach<MemcachedClient>();
  const address = `${server.host}:${server.port}`;
  const client = (options: MemcachedClientOptions = {}): MemcachedClient => {
    const c = createClient(address, options);
    open.push(c);
    return c;
  };

  it("a server error reply keeps the server's line as message, with address and command as fields", async () => {
    const p = prefix('err');
    const c = client();
    await c.set(`${p}t`, 'text');
    const error = await failure(c.incr(`${p}t`, 1), MemcachedServerError);
    expect(error).toMatchObject({
      code: 'CLIENT_ERROR',
      message: 'CLIENT_ERROR cannot increment or decrement non-numeric value',
      address,
      command: 'incr',
    });
    await expect(c.stats('nonsense')).rejects.toMatchObject({ code: 'ERROR', address, command: 'stats' });
    // Only that command failed.
    expect(await c.get(`${p}t`)).toEqual({ value: 'text', flags: 0 });
  });

  it('more commands in flight than maxPending: the extra ones reject at once, named', async () => {
    const c = client({ maxPending: 5 });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => c.version()));
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as Error);
    expect(rejected).toHaveLength(3);
    for (const error of rejected) {
      expect(error).toMatchObject({ code: 'too many pending commands', address, command: 'version' });
      expect(error.message).toBe(`too many pending commands: 5 are queued or awaiting a reply (maxPending) (${address}, version)`);
    }
  });

  it('close(): commands under way finish; idempotent; later calls reject with closed (the connection count is client-pool.test.ts)', async () => {
    const p = prefix('close');
    const c = client({ poolSize: 3 });
    await c.withConnection((memc) => memc.version()); // one idle pooled connection besides the shared one
    const underWay = [c.set(`${p}k`, '1'), c.incr(`${p}k`, 1), c.get(`${p}k`)];
    const first = c.close();
    const second = c.close();
    expect(second).toBe(first);
    await first;
    expect(await Promise.all(underWay)).toEqual([true, 2, { value: '2', flags: 0 }]);
    const closed = await failure(c.get(`${p}k`));
    expect(closed).toMatchObject({ code: 'closed', address, command: 'get' });
    expect(closed.message).toBe(`closed (the client was closed with close()) (${address}, get)`);
    await expect(c.getMulti([`${p}k`])).rejects.toMatchObject({ code: 'closed', command: 'get' });
    await expect(c.pipeline().set(`${p}k`, 'x').commit()).rejects.toMatchObject({ code: 'closed', command: 'set' });
    await expect(c.withConnection((memc) => memc.version())).rejects.toMatchObject({
      code: 'closed',
      message: `closed (the client was closed with close()) (${address}, withConnection)`,
    });
    await expect(c.close()).resolves.toBeUndefined();
    await expect(createClient(address).close()).resolves.toBeUndefined(); // never used
  });
});

describe.skipIf(onDemandSkip('memcached'))('createClient errors (private server: stopped, paused)', () => {
  let srv: MemcachedServer;
  const open = closeAfterEach<MemcachedClient>();
  beforeAll(async () => {
    srv = await startMemcached();
  });
  afterAll(() => srv.dispose());
  const client = (options: MemcachedClientOptions = {}): MemcachedClient => {
    const c = createClient(`${srv.host}:${srv.port}`, options);
    open.push(c);
    return c;
  };

  it('a server that is down: connection refused (host:port, connect), for commands and leases; once it is back, the next command connects', async () => {
    const address = `${srv.host}:${srv.port}`;
    await srv.stop();
    try {
      const c = client();
      const outcomes = await Promise.allSettled([c.get('k'), c.set('k', 'v')]);
      for (const o of outcomes) {
        const error = (o as PromiseRejectedResult).reason as Error;
        expect(error).toMatchObject({ name: 'CosocketError', code: 'connection refused', address, command: 'connect' });
        expect(error.message).toBe(`connection refused (${address}, connect)`);
      }
      await expect(c.withConnection((memc) => memc.version())).rejects.toMatchObject({
        code: 'connection refused',
        message: `connection refused (${address}, connect)`,
      });
      await srv.start();
      expect(await c.set('k', 'back')).toBe(true);
      expect(await c.withConnection((memc) => memc.get('k'))).toEqual({ value: 'back', flags: 0 });
    } finally {
      if (!srv.running) await srv.start();
    }
  });

  it('timeout: a stalled reply fails the commands pending on it, named; the next command reconnects', async () => {
    const c = client({ timeout: 150 });
    expect(await c.set('t', 'v')).toBe(true);
    srv.pause();
    await sleep(50);
    try {
      const outcomes = await Promise.allSettled([c.get('t'), c.get('t')]);
      for (const o of outcomes) {
        const error = (o as PromiseRejectedResult).reason as Error;
        expect(error).toMatchObject({ code: 'timeout', address: `${srv.host}:${srv.port}`, command: 'get' });
        expect(error.message).toBe(`timeout (${srv.host}:${srv.port}, get)`);
      }
    } finally {
      srv.resume();
    }
    expect(await c.get('t')).toEqual({ value: 'v', flags: 0 });
  });

  it('readTimeout overrides timeout for replies', async () => {
    const c = client({ timeout: 60_000, readTimeout: 150 });
    expect(await c.version()).toMatch(/^\d/);
    srv.pause();
    await sleep(50);
    try {
      const started = Date.now();
      await expect(c.version()).rejects.toMatchObject({ code: 'timeout', command: 'version' });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      srv.resume();
    }
  });
});
