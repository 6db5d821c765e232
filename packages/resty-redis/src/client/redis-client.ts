import { ClientPool, configure, CosocketError } from 'cosocket';
import type { Redis } from '../client.js';
import { installCommandMethods, type RedisCallMethods } from '../command-methods.js';
import { installTypedReplyMethods } from '../commands/reply-transforms.js';
import type { TypedRedisCommands } from '../commands/typed-commands.js';
import { locateCommand, PIPELINE, RedisClientError, RedisReplyError } from '../errors.js';
import type { RedisArg, RedisReply } from '../types.js';
import { encodeCommand, RequestBuilder, type Encoded } from '../encoder.js';
import { RedisMulti, RedisPipeline, type BatchRunner, type QueuedCommand } from './batch.js';
import { ClientMultiplexed } from './client-mux.js';
import { Slot } from './leases.js';
import { resolveClientOptions, type RedisClientOptions, type ResolvedClientOptions } from './options.js';
import { blockingReadTimeout, routeOf } from './routing.js';
import { Subscriber, type MessageListener, type RedisSubscription } from './subscriber.js';

/**
 * The command methods of the client, with typed replies (`S`: `string`, or `Buffer` with
 * `returnBuffers`); `multi`, `subscribe` and `psubscribe` are its own (builder, listeners).
 */
export type RedisClientCommands<S extends string | Buffer = string> = Omit<TypedRedisCommands<S>, 'multi' | 'subscribe' | 'psubscribe'>;

// Every Redis command is a method (installed on the prototype below, typed by TypedRedisCommands).
export interface RedisClient<S extends string | Buffer = string> extends RedisClientCommands<S>, RedisCallMethods {}

/**
 * One client per Redis server, shared by any number of concurrent callers (none ever sees
 * `socket busy`), which owns its connections: at most `poolSize` at once.
 *
 * - Plain commands go over one shared multiplexed connection (`RedisMultiplexed`): concurrent
 *   callers are pipelined together automatically.
 * - Blocking commands (BLPOP, XREAD BLOCK, WAIT, ...) lease a pooled connection of their own for
 *   the one command, their read timeout stretched by the time they may block.
 * - `pipeline()`, `multi()`, `withConnection()`, `subscribe()` / `psubscribe()` for the rest;
 *   commands that only make sense on a session (SELECT, MULTI, WATCH, SUBSCRIBE, AUTH, QUIT, ...)
 *   reject with a `RedisClientError` saying which of these to use instead.
 *
 * Leased connections go back to the keepalive pool clean (the `Redis` rules: database restored,
 * no MULTI/WATCH, not subscribed, no unread reply) or are closed. Every method returns a promise
 * and reports every failure by rejecting it, with `code` (transport errors), `address` and
 * `command`.
 */
export class RedisClient<S extends string | Buffer = string> implements BatchRunner {
  /** `host:port` or `unix:/path` of the server, named by every error. */
  readonly address: string;
  private readonly settings: ResolvedClientOptions;
  private readonly pool: ClientPool<Slot>;
  /** The shared connection; null with `poolSize: 1`, where every command leases the one connection. */
  private readonly mux: ClientMultiplexed | null;
  private muxStarted = false;
  private readonly subscriber: Subscriber;
  private closing: Promise<void> | null = null;

  /** Use `createClient(url | options)`. */
  constructor(urlOrOptions?: string | RedisClientOptions, options?: RedisClientOptions) {
    const s = resolveClientOptions(urlOrOptions, options);
    this.settings = s;
    this.address = s.address;
    if (s.poolSize > 1) {
      this.mux = new ClientMultiplexed({ returnBuffers: s.returnBuffers, maxReplySize: s.maxReplySize, maxPending: s.maxPending });
      this.mux.setTimeouts(s.connectTimeout, s.commandTimeout, s.commandTimeout);
    } else {
      this.mux = null;
    }
    this.pool = new ClientPool<Slot>({
      address: s.address,
      // The multiplexed connection is one of the poolSize.
      size: this.mux === null ? 1 : s.poolSize - 1,
      maxWaiting: s.maxWaiting,
      waitTimeout: s.waitTimeout,
      name: `redis-client:${s.address}`,
      open: (poolOptions) => Promise.resolve(new Slot(s, poolOptions)),
    });
    this.subscriber = new Subscriber(s, this.pool);
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.closing !== null;
  }

  /** A pipeline: chain commands, then `exec()` sends them together and resolves their replies in order. */
  pipeline(): RedisPipeline {
    return new RedisPipeline(this);
  }

  /** A transaction: chain commands, then `exec()` runs MULTI ... EXEC on one connection. */
  multi(): RedisMulti {
    return new RedisMulti(this);
  }

  /**
   * Leases a connection (a socket-level `Redis`) for `fn`: WATCH/MULTI, SELECT, blocking loops,
   * anything stateful. Resolves `fn`'s result; the connection then goes back to the pool clean
   * (database restored, MULTI discarded, WATCH undone) or is closed (still subscribed, a reply
   * unread, CLIENT SETNAME, AUTH by hand, `fn` threw something other than a server error reply).
   */
  async withConnection<T>(fn: (red: Redis) => T | Promise<T>): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError(`withConnection: a function expected, got ${typeof fn}`);
    this.checkOpen('withConnection');
    return this.pool.use(async (slot) => fn(await slot.redis()), 'withConnection');
  }

  /**
   * Subscribes `listener(message, channel)` to one channel or several, on the client's subscriber
   * connection; resolves once the server confirmed every channel. After the connection drops
   * it reconnects (with backoff) and subscribes again; the last `unsubscribe()` closes it.
   */
  subscribe(channels: string | readonly string[], listener: MessageListener<S>): Promise<RedisSubscription> {
    return this.subscriber.subscribe('subscribe', channels, listener);
  }

  /** As `subscribe`, for patterns: `listener(message, channel, pattern)`. */
  psubscribe(patterns: string | readonly string[], listener: MessageListener<S>): Promise<RedisSubscription> {
    return this.subscriber.subscribe('psubscribe', patterns, listener);
  }

  /**
   * Stops taking commands (they reject with code `closed`), lets the commands in flight finish
   * (a blocking one included), then closes every connection: the multiplexed one, the pooled
   * ones, the subscriber. Idempotent; resolves once all are closed.
   */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.mux?.close(), this.subscriber.close(), this.pool.close()]).then(() => undefined);
    return this.closing;
  }

  /**
   * @internal The pipeline's `exec()`: one entry on the multiplexed connection when every
   * command may go there, else on a leased connection (a blocking command in it).
   */
  async runPipeline(commands: QueuedCommand[]): Promise<RedisReply[]> {
    this.checkOpen(PIPELINE);
    const mux = this.mux;
    if (mux !== null && commands.every((c) => c.route === 'mux')) {
      this.startMux(mux);
      return mux.batch(
        joined(commands.map((c) => c.encoded)),
        commands.map((c) => c.name),
        PIPELINE,
      );
    }
    const readMs = Math.max(...commands.map((c) => this.readTimeoutOf(c.lower, c.args)));
    return this.pool.use(async (slot) => {
      const red = await slot.redis(readMs);
      red.initPipeline();
      for (const c of commands) void red.call(c.name, ...(c.args as RedisArg[]));
      return red.commitPipeline();
    }, PIPELINE);
  }

  /**
   * @internal The transaction's `exec()`: MULTI, the commands and EXEC written in one piece, as
   * one entry of the multiplexed connection (no other caller's command can land inside it, and
   * nothing queued there changes the connection's state: the client refuses SELECT, WATCH,
   * ... while queueing); on a leased connection with `poolSize: 1`.
   */
  async runMulti(commands: QueuedCommand[]): Promise<RedisReply[] | null> {
    this.checkOpen('MULTI');
    const mux = this.mux;
    if (mux !== null) {
      this.startMux(mux);
      const request = joined([MULTI, ...commands.map((c) => c.encoded), EXEC]);
      return execReply(await mux.batch(request, ['MULTI', ...commands.map((c) => c.name), 'EXEC'], 'MULTI'), commands);
    }
    return this.pool.use(async (slot) => {
      const red = await slot.redis();
      red.initPipeline();
      void red.multi();
      for (const c of commands) void red.call(c.name, ...(c.args as RedisArg[]));
      void red.exec();
      return execReply(await red.commitPipeline(), commands);
    }, 'MULTI');
  }

  /** Runs one command where its route says. Never throws: every failure rejects. */
  private dispatch(name: string, lower: string, args: readonly unknown[]): Promise<RedisReply> {
    if (this.closing !== null) return Promise.reject(closedError(this.address, name.toUpperCase()));
    const route = routeOf(lower, args);
    const mux = this.mux;
    if (route === 'mux' && mux !== null) {
      let request: Encoded;
      try {
        request = encodeCommand(name, args);
      } catch (error) {
        return Promise.reject(locateCommand(error, this.address, name));
      }
      if (!this.muxStarted) this.startMux(mux);
      return mux.send(name, request);
    }
    if (route === 'mux' || route === 'lease') {
      const readMs = this.readTimeoutOf(lower, args);
      return this.pool.use(async (slot) => (await slot.redis(readMs)).call(name, ...(args as RedisArg[])), name.toUpperCase());
    }
    return Promise.reject(locateCommand(new RedisClientError(`${lower} is not available on the client: ${route.refused}`), this.address, name));
  }

  /** The read timeout of a command on a lease: the command timeout, plus the blocking time of a blocking command. */
  private readTimeoutOf(lower: string, args: readonly unknown[]): number {
    const base = this.settings.commandTimeout;
    return blockingReadTimeout(lower, args, base || configure({}).readTimeout) ?? base;
  }

  /** Connects the shared connection on first use (a client that is never used opens nothing). */
  private startMux(mux: ClientMultiplexed): void {
    if (this.muxStarted) return;
    this.muxStarted = true;
    const { host, port, options } = this.settings.target;
    // A failure reaches the commands queued meanwhile; the next command reconnects.
    mux.connect(host, port, options).catch(() => undefined);
  }

  private checkOpen(operation: string): void {
    if (this.closing !== null) throw closedError(this.address, operation);
  }

  static {
    const send = (self: RedisClient<string | Buffer>, name: string, lower: string, args: readonly unknown[]): Promise<RedisReply> =>
      self.dispatch(name, lower, args);
    // HGETALL first: its typed method converts the reply (call('HGETALL') stays raw).
    installTypedReplyMethods(RedisClient.prototype, send);
    installCommandMethods(RedisClient.prototype, send);
  }
}

const MULTI = encodeCommand('MULTI', []);
const EXEC = encodeCommand('EXEC', []);

/** Encoded commands back to back, as one request. */
function joined(requests: readonly Encoded[]): Encoded {
  if (requests.every((r) => typeof r === 'string')) return requests.join('');
  const builder = new RequestBuilder();
  for (const r of requests) builder.add(r);
  return builder.finish();
}

/**
 * The result of MULTI, the commands, EXEC: EXEC's reply, each error in it naming its own
 * command; an EXECABORT (a command refused while queueing) is thrown, its `cause` the first
 * refusal. `null`: a WATCH aborted the transaction.
 */
function execReply(replies: RedisReply[], commands: readonly QueuedCommand[]): RedisReply[] | null {
  const result = replies[replies.length - 1]!;
  if (result instanceof RedisReplyError) {
    const refused = replies.slice(1, -1).find((r) => r instanceof RedisReplyError);
    if (refused !== undefined) Object.defineProperty(result, 'cause', { value: refused, configurable: true, writable: true });
    throw result;
  }
  if (!Array.isArray(result)) return null;
  result.forEach((value, i) => {
    if (value instanceof RedisReplyError) value.locate(undefined, commands[i]?.name.toUpperCase());
  });
  return result;
}

/** A command after `close()`. */
function closedError(address: string, command: string): CosocketError {
  return new CosocketError('closed', { message: 'closed (the client was closed with close())', address, command });
}

/**
 * A client for one Redis server, from a URL (`redis://[user[:password]@]host[:port][/db]`,
 * `rediss://` for TLS, `redis+unix:///path?db=N`) and/or options; see `RedisClientOptions`.
 * Connects on first use. A malformed URL throws a `TypeError` quoting it (password masked).
 */
export function createClient(url: string, options: RedisClientOptions & { returnBuffers: true }): RedisClient<Buffer>;
export function createClient(options: RedisClientOptions & { returnBuffers: true }): RedisClient<Buffer>;
export function createClient(urlOrOptions?: string | RedisClientOptions, options?: RedisClientOptions): RedisClient;
export function createClient(urlOrOptions?: string | RedisClientOptions, options?: RedisClientOptions): RedisClient<string | Buffer> {
  return new RedisClient(urlOrOptions, options);
}
