import { CosocketError } from './errors.js';
import { acquire, noteClosed, noteCreated, put, release, type Grant } from './pool.js';
import type { Transport } from './transport.js';

/**
 * One connection's tenure under a pool name, from `connect` until it is closed or put back
 * with `setKeepalive`: everything the socket needs to give the connection back to the pool
 * bookkeeping (pool.ts), so the socket carries one field instead of the pool's counters.
 *
 * A pooled connection gets a fresh lease each time it is taken, and a lease ends once
 * (`release` or `put`): a socket that pooled its connection keeps a spent lease, which can no
 * longer count anything down twice.
 */
export class Lease {
  private ended = false;

  constructor(
    /** The pool name (`host:port`, `unix:/path` or the `pool` option). */
    readonly pool: string,
    /** 0 for a fresh connection, k for one taken from the pool for the k-th time. */
    readonly reused: number,
    /** Whether the connection counts against the pool's size (opened while the pool existed). */
    readonly counted: boolean,
    /** False for connections outside all pool bookkeeping (the multiplexer's): never pooled. */
    readonly poolable: boolean,
    private connection: Transport | null,
  ) {}

  /** The connection: the pooled one taken, or null until a new one is established (`opened`). */
  get transport(): Transport | null {
    return this.connection;
  }

  /** A lease granting a new connection has it now. */
  opened(transport: Transport): void {
    this.connection = transport;
    if (this.poolable) noteCreated(this.pool);
  }

  /** The connection closed, or the connect failed: frees its slot (and lets a waiter go). */
  release(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.poolable) return;
    if (this.connection !== null) noteClosed(this.pool);
    if (this.counted) release(this.pool, reason);
  }

  /** `setKeepalive`: the clean, open connection goes back to its pool (LIFO, LRU eviction). */
  put(idleMs: number, size: number | undefined): void {
    if (!this.poolable) throw notPoolable();
    if (this.ended || this.connection === null) throw new Error('cosocket: put of a lease without a live connection');
    this.ended = true;
    put(this.pool, this.connection, this.reused, this.counted, idleMs, size);
  }
}

/** Why `setKeepalive` refuses a connection that belongs to no pool. */
export function notPoolable(): CosocketError {
  return new CosocketError('not poolable', {
    message: 'not poolable: this connection is owned by a multiplexer and never goes to a pool (close it instead)',
  });
}

/** `connect`'s way into pool `key`: a pooled connection, the right to open one, or a wait. */
export function acquireLease(key: string, poolSize: number | undefined, backlog: number | undefined, waitMs: number): Lease | Promise<Lease> {
  const grant = acquire(key, poolSize, backlog, waitMs);
  return grant instanceof Promise ? grant.then((g) => toLease(key, g)) : toLease(key, grant);
}

/** A lease outside every pool: the connection shows in no `poolStats()` and is never pooled. */
export function unpooledLease(key: string): Lease {
  return new Lease(key, 0, false, false, null);
}

function toLease(key: string, grant: Grant): Lease {
  return grant.kind === 'idle' ? new Lease(key, grant.reused, true, true, grant.transport) : new Lease(key, 0, grant.counted, true, null);
}
