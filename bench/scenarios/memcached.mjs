// Memcached scenarios, one client variant per process (forked by bench/run.mjs).
import MemcachedEden from 'memcached';
import memjs from 'memjs';
import { createClient, Memcached, MemcachedMultiplexed } from 'resty-memcached';
import { check } from '../lib/measure.mjs';
import { runChild, versionOf } from '../lib/child.mjs';
import { memoizedExchange, rawConnection } from '../lib/raw-exchange.mjs';

const SMALL = 'v'.repeat(100);
const V16K = 'm'.repeat(16 * 1024);
const V512K = 'L'.repeat(512 * 1024);
const KEYS100 = Array.from({ length: 100 }, (_, i) => `bench-multi-${i}`);
const KEYS10 = KEYS100.slice(0, 10);
const CALLERS = 16;
const PER_CALLER = 10;

const variants = {
  'resty-memcached': {
    options: { protocol: 'text', timeouts: 'cosocket defaults (60 s)', connections: '1 (pooled: one per concurrent caller)' },
    version: await versionOf('resty-memcached'),
    async setup({ host, port }) {
      const m = new Memcached();
      await m.connect(host, port);
      return {
        get: async (k) => (await m.get(k))?.value,
        set: (k, v) => m.set(k, v),
        multi: async (ks) => {
          const r = await m.get(ks);
          return ks.map((k) => r[k]?.value);
        },
        concurrentGet: async (k) => {
          const c = new Memcached();
          await c.connect(host, port, { pool: 'bench', poolSize: CALLERS });
          const v = (await c.get(k))?.value;
          await c.setKeepalive();
          return v;
        },
        close: () => m.close(),
      };
    },
    teardown: (c) => c.close(),
  },
  'resty-memcached mux': {
    options: { protocol: 'text', timeouts: 'cosocket defaults (60 s)', connections: 1, mode: 'MemcachedMultiplexed (maxPending 10,000)' },
    version: await versionOf('resty-memcached'),
    async setup({ host, port }) {
      const m = new MemcachedMultiplexed();
      await m.connect(host, port);
      return {
        get: async (k) => (await m.get(k))?.value,
        set: (k, v) => m.set(k, v),
        multi: async (ks) => {
          const r = await m.get(ks);
          return ks.map((k) => r[k]?.value);
        },
        concurrentGet: async (k) => (await m.get(k))?.value,
        close: () => m.close(),
      };
    },
    teardown: (c) => c.close(),
  },
  // The client layer (createClient): every command on its multiplexed connection.
  'resty-memcached client': {
    options: { protocol: 'text', timeouts: 'client defaults (connect 10 s, commands 60 s)', connections: 1, mode: 'createClient (poolSize 10)' },
    version: await versionOf('resty-memcached'),
    async setup({ host, port }) {
      const client = createClient(`${host}:${port}`);
      return {
        get: async (k) => (await client.get(k))?.value,
        set: (k, v) => client.set(k, v),
        multi: async (ks) => {
          const r = await client.getMulti(ks);
          return ks.map((k) => r[k]?.value);
        },
        concurrentGet: async (k) => (await client.get(k))?.value,
        close: () => client.close(),
      };
    },
    teardown: (c) => c.close(),
  },
  // The route the client did not take, measured through the same client: a pooled lease
  // (ClientPool.use over a socket-level Memcached) per command. Kept as the evidence for the
  // choice (packages/resty-memcached/README.md, "Why one shared connection").
  'resty-memcached client leased': {
    options: {
      protocol: 'text',
      timeouts: 'client defaults (connect 10 s, commands 60 s)',
      connections: `1 per concurrent caller (poolSize ${CALLERS + 1})`,
      mode: 'createClient, every command in withConnection',
    },
    version: await versionOf('resty-memcached'),
    async setup({ host, port }) {
      const client = createClient(`${host}:${port}`, { poolSize: CALLERS + 1 });
      const get = async (k) => (await client.withConnection((m) => m.get(k)))?.value;
      return {
        get,
        set: (k, v) => client.withConnection((m) => m.set(k, v)),
        multi: async (ks) => {
          const r = await client.withConnection((m) => m.get(ks));
          return ks.map((k) => r[k]?.value);
        },
        concurrentGet: get,
        close: () => client.close(),
      };
    },
    teardown: (c) => c.close(),
  },
  'raw socket': {
    options: {
      description:
        'the ceiling of a Node client: net.Socket, fixed request bytes, waits for the exact reply bytes, no parsing; scenarios with one connection only',
    },
    version: process.version,
    async setup(server) {
      const raw = await rawConnection(server);
      const values = { 'bench-small': SMALL, 'bench-16k': V16K, 'bench-512k': V512K };
      for (const k of KEYS100) values[k] = SMALL;
      const block = (k) => `VALUE ${k} 0 ${Buffer.byteLength(values[k])}\r\n${values[k]}\r\n`;
      const exchange = memoizedExchange(raw);
      return {
        get: async (k) => {
          await exchange(
            `get ${k}`,
            () => `get ${k}\r\n`,
            () => `${block(k)}END\r\n`,
          );
          return values[k];
        },
        set: async (k, v) => {
          await exchange(
            `set ${k} ${v}`,
            () => `set ${k} 0 0 ${Buffer.byteLength(v)}\r\n${v}\r\n`,
            () => 'STORED\r\n',
          );
          return true;
        },
        multi: async (ks) => {
          await exchange(
            `get ${ks}`,
            () => `get ${ks.join(' ')}\r\n`,
            () => `${ks.map(block).join('')}END\r\n`,
          );
          return ks.map((k) => values[k]);
        },
        close: () => raw.close(),
      };
    },
    teardown: (c) => c.close(),
  },
  ...memjsVariant('memjs', {}, 'library defaults (binary protocol, timeout 0.5 s, retries 2)'),
  ...memjsVariant('memjs eq', { retries: 0, timeout: 3600 }, 'equalized: no retries, no effective timeout, 1 connection'),
  ...edenVariant('memcached', {}, 'library defaults (text protocol, poolSize 10, timeout 5 s)'),
  ...edenVariant('memcached eq', { poolSize: 1, retries: 0, timeout: 3_600_000 }, 'equalized: 1 connection, no retries, no effective timeout'),
};

function memjsVariant(name, opts, description) {
  return {
    [name]: {
      options: { ...opts, description },
      version: null,
      async setup({ host, port }) {
        this.version = await versionOf('memjs');
        const mj = memjs.Client.create(`${host}:${port}`, { ...opts, logger: { log() {} } });
        return {
          get: async (k) => (await mj.get(k)).value,
          set: (k, v) => mj.set(k, v, { expires: 0 }),
          // memjs has no multi-get: the keys are sent at once, one request each.
          multi: async (ks) => (await Promise.all(ks.map((k) => mj.get(k)))).map((r) => r.value),
          concurrentGet: async (k) => (await mj.get(k)).value,
          close: () => mj.close(),
        };
      },
      teardown: (c) => c.close(),
    },
  };
}

function edenVariant(name, opts, description) {
  return {
    [name]: {
      options: { ...opts, description },
      version: null,
      async setup({ host, port }) {
        this.version = await versionOf('memcached');
        const eden = new MemcachedEden(`${host}:${port}`, opts);
        const call = (method, ...args) =>
          new Promise((resolve, reject) => eden[method](...args, (err, value) => (err ? reject(err) : resolve(value))));
        return {
          get: (k) => call('get', k),
          set: (k, v) => call('set', k, v, 0),
          multi: async (ks) => {
            const r = await call('getMulti', ks);
            return ks.map((k) => r[k]);
          },
          concurrentGet: (k) => call('get', k),
          close: () => eden.end(),
        };
      },
      teardown: (c) => c.close(),
    },
  };
}

const serialGet = (key, value) => (c) => ({ batch: 1, op: async () => check(await c.get(key), value, `get ${key}`) });
const multi = (keys) => (c) => ({
  batch: 1,
  op: async () => {
    const values = await c.multi(keys);
    for (const v of values) check(v, SMALL, `multi-get ${keys.length}`);
  },
});

export const SCENARIOS = {
  'get 100 B': { make: serialGet('bench-small', SMALL) },
  'set 100 B': { make: (c) => ({ batch: 1, op: async () => check(String(await c.set('bench-set', SMALL)), 'true', 'set') }) },
  'multi-get 10': { make: multi(KEYS10) },
  'multi-get 100': { make: multi(KEYS100) },
  'get 16 KiB': { make: serialGet('bench-16k', V16K) },
  'set 16 KiB': { make: (c) => ({ batch: 1, op: async () => check(String(await c.set('bench-set-16k', V16K)), 'true', 'set 16 KiB') }) },
  'get 512 KiB': { make: serialGet('bench-512k', V512K) },
  [`${CALLERS} callers get`]: {
    make: (c) =>
      c.concurrentGet === undefined
        ? null
        : {
            batch: CALLERS * PER_CALLER,
            op: () =>
              Promise.all(
                Array.from({ length: CALLERS }, async () => {
                  for (let i = 0; i < PER_CALLER; i++) check(await c.concurrentGet('bench-small'), SMALL, 'concurrent get');
                }),
              ),
          },
  },
};

export async function seed({ host, port }) {
  const m = new Memcached();
  await m.connect(host, port);
  await m.set('bench-small', SMALL);
  await m.set('bench-16k', V16K);
  await m.set('bench-512k', V512K);
  for (const k of KEYS100) await m.set(k, SMALL);
  await m.close();
}

export const VARIANTS = Object.keys(variants);

if (process.argv[1] === new URL(import.meta.url).pathname) {
  await runChild(variants, Object.fromEntries(Object.entries(SCENARIOS).map(([k, v]) => [k, v.make])));
}
