// One client shared by many concurrent callers: no error, and never more connections at the
// server than poolSize (counted by the server itself); the wait queue's bounds and timeout.
import { createClient, type Memcached, type MemcachedClient, type MemcachedClientOptions } from 'resty-memcached';
import { closeAfterEach, eventually, failure, sleep } from '@cosocket/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onDemandSkip, startMemcached, type MemcachedServer } from '../../servers/index.js';
import { connected } from './helpers.js';

describe.skipIf(onDemandSkip('memcached'))('createClient under concurrency (private server: connections counted)', () => {
  let srv: MemcachedServer;
  /** Another connection that asks the server how many connections it has. */
  let counter: Memcached;
  let baseline: number;
  const open = closeAfterEach<MemcachedClient>();
  const connections = async () => Number((await counter.stats()).curr_connections) - baseline;

  beforeAll(async () => {
    srv = await startMemcached();
    counter = await connected(srv);
    baseline = Number((await counter.stats()).curr_connections);
  });
  afterAll(() => counter.close());

  const client = (options: MemcachedClientOptions = {}): MemcachedClient => {
    const c = createClient(`${srv.host}:${srv.port}`, options);
    open.push(c);
    return c;
  };

  it('500 concurrent callers, commands and leases mixed: every result right, never more than poolSize connections', async () => {
    const poolSize = 4;
    const c = client({ poolSize });
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) peak = Math.max(peak, await connections());
    })();
    const caller = async (i: number): Promise<void> => {
      const key = `caller-${i}`;
      if (i % 5 === 0) {
        // A lease of its own: the other poolSize - 1 connections.
        await c.withConnection(async (memc) => {
          expect(await memc.set(key, `v${i}`)).toBe(true);
          expect(await memc.get(key)).toEqual({ value: `v${i}`, flags: 0 });
        });
      } else {
        expect(await c.set(key, `v${i}`)).toBe(true);
        expect(await c.incr(key, 1).catch((e: unknown) => (e as Error).name)).toBe('MemcachedServerError');
        expect(await c.get(key)).toEqual({ value: `v${i}`, flags: 0 });
      }
      expect(Object.keys(await c.getMulti([key, `${key}-missing`]))).toEqual([key]);
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 500 }, (_, i) => caller(i)));
    sampling = false;
    await sampler;
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    peak = Math.max(peak, await connections());
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(poolSize);
    await c.close();
    // close() resolved once the client closed them all; the server counts them down as it reads the FINs.
    for (let tries = 0; (await connections()) > 0 && tries < 200; tries++) await sleep(10);
    expect(await connections()).toBe(0);
  });

  it('commands alone share one connection however many callers there are', async () => {
    const c = client();
    const results = await Promise.all(Array.from({ length: 2000 }, (_, i) => c.set(`one-${i % 50}`, i)));
    expect(results.every((r) => r === true)).toBe(true);
    expect(await connections()).toBe(1);
  });

  it('waitTimeout: a caller that waits longer for a lease rejects with timeout, naming address and operation', async () => {
    const c = client({ poolSize: 2, waitTimeout: 100 });
    let release!: () => void;
    const held = c.withConnection(() => new Promise<void>((resolve) => (release = resolve)));
    await eventually(() => release !== undefined);
    const error = await failure(c.withConnection((memc) => memc.version()));
    expect(error).toMatchObject({ code: 'timeout', address: `${srv.host}:${srv.port}`, command: 'withConnection' });
    expect(error.message).toBe(`timeout: no free connection within 100 ms (all 1 in use, 0 more waiting) (${srv.host}:${srv.port}, withConnection)`);
    // Commands do not wait for leases: they have the shared connection.
    expect(await c.version()).toMatch(/^\d+\.\d+/);
    release();
    await held;
    expect(await c.withConnection((memc) => memc.version())).toMatch(/^\d+\.\d+/);
  });

  it('maxWaiting: one caller more than may wait rejects at once', async () => {
    const c = client({ poolSize: 2, maxWaiting: 1 });
    let release!: () => void;
    const held = c.withConnection(() => new Promise<void>((resolve) => (release = resolve)));
    await eventually(() => release !== undefined);
    const waiting = c.withConnection((memc) => memc.version());
    const error = await failure(c.withConnection((memc) => memc.version()));
    expect(error).toMatchObject({ code: 'too many waiting connect operations', address: `${srv.host}:${srv.port}`, command: 'withConnection' });
    expect(error.message).toBe(
      `too many waiting connect operations: all 1 connections are in use and 1 callers wait already (maxWaiting) (${srv.host}:${srv.port}, withConnection)`,
    );
    release();
    await held;
    expect(await waiting).toMatch(/^\d+\.\d+/);
  });

  it('poolSize 1: the shared connection only; withConnection says why it has none', async () => {
    const c = client({ poolSize: 1 });
    expect(await c.set('ps1', 'v')).toBe(true);
    await expect(c.withConnection((memc) => memc.version())).rejects.toMatchObject({
      name: 'MemcachedClientError',
      code: 'no connection to lease',
      message: `withConnection needs poolSize ≥ 2: the one connection poolSize allows is the shared one (${srv.host}:${srv.port}, withConnection)`,
    });
  });

  it('flushAll goes over the shared connection too', async () => {
    const c = client();
    await c.set('f', '1');
    expect(await Promise.all([c.flushAll(), c.get('f')])).toEqual([true, null]);
  });
});
