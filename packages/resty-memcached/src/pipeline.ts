import type { Codec } from './commands/codec.js';
import { build, installCommands } from './commands/install.js';
import type { MemcachedPipelineCommands, ValueOf } from './commands/methods.js';
import type { Build, Exchange } from './commands/table.js';
import type { MemcachedServerError } from './errors.js';
import type { MemcachedCasEntry, MemcachedEntry } from './protocol/read-reply.js';

/**
 * One pipeline result: what the command alone would have resolved (true/false, a number or
 * null, an entry or null), or the `MemcachedServerError` the server answered for it.
 */
export type PipelineResult<V extends string | Buffer = string> =
  boolean | number | null | MemcachedEntry<V> | MemcachedCasEntry<V> | MemcachedServerError;

/** The queueing methods, installed from the command table (`MemcachedPipelineCommands` types them). */
// Merged with the class below, so it must declare the class's type parameter, used or not.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface MemcachedPipeline<B extends boolean = false> extends MemcachedPipelineCommands {}

/**
 * A batch of commands sent in one write (`memc.pipeline()`). Queueing methods check their
 * arguments at once (TypeError / RangeError, nothing queued) and return the pipeline for
 * chaining; `commit()` sends the batch and resolves the results in order.
 *
 * Multi-key get/gets, flushAll, stats, version, verbosity and quit are not pipelined: run them
 * on the client.
 */
export class MemcachedPipeline<B extends boolean = false> {
  private queue: Exchange[] = [];

  private constructor(
    private readonly codec: Codec,
    private readonly runBatch: (queue: readonly Exchange[]) => Promise<unknown[]>,
  ) {}

  /** @internal What `Memcached#pipeline()` calls. */
  static open<B extends boolean>(codec: Codec, runBatch: (queue: readonly Exchange[]) => Promise<unknown[]>): MemcachedPipeline<B> {
    return new MemcachedPipeline<B>(codec, runBatch);
  }

  /** Commands queued so far. */
  get length(): number {
    return this.queue.length;
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
    return this.runBatch(queue) as Promise<PipelineResult<ValueOf<B>>[]>;
  }

  private push(fn: Build, args: unknown[]): this {
    // A queued build is never null: it takes one key.
    this.queue.push(build(this.codec, fn, args)!);
    return this;
  }

  static {
    installCommands(MemcachedPipeline.prototype, 'queue', (self, fn, args) => self.push(fn, args));
  }
}
