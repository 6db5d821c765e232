import type { RedisCommands } from '../commands.generated.js';
import { installCommandMethods } from '../command-methods.js';
import { encodeCommand, type Encoded } from '../encoder.js';
import { locateCommand, RedisClientError } from '../errors.js';
import type { RedisArg, RedisReply } from '../types.js';
import { routeOf } from './routing.js';

/** One command queued in a pipeline or transaction: its name as written, lower case, arguments. */
export interface QueuedCommand {
  name: string;
  lower: string;
  args: readonly unknown[];
  /** Where the command alone would run (`mux` or `lease`). */
  route: 'mux' | 'lease';
  /** The command as RESP, encoded when queued (which refuses a bad argument at once). */
  encoded: Encoded;
}

/** What runs a finished batch: the client. */
export interface BatchRunner {
  /** `host:port` or `unix:/path`, named by the errors of queueing. */
  readonly address: string;
  runPipeline(commands: QueuedCommand[]): Promise<RedisReply[]>;
  runMulti(commands: QueuedCommand[]): Promise<RedisReply[] | null>;
}

/** Every command as a chainable method returning the builder `B`, plus `call` and `hmset`. */
export type RedisBatchCommands<B> = { [K in Exclude<keyof RedisCommands, 'exec'>]: (...args: Parameters<RedisCommands[K]>) => B } & {
  /** Any command by name. */
  call(name: string, ...args: RedisArg[]): B;
  /** HMSET with an object or Map of fields, or flat field/value arguments. */
  hmset(key: RedisArg, fields: Record<string, RedisArg> | Map<RedisArg, RedisArg>): B;
  hmset(key: RedisArg, ...fieldsAndValues: RedisArg[]): B;
};

/**
 * The queue of a pipeline or a transaction. A command is checked as it is queued: one the client
 * refuses (SELECT, WATCH, SUBSCRIBE, ...) or with a bad argument makes `exec()` reject with
 * that error, sending nothing, so results never shift against the commands.
 */
abstract class CommandBatch {
  protected readonly queued: QueuedCommand[] = [];
  private refused: Error | null = null;
  private executed = false;

  constructor(protected readonly runner: BatchRunner) {}

  /** Commands queued so far. */
  get length(): number {
    return this.queued.length;
  }

  protected queue(name: string, lower: string, args: readonly unknown[]): this {
    if (this.refused !== null || this.executed) return this;
    try {
      const route = routeOf(lower, args);
      if (route !== 'mux' && route !== 'lease') throw new RedisClientError(`${lower} cannot be queued here: ${route.refused}`);
      // Encoded now: a bad argument is refused here, not halfway through the batch.
      this.queued.push({ name, lower, args, route, encoded: encodeCommand(name, args) });
    } catch (error) {
      this.refused = locateCommand(error as Error, this.runner.address, name);
    }
    return this;
  }

  /** The queue, once: a second `exec()` is a mistake worth an error. */
  protected take(): QueuedCommand[] {
    if (this.executed) throw locateCommand(new RedisClientError('exec() was called already: start another batch'), this.runner.address, 'exec');
    this.executed = true;
    if (this.refused !== null) throw this.refused;
    return this.queued;
  }

  static install(prototype: CommandBatch): void {
    // The builders' methods queue and return the builder; installCommandMethods types the
    // sender's result as a reply promise, which only the command surfaces return.
    installCommandMethods(prototype, (self, name, lower, args) => self.queue(name, lower, args) as unknown as Promise<RedisReply>);
  }
}

export interface RedisPipeline extends RedisBatchCommands<RedisPipeline> {}

/**
 * `client.pipeline()`: commands queued, sent together by `exec()`, which resolves their replies
 * in order, a server error reply as a `RedisReplyError` value at its place (as `commitPipeline`).
 * Not atomic: other callers' commands may run in between; use `multi()` for that.
 */
export class RedisPipeline extends CommandBatch {
  /** Sends the queued commands; rejects (nothing sent) when one was refused while queueing, or when the connection failed. */
  async exec(): Promise<RedisReply[]> {
    const commands = this.take();
    return commands.length === 0 ? [] : this.runner.runPipeline(commands);
  }

  static {
    CommandBatch.install(RedisPipeline.prototype);
  }
}

export interface RedisMulti extends RedisBatchCommands<RedisMulti> {}

/**
 * `client.multi()`: a transaction. `exec()` sends MULTI, the queued commands and EXEC on one
 * connection and resolves EXEC's reply: each command's result in order, a command that failed
 * at run time as a `RedisReplyError` value. A command the server refuses at queue time (wrong
 * arity, unknown command) aborts the transaction: `exec()` rejects with the `EXECABORT` error,
 * whose `cause` is the first refusal.
 */
export class RedisMulti extends CommandBatch {
  /** Runs the transaction; `null` only when a WATCH aborted it (possible inside `withConnection` alone). */
  async exec(): Promise<RedisReply[] | null> {
    const commands = this.take();
    return commands.length === 0 ? [] : this.runner.runMulti(commands);
  }

  static {
    CommandBatch.install(RedisMulti.prototype);
  }
}
