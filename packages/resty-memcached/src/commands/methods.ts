/**
 * The typings of the command table (`table.ts`): one signature per command, merged into the
 * classes that `install.ts` puts the table on.
 */
import type { CasUnique, MemcachedValue } from '../args.js';
import type { MemcachedCasEntry, MemcachedEntry } from '../protocol/read-reply.js';

/** The value type for a `returnBuffers` setting. */
export type ValueOf<B extends boolean> = B extends true ? Buffer : string;

/**
 * The commands of `Memcached` and `MemcachedMultiplexed`. A bad argument (key, value, flags,
 * exptime, delta, cas, stats argument) is a TypeError / RangeError before anything is sent.
 */
export interface MemcachedCommands<B extends boolean = false> {
  /** Stores the value; true (STORED). */
  set(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean>;
  /** Stores only if the key is missing; false on NOT_STORED. */
  add(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean>;
  /** Stores only if the key exists; false on NOT_STORED. */
  replace(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean>;
  /** Appends to an existing value (the server ignores exptime and flags); false on NOT_STORED. */
  append(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean>;
  /** Prepends to an existing value (the server ignores exptime and flags); false on NOT_STORED. */
  prepend(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean>;
  /** Stores only if the item is unchanged since `gets`; false on EXISTS or NOT_FOUND. */
  cas(key: string, value: MemcachedValue, cas: CasUnique, exptime?: number, flags?: number): Promise<boolean>;
  /** One key: `{ value, flags }` or null. */
  get(key: string): Promise<MemcachedEntry<ValueOf<B>> | null>;
  /** Several keys, in one request: a map from key to entry, without the misses. */
  get(keys: readonly string[]): Promise<Record<string, MemcachedEntry<ValueOf<B>>>>;
  /** As `get`, with the entry's cas unique (a decimal string, exact unsigned 64-bit). */
  gets(key: string): Promise<MemcachedCasEntry<ValueOf<B>> | null>;
  /** As `get` of several keys, each entry with its cas unique. */
  gets(keys: readonly string[]): Promise<Record<string, MemcachedCasEntry<ValueOf<B>>>>;
  /** Deletes the item; false on NOT_FOUND. */
  delete(key: string): Promise<boolean>;
  /** Sets a new expiration time; false on NOT_FOUND. */
  touch(key: string, exptime: number): Promise<boolean>;
  /**
   * Adds `delta` (a safe integer, bigint or digit string; unsigned 64-bit) to a decimal value;
   * the new value, or null on NOT_FOUND. Values wrap at 2^64; above 2^53 the returned number
   * is not exact (read the item with `get` for its exact digits).
   */
  incr(key: string, delta: number | bigint | string): Promise<number | null>;
  /** Subtracts `delta`, stopping at 0; the new value, or null on NOT_FOUND. */
  decr(key: string, delta: number | bigint | string): Promise<number | null>;
  /** Invalidates every item, now or after `delay` seconds; true. */
  flushAll(delay?: number): Promise<boolean>;
  /** `stats [arg]` as name/value pairs (`{ pid: '1234', ... }`); an unknown group throws ERROR. */
  stats(arg?: string): Promise<Record<string, string>>;
  /** The server version, e.g. `1.6.18`. */
  version(): Promise<string>;
  /** Sets the server's logging verbosity; true. */
  verbosity(level: number): Promise<boolean>;
}

/**
 * The commands a `MemcachedPipeline` queues. Each checks its arguments at once (TypeError /
 * RangeError, nothing queued) and returns the pipeline; its result comes from `commit()`.
 */
export interface MemcachedPipelineCommands {
  /** Queues `set`; its result is `true`, or `false` on NOT_STORED. */
  set(key: string, value: MemcachedValue, exptime?: number, flags?: number): this;
  /** Queues `add`; its result is `true`, or `false` when the key exists. */
  add(key: string, value: MemcachedValue, exptime?: number, flags?: number): this;
  /** Queues `replace`; its result is `true`, or `false` when the key is missing. */
  replace(key: string, value: MemcachedValue, exptime?: number, flags?: number): this;
  /** Queues `append`; its result is `true`, or `false` when the key is missing. */
  append(key: string, value: MemcachedValue, exptime?: number, flags?: number): this;
  /** Queues `prepend`; its result is `true`, or `false` when the key is missing. */
  prepend(key: string, value: MemcachedValue, exptime?: number, flags?: number): this;
  /** Queues `cas`; its result is `true`, or `false` on EXISTS / NOT_FOUND. */
  cas(key: string, value: MemcachedValue, cas: CasUnique, exptime?: number, flags?: number): this;
  /** Queues `get` of one key; its result is `{ value, flags }` or null. */
  get(key: string): this;
  /** Queues `gets` of one key; its result is `{ value, flags, cas }` or null. */
  gets(key: string): this;
  /** Queues `delete`; its result is `true`, or `false` on NOT_FOUND. */
  delete(key: string): this;
  /** Queues `touch`; its result is `true`, or `false` on NOT_FOUND. */
  touch(key: string, exptime: number): this;
  /** Queues `incr`; its result is the new value, or null on NOT_FOUND. */
  incr(key: string, delta: number | bigint | string): this;
  /** Queues `decr`; its result is the new value, or null on NOT_FOUND. */
  decr(key: string, delta: number | bigint | string): this;
}
