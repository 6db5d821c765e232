// The catalogue example (examples/catalog) against the harness's real servers: the service runs
// in-process on a free port and is driven with real HTTP requests.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { poolStats, withContext } from 'cosocket';
import { Memcached } from 'resty-memcached';
import { Mongo } from 'resty-mongo';
import { Redis } from 'resty-redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, seed, type CatalogConfig } from '../../examples/catalog/app.mjs';
import { requireServer, type SharedServer } from '../servers/index.js';

const servers = { redis: requireServer('redis'), memcached: requireServer('memcached'), mongo: requireServer('mongo') };
const missing = Object.values(servers).find((s) => s.skip);
const run = `${process.pid}_${Date.now().toString(36)}`;

const address = (s: SharedServer) => ({ host: s.host, port: s.port, username: s.username, password: s.password });

function baseConfig(overrides: Partial<CatalogConfig> = {}): CatalogConfig {
  return {
    redis: address(servers.redis),
    memcached: address(servers.memcached),
    mongo: address(servers.mongo),
    database: `catalog_test_${run}`,
    keyPrefix: `catalog-test:${run}:`,
    rateLimit: { limit: 5, windowSeconds: 60 },
    log: () => {},
    ...overrides,
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Every pool of this process has nothing checked out (the contexts may still be ending). */
async function expectAllReturned(): Promise<void> {
  await vi.waitFor(() => {
    const busy = Object.entries(poolStats()).filter(([, s]) => s.inUse > 0 || s.waiting > 0);
    expect(busy).toEqual([]);
  });
}

async function redisCall<T>(fn: (red: Redis) => Promise<T>): Promise<T> {
  const red = new Redis();
  const { host, port, username, password } = address(servers.redis);
  await red.connect(host, port, { username, password, pool: 'catalog-test-admin' });
  try {
    return await fn(red);
  } finally {
    await red.close();
  }
}

async function get(url: string, apiKey = 'tester') {
  const res = await fetch(url, { headers: { 'x-api-key': apiKey } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe.skipIf(missing !== undefined)(missing ? `catalog example [${missing.reason}]` : 'catalog example', () => {
  const config = baseConfig();
  const apps: Server[] = [];
  let base: string;

  beforeAll(async () => {
    await seed(config);
    const app = createApp(config);
    apps.push(app);
    base = await listen(app);
  });

  afterAll(async () => {
    for (const app of apps) await new Promise((resolve) => app.close(resolve));
    await redisCall((red) => red.del(`${config.keyPrefix}views`));
    await withContext(async () => {
      const conn = new Mongo();
      await conn.connect(servers.mongo.host, servers.mongo.port);
      await conn.db(config.database!).dropDatabase();
      await conn.close();
    });
  });

  it('lists the seeded products with their view counts', async () => {
    const { status, body } = await get(`${base}/products`);
    expect(status).toBe(200);
    const products = body as unknown as Array<{ sku: string; views: number }>;
    expect(products.map((p) => p.sku)).toEqual(['grn-03', 'kte-04', 'mug-01', 'pot-02']);
    expect(products.every((p) => p.views === 0)).toBe(true);
    await expectAllReturned();
  });

  it('reads a product through the cache: a miss from MongoDB, then a hit from Memcached', async () => {
    const first = await get(`${base}/products/pot-02`, 'cache');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(first.body).toMatchObject({ sku: 'pot-02', name: 'Moka pot, 6 cups', price: 34, views: 1 });

    // Change the price behind the cache's back: the second read must still show the cached one.
    await withContext(async () => {
      const conn = new Mongo();
      await conn.connect(servers.mongo.host, servers.mongo.port);
      await conn
        .db(config.database!)
        .collection('products')
        .updateOne({ sku: 'pot-02' }, { $set: { price: 99 } });
      await conn.close();
    });
    const second = await get(`${base}/products/pot-02`, 'cache');
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body).toMatchObject({ sku: 'pot-02', price: 34, views: 2 });

    // The entry really is in memcached, under the prefixed key.
    const memc = new Memcached();
    await memc.connect(servers.memcached.host, servers.memcached.port);
    const entry = await memc.get(`${config.keyPrefix}product:pot-02`);
    await memc.close();
    expect(JSON.parse(entry!.value)).toMatchObject({ sku: 'pot-02', price: 34 });
    await expectAllReturned();
  });

  it('answers 404 for an unknown product, and counts no view for it', async () => {
    const { status, headers } = await get(`${base}/products/nope-99`, 'missing');
    expect(status).toBe(404);
    expect(headers.get('x-cache')).toBe('miss');
    expect(await redisCall((red) => red.zscore(`${config.keyPrefix}views`, 'nope-99'))).toBeNull();
    await expectAllReturned();
  });

  it('rate-limits a client after the limit with 429 and retry-after, other clients unaffected', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i < 7; i++) {
      last = await get(`${base}/products/mug-01`, 'greedy');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await get(`${base}/products/mug-01`, 'polite')).status).toBe(200);
    await expectAllReturned();
  });

  it('puts connections back into the pools (reused by the next request), not closes them', async () => {
    await expectAllReturned();
    const poolOf = (s: SharedServer) => {
      const entry = Object.entries(poolStats()).find(([name]) => name.includes(`127.0.0.1:${s.port}`) && !name.includes('admin'));
      return entry?.[1] ?? { created: 0, reused: 0, idle: 0 };
    };
    const before = { redis: poolOf(servers.redis), memcached: poolOf(servers.memcached), mongo: poolOf(servers.mongo) };
    for (let i = 0; i < 5; i++) expect((await get(`${base}/products/kte-04`, `seq-${i}`)).status).toBe(200);
    await expectAllReturned();
    for (const [name, s] of Object.entries({ redis: servers.redis, memcached: servers.memcached })) {
      const after = poolOf(s);
      const was = before[name as 'redis' | 'memcached'];
      expect({ name, created: after.created - was.created, reused: after.reused - was.reused }).toEqual({ name, created: 0, reused: 5 });
      expect(after.idle).toBeGreaterThan(0);
    }
  });

  it('serves concurrent requests, each with its own connections, and returns them all', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => get(`${base}/products${i % 2 ? '' : '/kte-04'}`, `burst-${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    await expectAllReturned();
  });

  it('still answers when the cache is down (memcached on a closed port)', async () => {
    const warnings: string[] = [];
    const app = createApp({ ...config, memcached: { host: '127.0.0.1', port: await closedPort() }, log: (m) => warnings.push(m) });
    apps.push(app);
    const url = await listen(app);
    const { status, headers, body } = await get(`${url}/products/grn-03`, 'no-cache');
    expect(status).toBe(200);
    expect(headers.get('x-cache')).toBe('down');
    expect(body).toMatchObject({ sku: 'grn-03', name: 'Hand grinder' });
    expect(warnings).toEqual([expect.stringContaining('connection refused')]);
    await expectAllReturned();
  });

  it('answers 503 when the database is down, and leaks no connection', async () => {
    const app = createApp({ ...config, mongo: { host: '127.0.0.1', port: await closedPort() }, keyPrefix: `catalog-test:${run}:nodb:` });
    apps.push(app);
    const url = await listen(app);
    const { status, body } = await get(`${url}/products/grn-03`, 'no-db');
    expect(status).toBe(503);
    expect(body.error).toMatch(/connection refused/);
    await expectAllReturned();
  });
});
