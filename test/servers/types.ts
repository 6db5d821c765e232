// Shapes shared by the global setup (main process) and the test files (workers).
// Everything here crosses vitest's provide/inject boundary, so it must stay plain,
// structured-clone-able data: no functions, no class instances.

/** The three shared servers every integration run tries to provide. */
export type ServerName = 'redis' | 'memcached' | 'mongo';

/** Which of the three ways found the server (README: "How tests find servers"). */
export type ServerSource = 'env' | 'container' | 'local';

/** What actually answers on the port; tests branch on it for FerretDB-vs-MongoDB differences. */
export type ServerProduct = 'redis' | 'memcached' | 'mongod' | 'ferretdb' | 'unknown';

export interface ServerInfo {
  name: ServerName;
  host: string;
  port: number;
  /** A connection URL (`redis://`, `memcached://`, `mongodb://`), credentials included when given. */
  url: string;
  source: ServerSource;
  product: ServerProduct;
  /** Server version when known, e.g. `7.0.15`. */
  version: string | undefined;
  /** Human-readable origin, e.g. `local redis-server 7.0.15`; also the startup log line. */
  description: string;
  /** Redis only, local binary only: a unix socket path the same server listens on. */
  unixSocket?: string | undefined;
  /** Credentials parsed from an explicit URL (REDIS_URL / MONGO_URL), if any. */
  username?: string | undefined;
  password?: string | undefined;
}

/** Either a usable server or the one-line reason its tests are skipped. */
export type ServerSlot = ({ available: true } & ServerInfo) | { available: false; name: ServerName; reason: string };

declare module 'vitest' {
  // Typed inject('redis') etc. in test files; filled by test/global-setup.ts.
  interface ProvidedContext {
    redis: ServerSlot;
    memcached: ServerSlot;
    mongo: ServerSlot;
  }
}
