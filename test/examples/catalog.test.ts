// The catalogue example (examples/catalog) against the harness's real servers: the service runs
// in-process on a free port and is driven with real HTTP requests.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { poolStats } from 'cosocket';
import { createClient as createMemcachedClient } from 'resty-memcached';
import { MongoClient } from 'resty-mongo';
import { createClient as createRedisClient } from 'resty-redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCatalog, seed, type Catalog, type CatalogConfig } from '../../examples/catalog/app.mjs';
import { requireServer } from '../servers/index.js';

const servers = { redis: requireServer('redis'), memcached: requireServer('memcached'), mongo: requireServer('mongo') };
const missing = Object.values(servers).find((s) => s.skip);
const run = `${process.pid}_${Date.now().toString(36)}`;

function baseConfig(overrides: Partial<CatalogConfig> = {}): CatalogConfig {
  return {
    redis: servers.redis.url,
    memcached: `${servers.memcached.host}:${servers.memcached.port}`,
    mongo: servers.mongo.url,
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

/** Every pool of this process has nothing checked out (requests may still be finishing). */
async function expectAllReturned(): Promise<void> {
  await vi.waitFor(() => {
    const busy = Object.entries(poolStats()).filter(([, s]) => s.inUse > 0 || s.waiting > 0);
    expect(busy).toEqual([]);
  });
}

async function get(url: string, apiKey = 'tester') {
  const res = await fetch(url, { headers: { 'x-api-key': apiKey } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe.skipIf(missing !== undefined)(missing ? `catalog example [${missing.reason}]` : 'catalog example', () => {
  const config = baseConfig();
  const catalogs: Catalog[] = [];
  let base: string;
  // The test's own view of the servers, through the same clients the example uses.
  const redis = createRedisClient(servers.redis.url);
  const memcached = createMemcachedClient(`${servers.memcached.host}:${servers.memcached.port}`);
  const mongo = new MongoClient(servers.mongo.url);

  async function start(overrides: Partial<CatalogConfig> = {}): Promise<string> {
    const catalog = createCatalog({ ...config, ...overrides });
    catalogs.push(catalog);
    return listen(catalog.server);
  }

  beforeAll(async () => {
    await seed(config);
    base = await start();
  });

  afterAll(async () => {
    await Promise.all(catalogs.map((c) => c.close()));
    await redis.del(`${config.keyPrefix}views`);
    await mongo.db(config.database).dropDatabase();
    await Promise.all([redis.close(), memcached.close(), mongo.close()]);
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
    await mongo
      .db(config.database)
      .collection('products')
      .updateOne({ sku: 'pot-02' }, { $set: { price: 99 } });
    const second = await get(`${base}/products/pot-02`, 'cache');
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body).toMatchObject({ sku: 'pot-02', price: 34, views: 2 });

    // The entry really is in memcached, under the prefixed key.
    const entry = await memcached.get(`${config.keyPrefix}product:pot-02`);
    expect(JSON.parse(entry!.value)).toMatchObject({ sku: 'pot-02', price: 34 });
    await expectAllReturned();
  });

  it('answers 404 for an unknown product, and counts no view for it', async () => {
    const { status, headers } = await get(`${base}/products/nope-99`, 'missing');
    expect(status).toBe(404);
    expect(headers.get('x-cache')).toBe('miss');
    expect(await redis.zscore(`${config.keyPrefix}views`, 'nope-99')).toBeNull();
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

  it('keeps its connections: more requests open no new connection to any server', async () => {
    await get(`${base}/products/kte-04`, 'warm-up');
    await expectAllReturned();
    const opened = async () => ({
      redis: Number(/total_connections_received:(\d+)/.exec(await redis.info('stats'))![1]),
      memcached: Number((await memcached.stats())['total_connections']),
      mongo: Object.entries(poolStats()).reduce((n, [name, s]) => (name.includes(`:${servers.mongo.port}#`) ? n + s.created : n), 0),
    });
    const before = await opened();
    for (let i = 0; i < 5; i++) expect((await get(`${base}/products/kte-04`, `seq-${i}`)).status).toBe(200);
    await expectAllReturned();
    // The test's own clients opened theirs before `before`; the service opened none.
    expect(await opened()).toEqual(before);
  });

  it('serves 200 concurrent requests on at most 30 connections per server, and returns them all', async () => {
    const clientsBefore = Number(/connected_clients:(\d+)/.exec(await redis.info('clients'))![1]);
    let peak = 0;
    const sampler = setInterval(() => {
      void redis.info('clients').then((info) => (peak = Math.max(peak, Number(/connected_clients:(\d+)/.exec(info)![1]))));
    }, 5);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => get(`${base}/products${i % 2 ? '' : '/kte-04'}`, `burst-${i % 40}`)));
    clearInterval(sampler);
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(peak - clientsBefore).toBeLessThanOrEqual(30);
    await expectAllReturned();
  });

  it('still answers when the cache is down (memcached on a closed port)', async () => {
    const warnings: string[] = [];
    const url = await start({ memcached: `127.0.0.1:${await closedPort()}`, log: (m) => warnings.push(m) });
    const { status, headers, body } = await get(`${url}/products/grn-03`, 'no-cache');
    expect(status).toBe(200);
    expect(headers.get('x-cache')).toBe('down');
    expect(body).toMatchObject({ sku: 'grn-03', name: 'Hand grinder' });
    expect(warnings).toEqual([expect.stringContaining('connection refused')]);
    await expectAllReturned();
  });

  it('answers 503 when the database is down, and leaks no connection', async () => {
    const url = await start({ mongo: `mongodb://127.0.0.1:${await closedPort()}`, keyPrefix: `catalog-test:${run}:nodb:` });
    const { status, body } = await get(`${url}/products/grn-03`, 'no-db');
    expect(status).toBe(503);
    expect(body.error).toMatch(/connection refused/);
    await expectAllReturned();
  });
});
