// Types for app.mjs, so TypeScript tests and users can import the example.
import type { Server } from 'node:http';

/** Where a server listens; credentials are optional (Redis ACL user, MongoDB SCRAM user). */
export interface ServerAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

export interface Product {
  sku: string;
  name: string;
  price: number;
  stock: number;
}

export interface CatalogConfig {
  redis: ServerAddress;
  memcached: ServerAddress;
  mongo: ServerAddress;
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

/** The service as a node:http server, not yet listening. */
export function createApp(config: CatalogConfig): Server;
/** Replaces the catalogue with the sample products; resolves how many were inserted. */
export function seed(config: CatalogConfig): Promise<number>;
export const SAMPLE_PRODUCTS: Product[];
