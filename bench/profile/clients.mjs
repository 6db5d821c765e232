// The client side of bench/profile: one adapter per (target, variant), the same calls the
// report's scenarios make (bench/scenarios/*.mjs), with every reply checked.
// Libraries are imported on first use: a worker loads only the client it measures, so its
// profile is not cluttered by loading the others.
// With a baseline (a build of an earlier commit, see run.mjs --baseline), our packages come
// from there instead: the `base` variant is `ours` at that commit, measured in the same run.
let baseline = null;
export function useBaseline(dir) {
  baseline = dir;
}
const lib = (name) => (baseline !== null && /^resty-/.test(name) ? import(`${baseline}/packages/${name}/dist/index.js`) : import(name));
const Redis = async () => (await lib('resty-redis')).Redis;
const RedisMultiplexed = async () => (await lib('resty-redis')).RedisMultiplexed;
const IORedis = async () => (await lib('ioredis')).Redis;
const Memcached = async () => (await lib('resty-memcached')).Memcached;
const memjs = async () => (await lib('memjs')).default;
const MemcachedEden = async () => (await lib('memcached')).default;
const Mongo = async () => (await lib('resty-mongo')).Mongo;
const MongoClient = async () => (await lib('mongodb')).MongoClient;

export const VALUE = 'v'.repeat(100);
export const REDIS_KEY = 'prof:v100';
export const MC_KEY = 'prof-small';
export const MC_KEYS100 = Array.from({ length: 100 }, (_, i) => `prof-multi-${i}`);
export const DOCS = 10_000;
const doc = (i) => ({ i, name: `doc-${i}`, tags: ['a', 'b'], n: i * 1.5 });

function check(actual, expected, what) {
  const a = Buffer.isBuffer(actual) ? actual.toString() : actual;
  if (a !== expected) throw new Error(`reply mismatch in ${what}: got ${String(a).slice(0, 80)}`);
}

/** Serial GET of the 100-byte value with one of our Redis clients (`Redis` or `RedisMultiplexed`). */
const restyRedisGet = (Client) => async ({ host, port }) => {
  const r = new (await Client())();
  await r.connect(host, port);
  return { op: async () => check(await r.get(REDIS_KEY), VALUE, 'GET'), close: () => r.close() };
};

const ioredisGet = async ({ host, port }) => {
  const r = new (await IORedis())({ host, port, lazyConnect: true });
  await r.connect();
  return { op: async () => check(await r.get(REDIS_KEY), VALUE, 'GET'), close: () => r.disconnect() };
};

/**
 * target -> { ops: operations per measured run, unit: how many "ops" one call is,
 *             variants: { name -> async (server) -> { op, close } } }.
 * `ours` is always the first variant.
 */
export const TARGETS = {
  'redis-get': { ops: 20_000, variants: { ours: restyRedisGet(Redis), ioredis: ioredisGet } },
  // One caller on the multiplexed client: its per-command overhead with nothing to batch.
  'redis-get-mux': { ops: 20_000, variants: { ours: restyRedisGet(RedisMultiplexed), ioredis: ioredisGet } },
  'redis-set': {
    ops: 20_000,
    variants: {
      ours: async ({ host, port }) => {
        const r = new (await Redis())();
        await r.connect(host, port);
        return { op: async () => check(await r.set('prof:set', VALUE), 'OK', 'SET'), close: () => r.close() };
      },
      ioredis: async ({ host, port }) => {
        const r = new (await IORedis())({ host, port, lazyConnect: true });
        await r.connect();
        return { op: async () => check(await r.set('prof:set', VALUE), 'OK', 'SET'), close: () => r.disconnect() };
      },
    },
  },
  'redis-pipeline-1000': {
    ops: 300,
    unit: 1000,
    variants: {
      ours: async ({ host, port }) => {
        const r = new (await Redis())();
        await r.connect(host, port);
        return {
          op: async () => {
            r.initPipeline();
            for (let i = 0; i < 1000; i++) r.get(REDIS_KEY);
            const out = await r.commitPipeline();
            if (out.length !== 1000) throw new Error('pipeline reply count');
            for (let i = 0; i < 1000; i++) if (out[i] !== VALUE) check(out[i], VALUE, 'pipeline');
          },
          close: () => r.close(),
        };
      },
      ioredis: async ({ host, port }) => {
        const r = new (await IORedis())({ host, port, lazyConnect: true });
        await r.connect();
        return {
          op: async () => {
            const p = r.pipeline();
            for (let i = 0; i < 1000; i++) p.get(REDIS_KEY);
            const out = await p.exec();
            for (let i = 0; i < 1000; i++) check(out[i][1], VALUE, 'pipeline');
          },
          close: () => r.disconnect(),
        };
      },
    },
  },
  'memcached-get': {
    ops: 20_000,
    variants: {
      ours: async ({ host, port }) => {
        const m = new (await Memcached())();
        await m.connect(host, port);
        return { op: async () => check((await m.get(MC_KEY))?.value, VALUE, 'get'), close: () => m.close() };
      },
      memjs: memjsClient((mj) => async () => check((await mj.get(MC_KEY)).value, VALUE, 'get')),
      memcached: edenClient((call) => async () => check(await call('get', MC_KEY), VALUE, 'get')),
    },
  },
  'memcached-set': {
    ops: 20_000,
    variants: {
      ours: async ({ host, port }) => {
        const m = new (await Memcached())();
        await m.connect(host, port);
        return { op: async () => check(String(await m.set('prof-set', VALUE)), 'true', 'set'), close: () => m.close() };
      },
      memjs: memjsClient((mj) => async () => check(String(await mj.set('prof-set', VALUE, { expires: 0 })), 'true', 'set')),
      memcached: edenClient((call) => async () => check(String(await call('set', 'prof-set', VALUE, 0)), 'true', 'set')),
    },
  },
  'memcached-multi-100': {
    ops: 2_000,
    variants: {
      ours: async ({ host, port }) => {
        const m = new (await Memcached())();
        await m.connect(host, port);
        return {
          op: async () => {
            const r = await m.get(MC_KEYS100);
            for (const k of MC_KEYS100) check(r[k]?.value, VALUE, 'multi-get');
          },
          close: () => m.close(),
        };
      },
      // memjs has no multi-get: the keys are sent at once, one request each (as bench/scenarios).
      memjs: memjsClient((mj) => async () => {
        const r = await Promise.all(MC_KEYS100.map((k) => mj.get(k)));
        for (const x of r) check(x.value, VALUE, 'multi-get');
      }),
    },
  },
  'mongo-insertMany': {
    ops: 6,
    unit: DOCS,
    variants: {
      ours: async ({ host, port }) => {
        const m = new (await Mongo())();
        m.setTimeout(120_000);
        await m.connect(host, port);
        const coll = m.db('prof').collection(`insN-${process.pid}`);
        return {
          op: async () => {
            const r = await coll.insertMany(Array.from({ length: DOCS }, (_, i) => doc(i)));
            check(String(r.insertedCount), String(DOCS), 'insertMany');
          },
          close: async () => {
            await coll.drop().catch(() => false);
            await m.close();
          },
        };
      },
      mongodb: async ({ host, port }) => {
        const client = new (await MongoClient())(`mongodb://${host}:${port}/?directConnection=true&maxPoolSize=1`);
        await client.connect();
        const coll = client.db('prof').collection(`insN-${process.pid}`);
        return {
          op: async () => {
            const r = await coll.insertMany(Array.from({ length: DOCS }, (_, i) => doc(i)));
            check(String(r.insertedCount), String(DOCS), 'insertMany');
          },
          close: async () => {
            await coll.drop().catch(() => false);
            await client.close();
          },
        };
      },
    },
  },
};

function memjsClient(makeOp) {
  return async ({ host, port }) => {
    const mj = (await memjs()).Client.create(`${host}:${port}`, { retries: 0, timeout: 3600, logger: { log() {} } });
    return { op: makeOp(mj), close: () => mj.close() };
  };
}

function edenClient(makeOp) {
  return async ({ host, port }) => {
    const eden = new (await MemcachedEden())(`${host}:${port}`, { poolSize: 1, retries: 0, timeout: 3_600_000 });
    const call = (method, ...args) => new Promise((resolve, reject) => eden[method](...args, (err, value) => (err ? reject(err) : resolve(value))));
    return { op: makeOp(call), close: () => eden.end() };
  };
}

/** Writes the fixtures every target reads. */
export async function seed(kind, { host, port }) {
  if (kind === 'redis') {
    const r = new (await Redis())();
    await r.connect(host, port);
    await r.set(REDIS_KEY, VALUE);
    await r.close();
  } else if (kind === 'memcached') {
    const m = new (await Memcached())();
    await m.connect(host, port);
    await m.set(MC_KEY, VALUE);
    for (const k of MC_KEYS100) await m.set(k, VALUE);
    await m.close();
  }
}
