import { readFile } from 'node:fs/promises';
import { ClientPool, CosocketError, type PoolConnectOptions } from 'cosocket';
import { Mongo, type MongoConnectOptions } from '../client.js';
import { MongoClientError } from '../errors.js';
import { resolveSettings, type ClientSettings, type MongoClientOptions } from './client-options.js';
import { Db, type DbOptions } from './db.js';
import { MongoServerSelectionError } from './errors.js';

/** Failures of opening a connection (not of the pool's own wait), which server selection retries. */
const openFailures = new WeakSet<object>();
/** Pauses between attempts to reach the server: quick at first, then every half second (the driver's minimum heartbeat). */
const RETRY_DELAYS = [25, 50, 100, 200, 500];

/**
 * A MongoDB client in the official driver's shape: created once from a connection string,
 * shared by every caller. It owns a pool of connections to the server (the URL's first host:
 * topology comes with the MongoDB topology issue), at most `maxPoolSize` open at once; each
 * operation leases one, runs, and gives it back clean (the socket-level rules), so no caller ever
 * sees `socket busy`. `connect()` is optional: the first operation connects. Every error carries
 * the OpenResty `code` where there is one, `address` and `command`.
 */
export class MongoClient {
  /** What the client runs on, resolved from the URL and the options. */
  readonly settings: Readonly<ClientSettings>;
  private readonly pool: ClientPool<Mongo>;
  private connectOptions: MongoConnectOptions | undefined;
  private caRead: Promise<void> | undefined;

  /** Throws `TypeError` (the URL parser's `MongoParseError`) for a bad URL or option; connects nothing. */
  constructor(url: string, options: MongoClientOptions = {}) {
    this.settings = resolveSettings(url, options);
    this.pool = new ClientPool<Mongo>({
      address: this.settings.address,
      size: this.settings.maxPoolSize,
      maxWaiting: this.settings.maxWaitQueueSize,
      waitTimeout: this.settings.waitQueueTimeoutMS,
      open: (o) => this.open(o),
    });
  }

  /** `new MongoClient(url, options).connect()`. */
  static async connect(url: string, options: MongoClientOptions = {}): Promise<MongoClient> {
    return new MongoClient(url, options).connect();
  }

  /** `host:port` or `unix:/path` of the server. */
  get address(): string {
    return this.settings.address;
  }

  /** The keepalive pool name of this client's connections (`poolStats()[client.poolName]`). */
  get poolName(): string {
    return this.pool.name;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.pool.closed;
  }

  /**
   * Opens a connection (handshake and authentication) and keeps it in the pool; resolves the
   * client. Optional: every operation connects when it needs to. A server that cannot be reached
   * within `serverSelectionTimeoutMS` rejects with `MongoServerSelectionError`.
   */
  async connect(): Promise<this> {
    await this.run('connect', () => Promise.resolve());
    return this;
  }

  /** A database handle; without a name, the URL's database, else `test`. */
  db(dbName?: string, options: DbOptions = {}): Db {
    return new Db(this, dbName ?? this.settings.dbName, { writeConcern: options.writeConcern ?? this.settings.writeConcern });
  }

  /**
   * Closes the client: operations waiting for a connection and every later one reject with code
   * `closed`; resolves once the operations in flight gave their connections back and every
   * connection is closed. Idempotent. `force` is accepted for the driver's signature.
   */
  async close(force?: boolean): Promise<void> {
    void force;
    await this.pool.close();
  }

  /**
   * Leases a connection for one operation (waiting for one up to `waitQueueTimeoutMS`, reaching
   * the server up to `serverSelectionTimeoutMS`), runs `fn` on it and gives it back. `operation`
   * names the errors of the lease itself. The client layer's only way to the server.
   */
  async run<R>(operation: string, fn: (conn: Mongo) => Promise<R>): Promise<R> {
    const conn = await this.lease(operation);
    let result: R;
    try {
      result = await fn(conn);
    } catch (error) {
      await this.pool.release(conn, error);
      throw error;
    }
    await this.pool.release(conn);
    return result;
  }

  private async lease(operation: string): Promise<Mongo> {
    const started = Date.now();
    try {
      return await this.pool.acquire(operation);
    } catch (error) {
      if (!unreachable(error)) throw error;
      return this.selectServer(operation, error, started);
    }
  }

  /** Tries again to reach the server until `serverSelectionTimeoutMS` after the operation started. */
  private async selectServer(operation: string, firstError: unknown, started: number): Promise<Mongo> {
    const limit = this.settings.serverSelectionTimeoutMS;
    let last = firstError;
    for (let attempt = 0; ; attempt++) {
      const left = started + limit - Date.now();
      if (left <= 0) throw new MongoServerSelectionError(operation, limit, last, this.address);
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)]!)));
      try {
        return await this.pool.acquire(operation);
      } catch (error) {
        if (!unreachable(error)) throw error;
        last = error;
      }
    }
  }

  /** ClientPool's `open`: a fresh `Mongo` per lease, connected under the pool's name (a pooled connection when one is idle). */
  private async open(pool: PoolConnectOptions): Promise<Mongo> {
    const s = this.settings;
    const conn = new Mongo(s.mongo);
    conn.setTimeouts(s.connectTimeoutMS, s.socketTimeoutMS, s.socketTimeoutMS);
    try {
      if (s.tlsCAFile !== undefined) await (this.caRead ??= this.readCa(s.tlsCAFile));
      const options = (this.connectOptions ??= { ...s.connect, pool: pool.pool, poolSize: pool.poolSize });
      if (s.port === undefined) await conn.connect(s.host, options);
      else await conn.connect(s.host, s.port, options);
    } catch (error) {
      if (error instanceof Object) openFailures.add(error);
      throw error;
    }
    return conn;
  }

  private async readCa(file: string): Promise<void> {
    try {
      this.settings.connect.ca = await readFile(file, 'utf8');
    } catch (error) {
      this.caRead = undefined;
      throw new MongoClientError(`cannot read tlsCAFile ${file}: ${error instanceof Error ? error.message : String(error)}`, {
        address: this.address,
        command: 'connect',
      });
    }
  }
}

/** A transport failure while opening a connection: the server could not be reached (yet). */
function unreachable(error: unknown): boolean {
  return error instanceof CosocketError && openFailures.has(error);
}
