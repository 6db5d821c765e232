// The three clients the service shares between every request: created once at start-up from
// URLs, each owning its connections (a hard cap per server, callers beyond it waiting in a
// bounded queue), closed once at shutdown. No request ever opens, returns or shares a socket
// itself: the clients do that, and put every connection back clean.
import { createClient as createMemcachedClient } from 'resty-memcached';
import { MongoClient } from 'resty-mongo';
import { createClient as createRedisClient } from 'resty-redis';

/** At most 30 connections per server, whatever the number of concurrent requests. */
const POOL_SIZE = 30;

/**
 * @param {import('./app.mjs').CatalogConfig} config
 */
export function openClients(config) {
  return {
    redis: createRedisClient(config.redis, { poolSize: POOL_SIZE, connectTimeout: 1000, commandTimeout: 2000 }),
    // A cache is an optimisation: give up quickly and serve from the database instead.
    memcached: createMemcachedClient(config.memcached, { poolSize: POOL_SIZE, connectTimeout: 200, timeout: 300 }),
    mongo: openMongo(config),
  };
}

/** The MongoDB client alone (seeding needs nothing else). */
export function openMongo(config) {
  return new MongoClient(config.mongo, { maxPoolSize: POOL_SIZE, connectTimeoutMS: 2000, socketTimeoutMS: 5000, serverSelectionTimeoutMS: 2000 });
}

/** Closes the three clients; resolves once every connection is closed. */
export async function closeClients(clients) {
  await Promise.all([clients.redis.close(), clients.memcached.close(), clients.mongo.close()]);
}
