import { channel } from 'node:diagnostics_channel';
import { config } from './config.js';
import { CosocketError } from './errors.js';
import type { Transport } from './transport.js';

/**
 * Named keepalive pools, one set per process (a Node process plays an nginx worker).
 * Semantics of lua-nginx-module (cosocket.md §5): LIFO reuse, LRU eviction, sizes fixed at
 * creation, an optional backlog that caps open connections and queues connects FIFO, and a
 * pool that disappears when its last connection does.
 *
 * Counting: `active` holds the pool's connections in use plus connects in progress; idle ones
 * are in `idle`; queued connects are in `waiters`. A connection opened while no pool existed
 * is not counted until it is pooled. Apart from that, `open` counts every established
 * connection per name, counted or not, until it closes (what `poolStats().open` reports).
 *
 * The socket talks to this module through a Lease (lease.ts), not these functions directly.
 */
export interface PoolEvent {
  /** What happened. */
  event: 'created' | 'reused' | 'pooled' | 'evicted' | 'closed' | 'waiting' | 'wait timeout' | 'connected';
  /** The pool name (`host:port`, `unix:/path` or the `pool` option). */
  pool: string;
  /** Why a connection was closed or evicted. */
  reason?: string;
}

/** Pool events, for watching pools without wrapping them (`diagnostics_channel.subscribe`). */
export const POOL_CHANNEL = 'cosocket:pool';
const poolChannel = channel(POOL_CHANNEL);

function publish(event: PoolEvent['event'], pool: string, reason?: string): void {
  if (poolChannel.hasSubscribers) poolChannel.publish(reason === undefined ? { event, pool } : { event, pool, reason });
}

/** One pool's figures, from `poolStats()`. */
export interface PoolStats {
  /** Most idle connections kept (with `backlog`: most open connections). */
  size: number;
  /** Most connects allowed to wait, or null when the pool does not cap open connections. */
  backlog: number | null;
  /** Connections waiting in the pool. */
  idle: number;
  /** Connections taken from or opened for this pool and not yet returned or closed. */
  inUse: number;
  /** Connects waiting for a free slot (backlog). */
  waiting: number;
  /** Connections opened for this pool so far. */
  created: number;
  /** Connects served from the pool so far. */
  reused: number;
  /** Connections evicted from a full pool so far. */
  evicted: number;
  /**
   * Connections open under this name now: established by `connect` and not yet closed, whether
   * in use or idle in the pool, and whether or not they count against `size` (a connection
   * opened while no pool of that name existed is in `open` but not in `inUse`). Connects still
   * in progress or waiting are not; a multiplexer's connections are under no name at all.
   */
  open: number;
}

/** What `acquire` hands back: a pooled connection, or the right to open a new one. */
export type Grant = { kind: 'idle'; transport: Transport; reused: number } | { kind: 'new'; counted: boolean };

interface IdleEntry {
  transport: Transport;
  reused: number;
  timer: NodeJS.Timeout | null;
}

interface Waiter {
  grant: (grant: Grant) => void;
  fail: (error: CosocketError) => void;
  timer: NodeJS.Timeout;
}

/** Per name: cumulative counters, and `open`, the connections open now. */
interface Totals {
  created: number;
  reused: number;
  evicted: number;
  open: number;
}

class Pool {
  active = 0;
  /** Least recently pooled first. */
  readonly idle: IdleEntry[] = [];
  readonly waiters: Waiter[] = [];
  constructor(
    readonly key: string,
    readonly size: number,
    /** -1 when the pool has no backlog (the size then caps only the idle list). */
    readonly backlog: number,
  ) {}
}

const pools = new Map<string, Pool>();
/** Counters per name; they outlive pools that empty out and get recreated. */
const totals = new Map<string, Totals>();

function totalsOf(key: string): Totals {
  let t = totals.get(key);
  if (t === undefined) {
    t = { created: 0, reused: 0, evicted: 0, open: 0 };
    totals.set(key, t);
  }
  return t;
}

function createPool(key: string, size: number, backlog: number): Pool {
  const pool = new Pool(key, size, backlog);
  pools.set(key, pool);
  return pool;
}

/** Called by `connect`: a pooled connection, a counted slot, or a wait in the backlog. */
export function acquire(key: string, poolSize: number | undefined, backlog: number | undefined, waitMs: number): Grant | Promise<Grant> {
  let pool = pools.get(key);
  if (pool === undefined) {
    if (poolSize === undefined && backlog === undefined) return { kind: 'new', counted: false };
    pool = createPool(key, poolSize ?? config.poolSize, backlog ?? -1);
  }
  const entry = pool.idle.pop();
  if (entry !== undefined) return takeIdle(pool, entry);
  if (pool.backlog >= 0) {
    const demand = pool.active + pool.idle.length + pool.waiters.length + 1;
    if (demand > pool.size + pool.backlog) throw new CosocketError('too many waiting connect operations');
    if (demand > pool.size) return enqueue(pool, waitMs);
  }
  pool.active++;
  return { kind: 'new', counted: true };
}

function takeIdle(pool: Pool, entry: IdleEntry): Grant {
  if (entry.timer !== null) clearTimeout(entry.timer);
  entry.transport.onIdleEvent = null;
  entry.transport.stream.ref();
  pool.active++;
  totalsOf(pool.key).reused++;
  publish('reused', pool.key);
  return { kind: 'idle', transport: entry.transport, reused: entry.reused + 1 };
}

function enqueue(pool: Pool, waitMs: number): Promise<Grant> {
  publish('waiting', pool.key);
  return new Promise<Grant>((grant, fail) => {
    const waiter: Waiter = {
      grant,
      fail,
      timer: setTimeout(() => {
        const index = pool.waiters.indexOf(waiter);
        if (index !== -1) pool.waiters.splice(index, 1);
        publish('wait timeout', pool.key);
        dropIfEmpty(pool);
        fail(new CosocketError('timeout', { message: `timeout: queued connect to pool "${pool.key}" timed out` }));
      }, waitMs),
    };
    pool.waiters.push(waiter);
  });
}

/** Lets the head waiter go when a connection became idle or a slot was freed. */
function wakeWaiter(pool: Pool): void {
  const waiter = pool.waiters[0];
  if (waiter === undefined) return;
  const entry = pool.idle.pop();
  if (entry !== undefined) {
    pool.waiters.shift();
    clearTimeout(waiter.timer);
    waiter.grant(takeIdle(pool, entry));
    return;
  }
  if (pool.active + pool.idle.length < pool.size) {
    pool.waiters.shift();
    clearTimeout(waiter.timer);
    pool.active++;
    waiter.grant({ kind: 'new', counted: true });
  }
}

function dropIfEmpty(pool: Pool): void {
  if (pool.active === 0 && pool.idle.length === 0 && pool.waiters.length === 0 && pools.get(pool.key) === pool) {
    pools.delete(pool.key);
  }
}

/** A connection was established under `key`, counted or not (`created`, `open`, the event). */
export function noteCreated(key: string): void {
  const t = totalsOf(key);
  t.created++;
  t.open++;
  publish('created', key);
}

/** A connection of `key` that was in use is closed (counted or not: `release` does the pool part). */
export function noteClosed(key: string): void {
  const t = totals.get(key);
  if (t !== undefined) t.open = Math.max(0, t.open - 1);
}

/** A counted connection or connect attempt is gone (closed, or the connect failed). */
export function release(key: string, reason: string): void {
  const pool = pools.get(key);
  if (pool === undefined) return;
  pool.active = Math.max(0, pool.active - 1);
  publish('closed', key, reason);
  wakeWaiter(pool);
  dropIfEmpty(pool);
}

/** `setKeepalive`: puts a clean, open connection into its pool. */
export function put(key: string, transport: Transport, reused: number, counted: boolean, idleMs: number, size: number | undefined): void {
  let pool = pools.get(key);
  if (pool === undefined) pool = createPool(key, size ?? config.poolSize, -1);
  if (counted) pool.active = Math.max(0, pool.active - 1);
  if (pool.idle.length >= pool.size) {
    const oldest = pool.idle.shift()!;
    closeIdle(key, oldest, 'evicted');
    totalsOf(key).evicted++;
    publish('evicted', key);
  }
  const entry: IdleEntry = { transport, reused, timer: null };
  transport.onIdleEvent = (reason) => removeIdle(pool, entry, reason);
  transport.stream.unref();
  if (idleMs > 0) {
    entry.timer = setTimeout(() => removeIdle(pool, entry, 'idle timeout'), idleMs);
    entry.timer.unref();
  }
  pool.idle.push(entry);
  publish('pooled', key);
  wakeWaiter(pool);
}

/** Closes an idle entry already taken off `key`'s idle list. */
function closeIdle(key: string, entry: IdleEntry, reason: string): void {
  if (entry.timer !== null) clearTimeout(entry.timer);
  entry.transport.onIdleEvent = null;
  entry.transport.destroy();
  noteClosed(key);
  if (reason !== 'evicted') publish('closed', key, reason);
}

function removeIdle(pool: Pool, entry: IdleEntry, reason: string): void {
  const index = pool.idle.indexOf(entry);
  if (index === -1) return;
  pool.idle.splice(index, 1);
  if (entry.timer !== null) clearTimeout(entry.timer);
  entry.transport.onIdleEvent = null;
  entry.transport.destroy();
  noteClosed(pool.key);
  publish('closed', pool.key, reason);
  wakeWaiter(pool);
  dropIfEmpty(pool);
}

/** Per pool name: its size and counts (current pools, plus cumulative counters). */
export function poolStats(): Record<string, PoolStats> {
  const out: Record<string, PoolStats> = {};
  for (const [key, t] of totals) {
    const pool = pools.get(key);
    out[key] = {
      size: pool?.size ?? 0,
      backlog: pool === undefined || pool.backlog < 0 ? null : pool.backlog,
      idle: pool?.idle.length ?? 0,
      inUse: pool?.active ?? 0,
      waiting: pool?.waiters.length ?? 0,
      created: t.created,
      reused: t.reused,
      evicted: t.evicted,
      open: t.open,
    };
  }
  for (const [key, pool] of pools) {
    if (out[key] === undefined) {
      out[key] = {
        size: pool.size,
        backlog: pool.backlog < 0 ? null : pool.backlog,
        idle: pool.idle.length,
        inUse: pool.active,
        waiting: pool.waiters.length,
        created: 0,
        reused: 0,
        evicted: 0,
        open: 0,
      };
    }
  }
  return out;
}

/** Closes the idle connections of pool `key` (a client closing its own pool). Connections in use are untouched. */
export function closePool(key: string): void {
  const pool = pools.get(key);
  if (pool === undefined) return;
  for (const entry of pool.idle.splice(0)) closeIdle(pool.key, entry, 'shutdown');
  dropIfEmpty(pool);
}

/** Closes every idle pooled connection (graceful shutdown). Connections in use are untouched. */
export function closeAllPools(): void {
  for (const key of [...pools.keys()]) closePool(key);
}
