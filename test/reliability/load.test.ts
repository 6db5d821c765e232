// Load: 10,000 concurrent tasks per client through a pool of 30 with a backlog. All succeed
// (or, over the backlog, fail at once with the documented `too many waiting connect
// operations`), the server never sees more than 30 connections from us (measured server-side:
// Redis INFO clients, memcached stats curr_connections, and for FerretDB the fault proxy in
// front of it), and heap memory returns to its baseline afterwards.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CosocketError, closeAllPools, configure } from 'cosocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Memcached } from 'resty-memcached';
import { Mongo } from 'resty-mongo';
import { Redis } from 'resty-redis';
import { onDemandSkip, startFerretDB, startMemcached, startRedis, type FerretDBServer, type OnDemandServer, type RedisServer } from '../servers/index.js';
import type { FaultProxy } from '@cosocket/test-kit';
import { countedFaultProxy } from './support/proxy.js';
import { captureLogs, statsOf } from './support/outcomes.js';
import { scale } from './support/runs.js';
import { peak } from './support/stats.js';

const TASKS = scale(10_000, 30_000);
const POOL = 30;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Runs `tasks` concurrently while `sample` polls the server's connection count. */
async function underLoad<T>(tasks: (() => Promise<T>)[], sample: () => Promise<number>): Promise<{ results: PromiseSettledResult<T>[]; peakConnections: number }> {
  let peakConnections = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      peakConnections = Math.max(peakConnections, await sample());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  peak('peakConcurrentTasks', tasks.length);
  const results = await Promise.allSettled(tasks.map((t) => t()));
  done = true;
  await sampler;
  peak('peakServerConnections', peakConnections);
  return { results, peakConnections };
}

/** Closes our idle pooled connections and waits until the server sees none of them. */
async function drain(connections: () => Promise<number>): Promise<void> {
  closeAllPools();
  const deadline = Date.now() + 5000;
  while ((await connections()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await connections()).toBe(0);
}

function expectBacklogOutcome(results: PromiseSettledResult<unknown>[], backlog: number): void {
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  for (const f of failed) {
    expect(f.reason).toBeInstanceOf(CosocketError);
    expect((f.reason as CosocketError).code).toBe('too many waiting connect operations');
  }
  expect(results.length - failed.length).toBeGreaterThanOrEqual(POOL + backlog);
  expect(failed.length).toBeGreaterThan(0);
}

beforeAll(() => {
  captureLogs(configure);
});

describe.skipIf(onDemandSkip('redis-server'))(`Redis: ${TASKS} tasks through a pool of ${POOL}`, () => {
  let server: RedisServer;
  let monitor: Redis;
  beforeAll(async () => {
    server = await startRedis();
    monitor = new Redis();
    monitor.setTimeout(5000);
    await monitor.connect(server.host, server.port, { pool: 'load-monitor' });
  });
  afterAll(async () => {
    await monitor.close().catch(() => undefined);
  });
  const clients = async () => Number(/connected_clients:(\d+)/.exec(String(await monitor.info('clients')))![1]) - 1;

  const task = (backlog: number) => async () => {
    const red = new Redis();
    red.setTimeout(20_000);
    await red.connect(server.host, server.port, { pool: `load-${backlog}`, poolSize: POOL, backlog });
    await red.incr(`load-${backlog}`);
    await red.setKeepalive();
  };

  it('all succeed, never more than 30 server connections, memory back to baseline', async () => {
    await task(TASKS)(); // warm up: the pool and code paths exist before the baseline
    const before = heapAfterGc();
    const { results, peakConnections } = await underLoad(Array.from({ length: TASKS }, () => task(TASKS)), clients);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await monitor.get(`load-${TASKS}`)).toBe(String(TASKS + 1));
    expect(peakConnections).toBeGreaterThan(1);
    expect(peakConnections).toBeLessThanOrEqual(POOL);
    expect(statsOf(`load-${TASKS}`)).toMatchObject({ inUse: 0, waiting: 0 });
    expect(heapAfterGc() - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('over the backlog: the surplus fails at once with "too many waiting connect operations"', async () => {
    await drain(clients);
    const { results, peakConnections } = await underLoad(Array.from({ length: TASKS }, () => task(100)), clients);
    expectBacklogOutcome(results, 100);
    expect(peakConnections).toBeLessThanOrEqual(POOL);
  });
});

describe.skipIf(onDemandSkip('memcached'))(`Memcached: ${TASKS} tasks through a pool of ${POOL}`, () => {
  let server: OnDemandServer;
  let monitor: Memcached;
  let baseline = 0;
  beforeAll(async () => {
    server = await startMemcached();
    monitor = new Memcached();
    monitor.setTimeout(5000);
    await monitor.connect(server.host, server.port, { pool: 'load-monitor' });
    baseline = Number((await monitor.stats()).curr_connections);
    await monitor.set('load', '0');
  });
  afterAll(async () => {
    await monitor.close().catch(() => undefined);
  });
  const clients = async () => Number((await monitor.stats()).curr_connections) - baseline;

  const task = (backlog: number) => async () => {
    const mc = new Memcached();
    mc.setTimeout(20_000);
    await mc.connect(server.host, server.port, { pool: `mc-load-${backlog}`, poolSize: POOL, backlog });
    await mc.incr('load', 1);
    await mc.setKeepalive();
  };

  it('all succeed, never more than 30 server connections, memory back to baseline', async () => {
    await task(TASKS)();
    const before = heapAfterGc();
    const { results, peakConnections } = await underLoad(Array.from({ length: TASKS }, () => task(TASKS)), clients);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await monitor.get('load'))?.value).toBe(String(TASKS + 1));
    expect(peakConnections).toBeGreaterThan(1);
    expect(peakConnections).toBeLessThanOrEqual(POOL);
    expect(heapAfterGc() - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('over the backlog: the surplus fails at once with "too many waiting connect operations"', async () => {
    await drain(clients);
    const { results, peakConnections } = await underLoad(Array.from({ length: TASKS }, () => task(100)), clients);
    expectBacklogOutcome(results, 100);
    expect(peakConnections).toBeLessThanOrEqual(POOL);
  });
});

describe.skipIf(onDemandSkip('ferretdb'))(`MongoDB (FerretDB): ${TASKS} tasks through a pool of ${POOL}`, () => {
  let server: FerretDBServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startFerretDB();
    proxy = await countedFaultProxy(server);
  }, 60_000);
  afterAll(async () => {
    closeAllPools();
    await proxy?.close();
  });

  const task = (backlog: number) => async () => {
    const m = new Mongo();
    m.setTimeout(60_000);
    await m.connect(proxy.host, proxy.port, { pool: `mongo-load-${backlog}`, poolSize: POOL, backlog });
    await m.db('load').command({ ping: 1 });
    await m.setKeepalive();
  };

  it('all succeed, never more than 30 server connections (counted by the proxy), memory back to baseline', async () => {
    await task(TASKS)();
    const before = heapAfterGc();
    const { results } = await underLoad(Array.from({ length: TASKS }, () => task(TASKS)), async () => proxy.open);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(proxy.peakOpen).toBeGreaterThan(1);
    expect(proxy.peakOpen).toBeLessThanOrEqual(POOL);
    peak('peakServerConnections', proxy.peakOpen);
    expect(heapAfterGc() - before).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);
});
