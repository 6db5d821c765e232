#!/usr/bin/env node
// Starts the catalogue example: `pnpm example` (after `pnpm build`), or
// `node examples/catalog/start.mjs [--port 8080]`.
// Uses REDIS_URL / MEMCACHED_URL / MONGO_URL when given; otherwise starts redis-server,
// memcached and FerretDB on free loopback ports (as the benchmarks do) and stops them on exit.
// Seeds the sample products, then prints where to point curl or a browser.
import { parseArgs } from 'node:util';
import { startServer } from '../../bench/lib/servers.mjs';
import { createCatalog, SAMPLE_PRODUCTS, seed } from './app.mjs';

const { values: flags } = parseArgs({ options: { port: { type: 'string', default: process.env.PORT ?? '0' } } });
const started = [];

/** The server's URL (`scheme://host:port`, or `host:port` for memcached): from the environment, or a server started here. */
async function server(kind, envVar, scheme) {
  if (process.env[envVar]) return process.env[envVar];
  const srv = await startServer(kind);
  started.push(srv);
  console.log(`started ${kind} on ${srv.host}:${srv.port}`);
  return `${scheme}${srv.host}:${srv.port}`;
}

let catalog;
async function stopAll() {
  await catalog?.close();
  await Promise.allSettled(started.map((s) => s.stop()));
}

try {
  const config = {
    redis: await server('redis', 'REDIS_URL', 'redis://'),
    memcached: await server('memcached', 'MEMCACHED_URL', ''),
    mongo: await server('mongo', 'MONGO_URL', 'mongodb://'),
  };
  console.log(`seeded ${await seed(config)} products into ${config.mongo} (database catalog)`);
  catalog = createCatalog(config);
  const app = catalog.server;
  await new Promise((resolve) => app.listen(Number(flags.port), '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${app.address().port}`;
  console.log(`\ncatalog example listening on ${base}\n`);
  console.log(`  curl ${base}/products                  # every product with its views`);
  console.log(`  curl -i ${base}/products/${SAMPLE_PRODUCTS[0].sku}     # x-cache: miss, then hit`);
  console.log(`  curl ${base}/stats                     # the connection pools (inUse 0 between requests)`);
  console.log('\nCtrl-C stops it (and the servers it started).');
  const shutdown = () => {
    app.closeAllConnections();
    stopAll()
      .catch((err) => console.error(`stopping the servers failed: ${err.stack ?? err}`))
      .finally(() => process.exit(0));
  };
  // bench/lib/servers.mjs exits at once on a signal (its exit hook SIGKILLs the servers, leaving
  // their temp dirs); stop them gracefully instead. The exit hook stays as a backstop.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.removeAllListeners(signal);
    process.once(signal, shutdown);
  }
} catch (err) {
  console.error(`catalog example failed to start: ${err.stack ?? err}`);
  await stopAll();
  process.exit(1);
}
