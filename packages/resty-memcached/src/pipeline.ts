import type { SendData } from 'cosocket';
import type { CasUnique, MemcachedValue } from './args.js';
import type { Memcached, ValueOf } from './client.js';
import type { MemcachedError } from './errors.js';
import type { MemcachedCasEntry, MemcachedEntry } from './protocol/read-reply.js';

/** @internal One queued command: its request bytes and the reader of its reply. */
export interface QueuedCommand {
  command: string;
  request: SendData;
  read: () => Promise<unknown>;
}

/**
 * One pipeline result: what the command alone would have resolved (true/false, a number or
 * null, an entry or null), or the `MemcachedError` the server answered for it.
 */
export type PipelineResult<V extends string | Buffer = string> =
  | boolean
  | number
  | null
  | MemcachedEntry<V>
  | MemcachedCasEntry<V>
  | MemcachedError;

/**
 * A batch of commands sent in one write (`memc.pipeline()`). Queueing methods check their
 * arguments at once (TypeError / RangeError, nothing queued) and return the pipeline for
 * chaining; `commit()` sends the batch and resolves the results in order.
 *
 * Multi-key get/gets, flushAll, stats, version, verbosity and quit are not pipelined: run them
 * on the client.
 */
export class MemcachedPipeline<B extends boolean = false> {
  private queue: QueuedCommand[] = [];

  /** @internal Created by `Memcached#pipeline()`. */
  constructor(private readonly client: Memcached<B>) {}

  /** Commands queued so far. */
  get length(): number {
    return this.queue.length;
  }

  /** Queues `set`; its result is `true`, or `false` on NOT_STORED. */
  set(key: string, value: MemcachedValue, exptime?: number, flags?: number): this {
    return this.push(this.client.storeCommand('set', key, value, exptime, flags));
  }

  /** Queues `add`; its result is `true`, or `false` when the key exists. */
  add(key: string, value: MemcachedValue, exptime?: number, flags?: number): this {
    return this.push(this.client.storeCommand('add', key, value, exptime, flags));
  }

  /** Queues `replace`; its result is `true`, or `false` when the key is missing. */
  replace(key: string, value: MemcachedValue, exptime?: number, flags?: number): this {
    return this.push(this.client.storeCommand('replace', key, value, exptime, flags));
  }

  /** Queues `append`; its result is `true`, or `false` when the key is missing. */
  append(key: string, value: MemcachedValue, exptime?: number, flags?: number): this {
    return this.push(this.client.storeCommand('append', key, value, exptime, flags));
  }

  /** Queues `prepend`; its result is `true`, or `false` when the key is missing. */
  prepend(key: string, value: MemcachedValue, exptime?: number, flags?: number): this {
    return this.push(this.client.storeCommand('prepend', key, value, exptime, flags));
  }

  /** Queues `cas`; its result is `true`, or `false` on EXISTS / NOT_FOUND. */
  cas(key: string, value: MemcachedValue, cas: CasUnique, exptime?: number, flags?: number): this {
    return this.push(this.client.casCommand(key, value, cas, exptime, flags));
  }

  /** One key; its result is `{ value, flags }` or null. */
  get(key: string): this {
    return this.push(this.client.retrieveOne('get', key));
  }

  /** One key; its result is `{ value, flags, cas }` or null. */
  gets(key: string): this {
    return this.push(this.client.retrieveOne('gets', key));
  }

  /** Queues `delete`; its result is `true`, or `false` on NOT_FOUND. */
  delete(key: string): this {
    return this.push(this.client.deleteCommand(key));
  }

  /** Queues `touch`; its result is `true`, or `false` on NOT_FOUND. */
  touch(key: string, exptime: number): this {
    return this.push(this.client.touchCommand(key, exptime));
  }

  /** Queues `incr`; its result is the new value, or null on NOT_FOUND. */
  incr(key: string, delta: number | bigint | string): this {
    return this.push(this.client.arithmeticCommand('incr', key, delta));
  }

  /** Queues `decr`; its result is the new value, or null on NOT_FOUND. */
  decr(key: string, delta: number | bigint | string): this {
    return this.push(this.client.arithmeticCommand('decr', key, delta));
  }

  /** Drops everything queued. */
  cancel(): void {
    this.queue = [];
  }

  /**
   * Sends the batch in one write and resolves one result per command, in order. An empty
   * batch resolves `[]` without I/O. A transport or protocol failure rejects the whole batch
   * and closes the connection. The pipeline is empty again afterwards, whatever happened.
   */
  commit(): Promise<PipelineResult<ValueOf<B>>[]> {
    const queue = this.queue;
    this.queue = [];
    if (queue.length === 0) return Promise.resolve([]);
    return this.client.runBatch(queue) as Promise<PipelineResult<ValueOf<B>>[]>;
  }

  private push(command: QueuedCommand): this {
    this.queue.push(command);
    return this;
  }
}
