import { CosocketError, keepsConnection, locateError } from './errors.js';
import { closePool, poolStats } from './pool.js';

/** The client layer's connect timeout when none is configured (ms): what Node users expect. */
export const DEFAULT_CLIENT_CONNECT_TIMEOUT = 10_000;

/** Callers allowed to wait for a connection when `maxWaiting` is not given. */
export const DEFAULT_MAX_WAITING = 1000;

/** What a `ClientPool` leases: a socket-level client object (`Redis`, `Memcached`, `Mongo`). */
export interface PooledConnection {
  /** Back to the keepalive pool, clean (the object's own rules), or a rejection (then it is closed). */
  setKeepalive(): Promise<unknown>;
  close(): Promise<unknown>;
}

/** The keepalive pool options `open` must connect with. */
export interface PoolConnectOptions {
  pool: string;
  poolSize: number;
}

export interface ClientPoolOptions<C extends PooledConnection> {
  /** `host:port` or `unix:/path`, named by every error. */
  address: string;
  /** Hard cap: connections of this pool open at once, in use and idle. */
  size: number;
  /** Callers allowed to wait for a connection (default 1000); one more rejects at once. */
  maxWaiting?: number | undefined;
  /** How long a caller waits for a free connection (ms). */
  waitTimeout: number;
  /** The start of the keepalive pool name (default: the address); the pool adds its own number. */
  name?: string | undefined;
  /**
   * Creates a socket-level object and connects it with these pool options: it takes an idle
   * connection of the pool when there is one, else opens one. A fresh object per lease, because
   * a cosocket socket belongs to the request context that connected it.
   */
  open(options: PoolConnectOptions): Promise<C>;
}

interface Waiter {
  grant: () => void;
  fail: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

let pools = 0;

/**
 * The client layer's connections to one server: leases of socket-level objects over a keepalive
 * pool of its own name, with a hard cap on connections in use and a bounded FIFO of callers
 * waiting, each with a timeout (the mongodb driver's CMAP checkout, on OpenResty's pool).
 *
 * The cap is on leases: a lease that ends puts its connection back idle (or closes it), and a
 * new lease opens a connection only when none is idle, so open connections never exceed it.
 * A lease that ends hands its slot straight to the head waiter, so waiting is fair.
 *
 * Giving back follows the layer below: `setKeepalive()` after success or after a server's error
 * reply (`keepsConnection`); that refusing (dirty state), or any other error, closes the
 * connection. Nothing dirty reaches the next caller.
 */
export class ClientPool<C extends PooledConnection> {
  /** The keepalive pool name the connections live under (unique per ClientPool). */
  readonly name: string;
  private readonly address: string;
  private readonly size: number;
  private readonly maxWaiting: number;
  private readonly waitTimeout: number;
  private readonly options: ClientPoolOptions<C>;
  private leases = 0;
  private readonly waiters: Waiter[] = [];
  private closing: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  constructor(options: ClientPoolOptions<C>) {
    if (!Number.isSafeInteger(options.size) || options.size < 1) throw new RangeError(`bad pool size: ${String(options.size)} (an integer >= 1)`);
    const maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
    if (!Number.isSafeInteger(maxWaiting) || maxWaiting < 0) throw new RangeError(`bad maxWaiting: ${String(maxWaiting)} (an integer >= 0)`);
    this.address = options.address;
    this.size = options.size;
    this.maxWaiting = maxWaiting;
    this.waitTimeout = options.waitTimeout;
    this.options = options;
    this.name = `${options.name ?? options.address}#${++pools}`;
  }

  /** Leases in use now. */
  get inUse(): number {
    return this.leases;
  }

  /** Callers waiting for a connection now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Idle connections kept for the next lease. */
  get idle(): number {
    return poolStats()[this.name]?.idle ?? 0;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.closing !== null;
  }

  /** Leases a connection, runs `fn` on it, gives it back; resolves `fn`'s result. `operation` names errors. */
  async use<T>(fn: (conn: C) => T | Promise<T>, operation: string): Promise<T> {
    const conn = await this.acquire(operation);
    let result: T;
    try {
      result = await fn(conn);
    } catch (error) {
      await this.release(conn, error);
      throw error;
    }
    await this.release(conn);
    return result;
  }

  /** A connection for a long lease (a subscriber, say); `release` ends it. */
  async acquire(operation: string): Promise<C> {
    if (this.closing !== null) throw this.closedError(operation);
    if (this.leases < this.size) this.leases++;
    else await this.waitForSlot(operation);
    try {
      return await this.options.open({ pool: this.name, poolSize: this.size });
    } catch (error) {
      this.endLease();
      throw locateError(error, this.address, undefined);
    }
  }

  /**
   * Ends a lease: back to the pool when `error` is undefined or a server's error reply, closed
   * otherwise (and always once the pool is closing).
   */
  async release(conn: C, error?: unknown): Promise<void> {
    try {
      if (this.closing === null && (error === undefined || keepsConnection(error))) {
        try {
          await conn.setKeepalive();
        } catch {
          await conn.close().catch(() => undefined);
        }
      } else {
        await conn.close().catch(() => undefined);
      }
    } finally {
      this.endLease();
    }
  }

  /**
   * Rejects waiting callers and every later lease with code `closed`, waits for the leases in
   * use to come back, then closes the idle connections. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.fail(this.closedError(undefined));
    }
    this.closing = new Promise<void>((resolve) => {
      if (this.leases === 0) resolve();
      else this.drained = resolve;
    }).then(() => closePool(this.name));
    return this.closing;
  }

  private waitForSlot(operation: string): Promise<void> {
    if (this.waiters.length >= this.maxWaiting) {
      return Promise.reject(
        new CosocketError('too many waiting connect operations', {
          message: `too many waiting connect operations: all ${this.size} connections are in use and ${this.waiters.length} callers wait already (maxWaiting)`,
          address: this.address,
          command: operation,
        }),
      );
    }
    return new Promise<void>((grant, fail) => {
      const waiter: Waiter = {
        grant,
        fail,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          fail(
            new CosocketError('timeout', {
              message: `timeout: no free connection within ${this.waitTimeout} ms (all ${this.size} in use, ${this.waiters.length} more waiting)`,
              address: this.address,
              command: operation,
            }),
          );
        }, this.waitTimeout),
      };
      this.waiters.push(waiter);
    });
  }

  /** A lease ended: its slot goes to the head waiter, else back to the count. */
  private endLease(): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.grant();
      return;
    }
    this.leases--;
    if (this.leases === 0 && this.drained !== null) {
      this.drained();
      this.drained = null;
    }
  }

  private closedError(operation: string | undefined): CosocketError {
    return new CosocketError('closed', { message: 'closed (the client was closed with close())', address: this.address, command: operation });
  }
}
