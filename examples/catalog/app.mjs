// The catalogue service: a node:http server sharing three clients (clients.mjs) between every
// request. A request never handles a connection: each client leases, multiplexes and returns its
// own, clean, however many requests run at once.
//
//   GET /products          every product with its view count (Mongo and Redis, concurrently)
//   GET /products/:sku     one product: rate limit (Redis pipeline), cache-aside read
//                          (Memcached, then Mongo), view counter (Redis)
//   GET /stats             the client pools: idle / in use per server
import { createServer } from 'node:http';
import { poolStats } from 'cosocket';
import { MongoError } from 'resty-mongo';
import { CosocketError, RedisError } from 'resty-redis';
import { cacheAside } from './cache.mjs';
import { closeClients, openClients, openMongo } from './clients.mjs';
import { countView, rateLimit, viewCounts } from './counters.mjs';
import { findProduct, listProducts, seedProducts } from './products.mjs';

const DEFAULTS = { database: 'catalog', keyPrefix: 'catalog:', cacheTtlSeconds: 60, rateLimit: { limit: 20, windowSeconds: 10 } };

/**
 * @param {import('./app.mjs').CatalogConfig} options
 * @returns {import('./app.mjs').Catalog}
 */
export function createCatalog(options) {
  const config = { ...DEFAULTS, ...options };
  const warn = config.log ?? ((message) => console.warn(`[catalog] ${message}`));
  const { redis, memcached, mongo } = openClients(config);
  const keys = {
    product: (sku) => `${config.keyPrefix}product:${sku}`,
    views: `${config.keyPrefix}views`,
    rate: (client) => `${config.keyPrefix}rate:${client}`,
  };

  async function productsPage() {
    // Two backends at once: the clients serve concurrent callers, so this is plain Promise.all.
    const [products, views] = await Promise.all([listProducts(mongo, config.database), viewCounts(redis, keys.views)]);
    return { status: 200, body: products.map((p) => ({ ...p, views: views[p.sku] ?? 0 })) };
  }

  async function productPage(sku, client) {
    const limit = await rateLimit(redis, keys.rate(client), config.rateLimit);
    const headers = { 'x-ratelimit-remaining': String(limit.remaining) };
    if (!limit.allowed) {
      return { status: 429, headers: { ...headers, 'retry-after': String(limit.retryAfter) }, body: { error: 'too many requests' } };
    }
    const request = { cacheDown: false };
    const { value: product, cache } = await cacheAside(
      memcached,
      request,
      keys.product(sku),
      config.cacheTtlSeconds,
      () => findProduct(mongo, config.database, sku),
      warn,
    );
    headers['x-cache'] = cache;
    if (product === null) return { status: 404, headers, body: { error: `no product ${sku}` } };
    const views = await countView(redis, keys.views, sku);
    return { status: 200, headers, body: { ...product, views } };
  }

  async function route(req) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') return { status: 405, body: { error: 'GET only' } };
    if (url.pathname === '/' || url.pathname === '/products') return productsPage();
    const match = /^\/products\/([\w-]{1,64})$/.exec(url.pathname);
    if (match) return productPage(match[1], clientId(req));
    if (url.pathname === '/stats') return { status: 200, body: poolStats() };
    return { status: 404, body: { error: 'not found', try: ['/products', '/products/mug-01', '/stats'] } };
  }

  const server = createServer((req, res) => {
    route(req)
      .catch((err) => {
        // Redis or Mongo down, timed out, or refusing: say so, never hang the request.
        const unavailable = err instanceof CosocketError || err instanceof RedisError || err instanceof MongoError;
        warn(`${req.method} ${req.url}: ${err.stack ?? err}`);
        return { status: unavailable ? 503 : 500, body: { error: unavailable ? `backend unavailable: ${err.message}` : 'internal error' } };
      })
      .then(({ status, headers = {}, body }) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(`${JSON.stringify(body, null, 2)}\n`);
      })
      .catch((err) => {
        // Writing the response itself failed (a body that does not serialize): never an
        // unhandled rejection that would stop the server.
        warn(`${req.method} ${req.url}: response failed: ${err.stack ?? err}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });

  return {
    server,
    clients: { redis, memcached, mongo },
    /** Stops taking requests, then closes the clients (every connection). */
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await closeClients({ redis, memcached, mongo });
    },
  };
}

/** Who the rate limit counts: an `x-api-key` header, else the peer address. */
function clientId(req) {
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && /^[\w-]{1,64}$/.test(key) ? key : (req.socket.remoteAddress ?? 'unknown');
}

/** Seeds the sample catalogue into `config.mongo` / `config.database`. */
export async function seed(options) {
  const config = { ...DEFAULTS, ...options };
  const mongo = openMongo(config);
  try {
    return await seedProducts(mongo, config.database, config.products);
  } finally {
    await mongo.close();
  }
}

export { SAMPLE_PRODUCTS } from './products.mjs';
