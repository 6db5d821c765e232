// Types for app.mjs, so TypeScript tests and users can import the example.
import type { Server } from 'node:http';
import type { MemcachedClient } from 'resty-memcached';
import type { MongoClient } from 'resty-mongo';
import type { RedisClient } from 'resty-redis';

export interface Product {
  sku: string;
  name: string;
  price: number;
  stock: number;
}

export interface CatalogConfig {
  /** A Redis URL: `redis://[user:pass@]host[:port][/db]`. */
  redis: string;
  /** A memcached address: `host[:port]`. */
  memcached: string;
  /** A MongoDB connection string: `mongodb://[user:pass@]host[:port][/db]`. */
  mongo: string;
  /** MongoDB database holding the `products` collection. Default `catalog`. */
  database?: string;
  /** Prefix of every Redis and Memcached key. Default `catalog:`. */
  keyPrefix?: string;
  /** How long a product stays in Memcached. Default 60. */
  cacheTtlSeconds?: number;
  /** Requests per client per window on `/products/:sku`. Default 20 per 10 s. */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Where warnings go (a down cache, failed requests). Default `console.warn`. */
  log?: (message: string) => void;
  /** What `seed` inserts. Default `SAMPLE_PRODUCTS`. */
  products?: Product[];
}

/** The service: a node:http server (not yet listening) and the three clients it shares. */
export interface Catalog {
  server: Server;
  clients: { redis: RedisClient; memcached: MemcachedClient; mongo: MongoClient };
  /** Stops the server, then closes the clients; resolves once every connection is closed. */
  close(): Promise<void>;
}

export function createCatalog(config: CatalogConfig): Catalog;
/** Replaces the catalogue with the sample products; resolves how many were inserted. */
export function seed(config: CatalogConfig): Promise<number>;
export const SAMPLE_PRODUCTS: Product[];
