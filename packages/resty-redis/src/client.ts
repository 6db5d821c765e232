import { CosocketError, keepsConnection, startTls, tcp, type TcpSocket } from 'cosocket';
import type { RedisCommands } from './commands.generated.js';
import { installCommandMethods, type RedisCallMethods } from './command-methods.js';
import { addressOf, defaultPoolName, handshakeRequest, parseConnectArgs, type ConnectArgs } from './connect-options.js';
import { DEFAULT_MAX_REPLY_SIZE, ReplyDecoder } from './decoder.js';
import { encodeCommand, type Encoded, type RequestBuilder } from './encoder.js';
import {
  busyError,
  CLOSE,
  closeReason,
  CONNECT,
  locateCommand,
  locateReply,
  PIPELINE,
  READ_REPLY,
  RedisClientError,
  type RedisReplyError,
  SET_KEEPALIVE,
} from './errors.js';
import { PipelineQueue } from './pipeline.js';
import { isMessage, PUBSUB_COMMANDS, Subscriptions, type SubscribeKind, type UnsubscribeKind } from './pubsub.js';
import { OBSERVED_COMMANDS, SessionState } from './session.js';
import type { RedisConnectOptions, RedisOptions, RedisReply } from './types.js';

const QUEUED: Promise<RedisReply> = Promise.resolve(undefined as unknown as RedisReply);

type Phase = 'idle' | 'writing' | 'reading';

// Every Redis command is a method (installed on the prototype below, typed by RedisCommands).
export interface Redis extends RedisCommands, RedisCallMethods {}

/**
 * A Redis client on one cosocket, after lua-resty-redis, that never leaks session state
 * through the keepalive pool: `setKeepalive` SELECTs back, DISCARDs, UNWATCHes, refuses while
 * subscribed, and closes instead of pooling when replies are unread or the stream is out of
 * sync. One object serves one task at a time: an overlapping command fails at once with
 * `socket busy reading` / `socket busy writing` and the first one gets its own reply.
 *
 * Every command method returns a promise and never throws: argument errors (null, undefined,
 * objects, NaN) reject it with a TypeError before anything is sent or queued. Every error of the
 * family names the address and the command (`RedisError`).
 */
export class Redis {
  private readonly sock: TcpSocket<Buffer> = tcp();
  private readonly decoder: ReplyDecoder;
  private readonly session = new SessionState();
  private readonly subs = new Subscriptions();
  private phase: Phase = 'idle';
  private pipe: PipelineQueue | null = null;
  /** `host:port` or `unix:/path` of the last connect, named by every error. */
  private address: string | undefined;
  /** The caller chose the pool name, and so vouches for what connections in it share. */
  private explicitPool = false;

  constructor(options: RedisOptions = {}) {
    const max = options.maxReplySize ?? DEFAULT_MAX_REPLY_SIZE;
    if (!Number.isSafeInteger(max) || max <= 0) throw new RangeError(`bad maxReplySize: ${String(max)}`);
    this.decoder = new ReplyDecoder(options.returnBuffers === true, max);
  }

  /** Sets the connect, send and read timeouts at once (ms; 0 = the cosocket default). */
  setTimeout(ms: number): void {
    this.sock.setTimeout(ms);
  }

  /** Sets the connect, send and read timeouts apart (ms; 0 = the configured default). */
  setTimeouts(connectMs: number, sendMs: number, readMs: number): void {
    this.sock.setTimeouts(connectMs, sendMs, readMs);
  }

  /**
   * Connects (or takes a pooled connection). On a fresh connection only
   * (`getReusedTimes() === 0`) it sends AUTH and SELECT for `password`/`username`/`database`.
   */
  async connect(host: string, port?: number | string | RedisConnectOptions, options?: RedisConnectOptions): Promise<void> {
    const args = parseConnectArgs(host, port, options);
    try {
      await this.open(args);
    } catch (error) {
      throw this.locate(error, CONNECT);
    }
  }

  private async open(args: ConnectArgs): Promise<void> {
    if (this.phase !== 'idle') throw busyError(this.phase);
    this.address = addressOf(args);
    const o = args.options;
    this.explicitPool = o.pool !== undefined;
    this.decoder.reset();
    this.subs.clear();
    const cosocketOptions = { pool: o.pool ?? defaultPoolName(args), poolSize: o.poolSize, backlog: o.backlog };
    await this.sock.connect(args.host, args.port, cosocketOptions);
    try {
      await startTls(this.sock, o);
      const database = o.database ?? 0;
      if (this.sock.getReusedTimes() === 0) {
        // AUTH and SELECT in one write; any error reply fails the connect.
        const failed = (await this.roundTrip(handshakeRequest(o), null, CONNECT)).find(keepsConnection);
        // Only a server's error reply keeps the connection: it is a RedisReplyError.
        if (failed !== undefined) throw failed as RedisReplyError;
      }
      this.session.begin(database, !!o.password);
    } catch (error) {
      this.sock.forceClose('connect failed');
      throw error;
    }
  }

  /**
   * Returns the connection to the pool in a clean state: DISCARD an open MULTI, UNWATCH after
   * WATCH, SELECT back to the connect-time database. Throws (connection kept) while subscribed;
   * closes and throws when replies are unread; closes instead of pooling a connection whose
   * state cannot be undone (MONITOR, CLIENT TRACKING/REPLY/SETNAME, AUTH by hand under the
   * default pool name).
   */
  async setKeepalive(maxIdleMs?: number, poolSize?: number): Promise<void> {
    try {
      await this.keepalive(maxIdleMs, poolSize);
    } catch (error) {
      throw this.locate(error, SET_KEEPALIVE);
    }
  }

  private async keepalive(maxIdleMs: number | undefined, poolSize: number | undefined): Promise<void> {
    this.cancelPipeline();
    this.sock.getReusedTimes(); // throws `closed` (saying why) when there is no connection
    if (this.phase !== 'idle' || this.decoder.hasUnread) {
      this.forceClose('unread replies');
      throw new CosocketError('connection in dubious state', {
        message: 'connection in dubious state: replies are unread, so the connection was closed instead of pooled',
      });
    }
    if (this.subs.subscribed) {
      throw new RedisClientError('subscribed state: unsubscribe before setKeepalive (the connection stays open)');
    }
    const s = this.session;
    if (s.taint !== null || (s.identityChanged && !this.explicitPool)) {
      this.forceClose(s.taint ?? 'identity changed');
      return;
    }
    if (s.dirty) {
      const failed = (await this.roundTrip(s.resetRequest(), null, SET_KEEPALIVE)).find(keepsConnection);
      if (failed !== undefined) {
        this.forceClose('state reset failed');
        throw failed as RedisReplyError;
      }
      s.begin(s.connectDb, s.authenticated);
    }
    await this.sock.setKeepalive(maxIdleMs, poolSize);
  }

  /** 0 for a fresh connection, k for one taken from the pool for the k-th time. */
  getReusedTimes(): number {
    return this.sock.getReusedTimes();
  }

  /**
   * Closes the connection (it does not go to the pool); the object may `connect` again.
   * Resolves when there is nothing to close (never connected, already closed, closed by a
   * failure), so `finally { await red.close() }` never hides the error that closed it.
   */
  async close(): Promise<void> {
    if (this.phase !== 'idle') throw this.locate(busyError(this.phase), CLOSE);
    this.cancelPipeline();
    this.decoder.reset();
    this.subs.clear();
    try {
      await this.sock.close();
    } catch (error) {
      if (error instanceof CosocketError && error.code === 'closed') return;
      throw this.locate(error, CLOSE);
    }
  }

  /** Starts queueing commands (drops anything queued before). */
  initPipeline(): void {
    this.pipe = new PipelineQueue();
  }

  /** Drops the queued commands; nothing was sent. */
  cancelPipeline(): void {
    this.pipe = null;
  }

  /** Whether commands are being queued by `initPipeline`. */
  get pipelining(): boolean {
    return this.pipe !== null;
  }

  /**
   * Sends the queued commands in one write and reads one reply each. Results are in order,
   * with error replies as RedisReplyError values (each naming its command); a transport error
   * fails the whole commit (command `PIPELINE`) and closes the connection. When a command was
   * refused while queueing (a bad argument), it rejects with that error and sends nothing.
   */
  async commitPipeline(): Promise<RedisReply[]> {
    const pipe = this.pipe;
    if (pipe === null) throw this.locate(new RedisClientError('no pipeline'), PIPELINE);
    this.pipe = null;
    if (pipe.refused !== null) throw pipe.refused;
    const results = await this.roundTrip(pipe.request, pipe.names, PIPELINE);
    for (const op of pipe.observed) this.observe(op.lower, op.args, results[op.index]!);
    return results;
  }

  /**
   * The next pub/sub frame while subscribed: buffered messages first. A read timeout keeps the
   * connection (poll again); other errors mean the loop must stop.
   */
  async readReply(): Promise<RedisReply> {
    if (this.subs.messages.length > 0) return this.subs.messages.shift()!;
    if (!this.subs.subscribed) throw this.locate(new RedisClientError('not subscribed'), READ_REPLY);
    this.enter(READ_REPLY);
    let reply: RedisReply;
    try {
      this.phase = 'reading';
      reply = await this.readValue();
    } catch (error) {
      // Polling with a timeout is normal while subscribed: the connection stays.
      if (error instanceof CosocketError && error.code === 'timeout') throw this.locate(error, READ_REPLY);
      throw this.fail(error, READ_REPLY);
    } finally {
      this.phase = 'idle';
    }
    this.subs.observe(reply);
    return this.settle(reply, READ_REPLY);
  }

  /**
   * Sends (or queues) one command. Never throws: a refused command (bad argument, a pub/sub
   * command in a pipeline) rejects, and while a pipeline is open it also fails the commit.
   */
  private dispatch(name: string, lower: string, args: readonly unknown[]): Promise<RedisReply> {
    let encoded: Encoded;
    try {
      encoded = encodeCommand(name, args);
      if (this.pipe !== null && PUBSUB_COMMANDS.has(lower)) throw new RedisClientError(`${lower} cannot be pipelined`);
    } catch (error) {
      return this.refuse(this.locate(error, name));
    }
    if (PUBSUB_COMMANDS.has(lower)) return this.subscribeFamily(name, lower as SubscribeKind | UnsubscribeKind, args.length, encoded);
    if (this.pipe !== null) {
      this.pipe.add(name, lower, args, encoded);
      return QUEUED;
    }
    return this.execute(name, lower, args, encoded);
  }

  /**
   * A command refused before anything was sent or queued. While pipelining, `commitPipeline`
   * rejects with the first such error and sends nothing, so the results never shift against
   * the commands; the command's own promise is marked handled, since queued commands are
   * rarely awaited.
   */
  private refuse(error: unknown): Promise<never> {
    const rejected = Promise.reject(error);
    if (this.pipe !== null) {
      this.pipe.refused ??= error as Error;
      rejected.catch(() => undefined);
    }
    return rejected;
  }

  private async execute(name: string, lower: string, args: readonly unknown[], encoded: Encoded): Promise<RedisReply> {
    this.enter(name);
    let reply: RedisReply;
    try {
      await this.sock.send(encoded);
      this.phase = 'reading';
      reply = await this.readValue();
      while (this.subs.subscribed && isMessage(reply)) {
        this.subs.messages.push(reply);
        reply = await this.readValue();
      }
    } catch (error) {
      throw this.fail(error, name);
    } finally {
      this.phase = 'idle';
    }
    if (OBSERVED_COMMANDS.has(lower)) this.observe(lower, args, reply);
    return this.settle(reply, name);
  }

  /** A reply to the caller: error replies, top-level or nested, name the command; a top-level one throws. */
  private settle(reply: RedisReply, name: string): RedisReply {
    if (typeof reply !== 'object' || reply === null) return reply;
    locateReply(reply, this.address, name);
    if (keepsConnection(reply)) throw reply;
    return reply;
  }

  /** (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE: one confirmation frame per name, messages queued. */
  private async subscribeFamily(name: string, kind: SubscribeKind | UnsubscribeKind, argCount: number, encoded: Encoded): Promise<RedisReply> {
    const unsubscribing = kind.endsWith('unsubscribe');
    if (unsubscribing && !this.subs.subscribed) throw this.locate(new RedisClientError('not subscribed'), name);
    this.enter(name);
    const expected = this.subs.expectedFrames(kind, argCount);
    // Set before sending: if the reply is lost, the server may have subscribed us anyway.
    if (!unsubscribing) this.subs.subscribed = true;
    const frames: RedisReply[] = [];
    let failure: RedisReply = null;
    try {
      await this.sock.send(encoded);
      this.phase = 'reading';
      while (frames.length < expected) {
        const reply = await this.readValue();
        if (isMessage(reply)) this.subs.messages.push(reply);
        else if (keepsConnection(reply)) {
          // A command error (arity, wrong context) is the only reply this command gets.
          failure = reply;
          break;
        } else {
          this.subs.observe(reply);
          frames.push(reply);
        }
      }
    } catch (error) {
      throw this.fail(error, name);
    } finally {
      this.phase = 'idle';
    }
    if (failure !== null) {
      this.subs.subscribed = this.subs.channels.size + this.subs.patterns.size + this.subs.shards.size > 0;
      throw this.locate(failure, name);
    }
    return frames.length === 1 ? frames[0]! : frames;
  }

  /**
   * One write of all queued commands, then exactly one reply each (messages set aside). A
   * failure names `operation`; error replies name their command (`names[i]`, else `operation`).
   */
  private async roundTrip(request: RequestBuilder, names: readonly string[] | null, operation: string): Promise<RedisReply[]> {
    const n = request.count;
    if (n === 0) return [];
    this.enter(operation);
    const results = new Array<RedisReply>(n);
    const d = this.decoder;
    const subs = this.subs;
    try {
      await this.sock.send(request.finish());
      this.phase = 'reading';
      let i = 0;
      while (i < n) {
        // Drain what is already decoded without an await per reply.
        while (i < n && d.available > 0) {
          const reply = d.shift();
          if (subs.subscribed && isMessage(reply)) subs.messages.push(reply);
          else results[i++] = reply;
        }
        if (i < n) d.feed(await this.sock.receiveBuffered());
      }
    } catch (error) {
      throw this.fail(error, operation);
    } finally {
      this.phase = 'idle';
    }
    for (let i = 0; i < n; i++) locateReply(results[i]!, this.address, names?.[i] ?? operation);
    return results;
  }

  /** The next decoded reply, reading from the socket as needed. */
  private async readValue(): Promise<RedisReply> {
    const d = this.decoder;
    while (d.available === 0) d.feed(await this.sock.receiveBuffered());
    return d.shift();
  }

  private observe(lower: string, args: readonly unknown[], reply: RedisReply): void {
    if (lower === 'quit') {
      this.forceClose('QUIT');
      return;
    }
    if (this.session.observe(lower, args, reply)) this.subs.clear();
  }

  /** Marks the client busy, or fails at once if an operation is already in flight. */
  private enter(name: string): void {
    if (this.phase !== 'idle') throw this.locate(busyError(this.phase), name);
    this.phase = 'writing';
  }

  /**
   * A transport or protocol failure in the middle of a request: the stream is out of sync
   * (a reply may still arrive, e.g. for a BLPOP whose read timed out), so the connection is
   * closed, saying why to the next command (`closed (after a read timeout)`), and can never
   * reach the pool.
   */
  private fail(error: unknown, name: string): unknown {
    const foreign = error instanceof CosocketError && error.code === 'bad request';
    if (!foreign && !keepsConnection(error)) this.forceClose(closeReason(error));
    return this.locate(error, name);
  }

  /** Names this client's address and the command (or client operation) on an error of the family. */
  private locate<E>(error: E, name: string): E {
    return locateCommand(error, this.address, name);
  }

  private forceClose(reason: string): void {
    this.sock.forceClose(reason);
    this.decoder.reset();
    this.subs.clear();
  }

  static {
    installCommandMethods(Redis.prototype, (self, name, lower, args) => self.dispatch(name, lower, args));
  }
}
