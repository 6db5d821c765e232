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
import { sleep } from '@cosocket/test-kit';
import { onDemandSkip, startFerretDB, startMemcached, startRedis, type Binary } from '../servers/index.js';
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
async function underLoad<T>(
  tasks: (() => Promise<T>)[],
  sample: () => Promise<number>,
): Promise<{ results: PromiseSettledResult<T>[]; peakConnections: number }> {
  let peakConnections = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      peakConnections = Math.max(peakConnections, await sample());
      await sleep(5);
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
  while ((await connections()) > 0 && Date.now() < deadline) await sleep(20);
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

/** One client under load: where its tasks connect, what one task does, and how the server's connections are counted. */
interface LoadRig {
  /** One task's work on its pooled connection (`backlog` names the pool's counter). */
  work(backlog: number, pool: string): Promise<void>;
  /** Connections from us the server side has open now. */
  connections(): Promise<number>;
  /** The most connections ever open at once, when it is known exactly (the proxy counts them). */
  exactPeak?: () => number;
  /** After `n` tasks of `work(backlog)`: checks what they did on the server. */
  check?: (backlog: number, n: number) => Promise<void>;
  close(): Promise<void>;
}

interface LoadCase {
  title: string;
  binary: Binary;
  startMs: number;
  /** A pool name prefix, so the clients never share pools. */
  pool: string;
  /** The whole test's timeout. */
  testMs?: number;
  open(): Promise<LoadRig>;
}

const CASES: LoadCase[] = [
  {
    title: 'Redis',
    binary: 'redis-server',
    startMs: 10_000,
    pool: 'redis-load',
    async open() {
      const server = await startRedis();
      const monitor = new Redis();
      monitor.setTimeout(5000);
      await monitor.connect(server.host, server.port, { pool: 'redis-load-monitor' });
      return {
        work: async (backlog, pool) => {
          const red = new Redis();
          red.setTimeout(20_000);
          await red.connect(server.host, server.port, { pool, poolSize: POOL, backlog });
          await red.incr(`load-${backlog}`);
          await red.setKeepalive();
        },
        connections: async () => Number(/connected_clients:(\d+)/.exec(String(await monitor.info('clients')))![1]) - 1,
        check: async (backlog, n) => expect(await monitor.get(`load-${backlog}`)).toBe(String(n)),
        close: () =>
          monitor.close().then(
            () => undefined,
            () => undefined,
          ),
      };
    },
  },
  {
    title: 'Memcached',
    binary: 'memcached',
    startMs: 10_000,
    pool: 'mc-load',
    async open() {
      const server = await startMemcached();
      const monitor = new Memcached();
      monitor.setTimeout(5000);
      await monitor.connect(server.host, server.port, { pool: 'mc-load-monitor' });
      const baseline = Number((await monitor.stats()).curr_connections);
      // incr needs the key: each pool's counter starts here.
      for (const backlog of [TASKS, 100]) await monitor.set(`load-${backlog}`, '0');
      return {
        work: async (backlog, pool) => {
          const mc = new Memcached();
          mc.setTimeout(20_000);
          await mc.connect(server.host, server.port, { pool, poolSize: POOL, backlog });
          await mc.incr(`load-${backlog}`, 1);
          await mc.setKeepalive();
        },
        connections: async () => Number((await monitor.stats()).curr_connections) - baseline,
        check: async (backlog, n) => expect((await monitor.get(`load-${backlog}`))?.value).toBe(String(n)),
        close: () =>
          monitor.close().then(
            () => undefined,
            () => undefined,
          ),
      };
    },
  },
  {
    // FerretDB has no cheap server-side connection count: the proxy in front of it counts.
    title: 'MongoDB (FerretDB)',
    binary: 'ferretdb',
    startMs: 60_000,
    pool: 'mongo-load',
    testMs: 120_000,
    async open() {
      const server = await startFerretDB();
      const proxy = await countedFaultProxy(server);
      return {
        work: async (backlog, pool) => {
          const m = new Mongo();
          m.setTimeout(60_000);
          await m.connect(proxy.host, proxy.port, { pool, poolSize: POOL, backlog });
          await m.db('load').command({ ping: 1 });
          await m.setKeepalive();
        },
        connections: async () => proxy.open,
        exactPeak: () => proxy.peakOpen,
        close: async () => {
          closeAllPools();
          await proxy.close();
        },
      };
    },
  },
];

beforeAll(() => {
  captureLogs(configure);
});

for (const c of CASES) {
  describe.skipIf(onDemandSkip(c.binary))(`${c.title}: ${TASKS} tasks through a pool of ${POOL}`, () => {
    let rig: LoadRig;
    beforeAll(async () => {
      rig = await c.open();
    }, c.startMs);
    afterAll(async () => {
      await rig?.close();
    });
    const task = (backlog: number) => () => rig.work(backlog, `${c.pool}-${backlog}`);

    it(
      `all succeed, never more than ${POOL} server connections, memory back to baseline`,
      async () => {
        await task(TASKS)(); // warm up: the pool and code paths exist before the baseline
        const before = heapAfterGc();
        const { results, peakConnections } = await underLoad(
          Array.from({ length: TASKS }, () => task(TASKS)),
          () => rig.connections(),
        );
        expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
        await rig.check?.(TASKS, TASKS + 1);
        const peakOpen = Math.max(peakConnections, rig.exactPeak?.() ?? 0);
        peak('peakServerConnections', peakOpen);
        expect(peakOpen).toBeGreaterThan(1);
        expect(peakOpen).toBeLessThanOrEqual(POOL);
        expect(statsOf(`${c.pool}-${TASKS}`)).toMatchObject({ inUse: 0, waiting: 0 });
        expect(heapAfterGc() - before).toBeLessThan(8 * 1024 * 1024);
      },
      c.testMs,
    );

    it(
      'over the backlog: the surplus fails at once with "too many waiting connect operations"',
      async () => {
        await drain(() => rig.connections());
        const { results, peakConnections } = await underLoad(
          Array.from({ length: TASKS }, () => task(100)),
          () => rig.connections(),
        );
        expectBacklogOutcome(results, 100);
        expect(Math.max(peakConnections, rig.exactPeak?.() ?? 0)).toBeLessThanOrEqual(POOL);
      },
      c.testMs,
    );
  });
}
