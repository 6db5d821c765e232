// Redis scenarios, one client variant per process (forked by bench/run.mjs).
// Every reply is checked; a mismatch voids the run.
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { createClient as createRestyClient, Redis, RedisMultiplexed } from 'resty-redis';
import { check } from '../lib/measure.mjs';
import { runChild, versionOf } from '../lib/child.mjs';
import { memoizedExchange, rawConnection, respBulk, respCommand } from '../lib/raw-exchange.mjs';

export const KEY = 'bench:v100';
export const VALUE = 'v'.repeat(100);
export const KEY16K = 'bench:v16k';
export const VALUE16K = 'm'.repeat(16 * 1024);
export const KEY1M = 'bench:v1m';
export const VALUE1M = 'M'.repeat(1024 * 1024);
export const MKEYS = Array.from({ length: 10 }, (_, i) => `bench:m${i}`);
export const HKEY = 'bench:h10';
export const HFIELDS = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, `value-${i}`]));
const PER_CALLER = 10;

/** Uniform adapter per client: get/set/incr/mget/hgetall/pipeline, and the concurrent path. */
const variants = {
  'resty-redis': {
    options: {
      RESP: 2,
      timeouts: 'cosocket defaults (60 s connect/send/read)',
      connections: '1 (pooled: one per concurrent caller, pool size = callers)',
    },
    version: await versionOf('resty-redis'),
    async setup({ host, port }) {
      const red = new Redis();
      await red.connect(host, port);
      return {
        get: (k) => red.get(k),
        set: (k, v) => red.set(k, v),
        incr: (k) => red.incr(k),
        mget: (ks) => red.mget(...ks),
        hgetall: async (k) => flatToObject(await red.hgetall(k)),
        async pipeline(n, k) {
          red.initPipeline();
          for (let i = 0; i < n; i++) void red.get(k);
          return red.commitPipeline();
        },
        // The pooled model: each caller takes a connection, runs its command, gives it back.
        concurrentGet: async (k, callers) => {
          const c = new Redis();
          await c.connect(host, port, { pool: 'bench', poolSize: callers, backlog: 10_000 });
          const v = await c.get(k);
          await c.setKeepalive();
          return v;
        },
        close: () => red.close(),
      };
    },
    teardown: (c) => c.close(),
  },
  'resty-redis mux': {
    options: { RESP: 2, timeouts: 'cosocket defaults (60 s)', connections: 1, mode: 'RedisMultiplexed (maxPending 10,000)' },
    version: await versionOf('resty-redis'),
    async setup({ host, port }) {
      const m = new RedisMultiplexed();
      await m.connect(host, port);
      return {
        get: (k) => m.get(k),
        set: (k, v) => m.set(k, v),
        incr: (k) => m.incr(k),
        mget: (ks) => m.mget(...ks),
        hgetall: async (k) => flatToObject(await m.hgetall(k)),
        pipeline: (n, k) => Promise.all(Array.from({ length: n }, () => m.get(k))),
        concurrentGet: (k) => m.get(k),
        close: () => m.close(),
      };
    },
    teardown: (c) => c.close(),
  },
  ...restyClientVariant('resty-redis client', {}, 'createClient defaults: poolSize 10 (1 multiplexed connection + leases), RESP2'),
  ...restyClientVariant(
    'resty-redis client leased',
    { poolSize: 1 },
    'createClient with poolSize 1: no multiplexed connection, every command leases the pooled connection (for the per-command choice)',
  ),
  'raw socket': {
    options: {
      description:
        'the ceiling of a Node client: net.Socket, fixed request bytes, waits for the exact reply bytes, no parsing; serial and pipeline scenarios only',
    },
    version: process.version,
    async setup(server) {
      const raw = await rawConnection(server);
      const values = { [KEY]: VALUE, [KEY16K]: VALUE16K, [KEY1M]: VALUE1M };
      for (const k of MKEYS) values[k] = VALUE;
      const exchange = memoizedExchange(raw);
      const hashFlat = Object.entries(HFIELDS).flat();
      return {
        get: async (k) => {
          await exchange(
            `GET ${k}`,
            () => respCommand(['GET', k]),
            () => respBulk(values[k]),
          );
          return values[k];
        },
        set: async (k, v) => {
          await exchange(
            `SET ${k} ${v}`,
            () => respCommand(['SET', k, v]),
            () => Buffer.from('+OK\r\n'),
          );
          return 'OK';
        },
        mget: async (ks) => {
          await exchange(
            `MGET ${ks}`,
            () => respCommand(['MGET', ...ks]),
            () => respBulk(ks.map((k) => values[k])),
          );
          return ks.map((k) => values[k]);
        },
        // A small hash (listpack) replies in insertion order, which seed() fixes.
        hgetall: async (k) => {
          await exchange(
            `HGETALL ${k}`,
            () => respCommand(['HGETALL', k]),
            () => respBulk(hashFlat),
          );
          return HFIELDS;
        },
        pipeline: async (n, k) => {
          await exchange(
            `pipeline ${n} ${k}`,
            () => Buffer.concat(Array.from({ length: n }, () => respCommand(['GET', k]))),
            () => Buffer.concat(Array.from({ length: n }, () => respBulk(values[k]))),
          );
          return Array.from({ length: n }, () => values[k]);
        },
        close: () => raw.close(),
      };
    },
    teardown: (c) => c.close(),
  },
  ...ioredisVariant('ioredis', { lazyConnect: true }, 'library defaults: RESP3, no command timeout, autopipelining off, 1 connection'),
  ...ioredisVariant('ioredis eq', { lazyConnect: true, protocol: 2 }, 'equalized: RESP2, no command timeout, autopipelining off, 1 connection'),
  ...ioredisVariant(
    'ioredis auto',
    { lazyConnect: true, protocol: 2, enableAutoPipelining: true },
    'equalized: RESP2, no command timeout, autopipelining ON, 1 connection',
  ),
  ...nodeRedisVariant('node-redis', {}, 'library defaults (RESP as the library defaults, no command timeout), 1 connection'),
  ...nodeRedisVariant('node-redis eq', { RESP: 2 }, 'equalized: RESP2, no command timeout, 1 connection'),
};

/** createClient: the client layer (the connection choice per command is the client's). */
function restyClientVariant(name, opts, description) {
  return {
    [name]: {
      options: { RESP: 2, timeouts: 'client defaults (10 s connect, cosocket 60 s command)', ...opts, description },
      version: null,
      async setup({ host, port }) {
        this.version = await versionOf('resty-redis');
        const c = createRestyClient({ host, port, ...opts });
        // Connects on first use: connect before measuring, as the other variants do.
        await c.ping();
        return {
          get: (k) => c.get(k),
          set: (k, v) => c.set(k, v),
          incr: (k) => c.incr(k),
          mget: (ks) => c.mget(...ks),
          hgetall: async (k) => {
            const h = await c.hgetall(k);
            return Array.isArray(h) ? flatToObject(h) : h;
          },
          pipeline(n, k) {
            const p = c.pipeline();
            for (let i = 0; i < n; i++) p.get(k);
            return p.exec();
          },
          concurrentGet: (k) => c.get(k),
          close: () => c.close(),
        };
      },
      teardown: (c) => c.close(),
    },
  };
}

function ioredisVariant(name, opts, description) {
  return {
    [name]: {
      options: { ...opts, description },
      version: null,
      async setup({ host, port }) {
        this.version = await versionOf('ioredis');
        const r = new IORedis({ host, port, ...opts });
        await r.connect();
        return {
          get: (k) => r.get(k),
          set: (k, v) => r.set(k, v),
          incr: (k) => r.incr(k),
          mget: (ks) => r.mget(...ks),
          hgetall: (k) => r.hgetall(k),
          async pipeline(n, k) {
            const p = r.pipeline();
            for (let i = 0; i < n; i++) p.get(k);
            const out = await p.exec();
            return out.map(([err, v]) => (err ? err : v));
          },
          concurrentGet: (k) => r.get(k),
          close: () => r.disconnect(),
        };
      },
      teardown: (c) => c.close(),
    },
  };
}

function nodeRedisVariant(name, opts, description) {
  return {
    [name]: {
      options: { ...opts, description },
      version: null,
      async setup({ host, port }) {
        this.version = await versionOf('redis');
        const r = createClient({ socket: { host, port }, ...opts });
        r.on('error', () => undefined);
        await r.connect();
        return {
          get: (k) => r.get(k),
          set: (k, v) => r.set(k, v),
          incr: (k) => r.incr(k),
          mget: (ks) => r.mGet(ks),
          hgetall: async (k) => ({ ...(await r.hGetAll(k)) }),
          async pipeline(n, k) {
            const m = r.multi();
            for (let i = 0; i < n; i++) m.get(k);
            return m.execAsPipeline();
          },
          concurrentGet: (k) => r.get(k),
          close: () => r.quit().catch(() => undefined),
        };
      },
      teardown: (c) => c.close(),
    },
  };
}

function flatToObject(arr) {
  const o = {};
  for (let i = 0; i < arr.length; i += 2) o[arr[i]] = arr[i + 1];
  return o;
}

function checkAll(replies, n, expected, what) {
  if (replies.length !== n) throw new Error(`benchmark reply mismatch in ${what}: ${replies.length} replies for ${n}`);
  for (let i = 0; i < n; i++) if (replies[i] !== expected) check(replies[i], expected, what);
}

const serialGet = (key, value) => (c) => ({ batch: 1, op: async () => check(await c.get(key), value, 'GET') });
const pipeline = (n) => (c) => ({ batch: n, op: async () => checkAll(await c.pipeline(n, KEY), n, VALUE, `pipeline ${n}`) });
const concurrent = (callers) => (c) =>
  c.concurrentGet === undefined
    ? null
    : {
        batch: callers * PER_CALLER,
        op: () =>
          Promise.all(
            Array.from({ length: callers }, async () => {
              for (let i = 0; i < PER_CALLER; i++) check(await c.concurrentGet(KEY, callers), VALUE, `${callers} callers GET`);
            }),
          ),
      };

/** name -> { make, benchmark: redis-benchmark shape ({ clients, pipeline, command, n }) }. */
export const SCENARIOS = {
  'GET 100 B': { make: serialGet(KEY, VALUE), benchmark: { command: ['GET', KEY], n: 20_000 } },
  'SET 100 B': {
    make: (c) => ({ batch: 1, op: async () => check(await c.set(KEY, VALUE), 'OK', 'SET') }),
    benchmark: { command: ['SET', KEY, VALUE], n: 20_000 },
  },
  INCR: {
    make: (c) => {
      if (c.incr === undefined) return null;
      let last = -Infinity;
      return {
        batch: 1,
        op: async () => {
          const v = Number(await c.incr('bench:counter'));
          if (!(v > last)) throw new Error(`benchmark reply mismatch in INCR: ${v} after ${last}`);
          last = v;
        },
      };
    },
    benchmark: { command: ['INCR', 'bench:counter2'], n: 20_000 },
  },
  'GET 16 KiB': { make: serialGet(KEY16K, VALUE16K), benchmark: { command: ['GET', KEY16K], n: 10_000 } },
  'GET 1 MiB': { make: serialGet(KEY1M, VALUE1M), benchmark: { command: ['GET', KEY1M], n: 500 } },
  'MGET 10': {
    make: (c) => ({ batch: 1, op: async () => checkAll(await c.mget(MKEYS), 10, VALUE, 'MGET') }),
    benchmark: { command: ['MGET', ...MKEYS], n: 20_000 },
  },
  'HGETALL 10': {
    make: (c) => ({
      batch: 1,
      op: async () => {
        const h = await c.hgetall(HKEY);
        for (const [f, v] of Object.entries(HFIELDS)) check(h[f], v, 'HGETALL');
      },
    }),
    benchmark: { command: ['HGETALL', HKEY], n: 20_000 },
  },
  'pipeline 10': { make: pipeline(10), benchmark: { command: ['GET', KEY], pipeline: 10, n: 100_000 } },
  'pipeline 100': { make: pipeline(100), benchmark: { command: ['GET', KEY], pipeline: 100, n: 300_000 } },
  'pipeline 1000': { make: pipeline(1000), benchmark: { command: ['GET', KEY], pipeline: 1000, n: 1_000_000 } },
  '16 callers': { make: concurrent(16), benchmark: { command: ['GET', KEY], clients: 16, n: 100_000 } },
  '64 callers': { make: concurrent(64), benchmark: { command: ['GET', KEY], clients: 64, n: 100_000 } },
  '256 callers': { make: concurrent(256), benchmark: { command: ['GET', KEY], clients: 256, n: 100_000 } },
};

/** Fixture data every variant reads (written once by the orchestrator). */
export async function seed({ host, port }) {
  const red = new Redis();
  await red.connect(host, port);
  await red.set(KEY, VALUE);
  await red.set(KEY16K, VALUE16K);
  await red.set(KEY1M, VALUE1M);
  for (const k of MKEYS) await red.set(k, VALUE);
  await red.del(HKEY);
  await red.hmset(HKEY, HFIELDS);
  await red.close();
}

export const VARIANTS = Object.keys(variants);

if (process.argv[1] === new URL(import.meta.url).pathname) {
  await runChild(variants, Object.fromEntries(Object.entries(SCENARIOS).map(([k, v]) => [k, v.make])));
}
