import { AsyncResource } from 'node:async_hooks';
import { CosocketError, tcp, type TcpSocket } from 'cosocket';
import type { RedisCommands } from './commands.generated.js';
import { installCommandMethods } from './command-methods.js';
import { hmsetArgs } from './hash.js';
import { defaultPoolName, parseConnectArgs, type ConnectArgs } from './connect-options.js';
import { DEFAULT_MAX_REPLY_SIZE, ReplyDecoder } from './decoder.js';
import { encodeCommand, RequestBuilder } from './encoder.js';
import { RedisClientError, RedisProtocolError, RedisReplyError } from './errors.js';
import { refusal } from './multiplex-rules.js';
import { PendingQueue } from './multiplex-queue.js';
import type { RedisArg, RedisConnectOptions, RedisOptions, RedisReply } from './types.js';

/** The most bytes taken from the socket per read: whole network chunks in practice. */
const READ_CHUNK = 1 << 20;
/** Default bound on commands queued or awaiting a reply. */
export const DEFAULT_MAX_PENDING = 10_000;

/**
 * Created at module load, outside any request context: the connection and its reader and
 * writer loops run in this scope, so the socket belongs to no request (a `withContext` that
 * ends never closes it, and callers from any context may share it).
 */
const DETACHED = new AsyncResource('resty-redis:multiplexed');

/** Options of `new RedisMultiplexed(...)`. */
export interface RedisMultiplexedOptions extends RedisOptions {
  /**
   * The most commands queued or awaiting a reply at once (default 10,000). One more fails at
   * once with `CosocketError` code `too many pending commands`, without being sent.
   */
  maxPending?: number;
}

/** `connect` options of a multiplexed client: the pool options do not apply (it is never pooled). */
export type RedisMultiplexedConnectOptions = Omit<RedisConnectOptions, 'pool' | 'poolSize' | 'backlog'>;

type State = 'down' | 'connecting' | 'up' | 'closed';

export interface RedisMultiplexed extends RedisCommands {}

/**
 * One Redis connection shared by any number of concurrent callers (OpenResty's answer for a
 * cosocket shared by many coroutines: one writer and one reader own the socket).
 *
 * Every command is queued; a writer sends everything queued as one batch (one writev), and a
 * reader hands replies to callers in order. Concurrent callers therefore pipeline
 * automatically, which is what wins when many tasks share one client.
 *
 * Rules:
 * - an error reply rejects that caller only (`RedisReplyError`);
 * - a transport failure, a read timeout or a protocol error rejects **every** pending command
 *   with that error and closes the connection (a late reply would desynchronise the stream);
 *   the next command reconnects;
 * - more than `maxPending` commands in flight: the extra one rejects with `CosocketError`
 *   code `too many pending commands`;
 * - commands that change shared session state or block (SELECT, MULTI/EXEC/WATCH, AUTH,
 *   (P|S)SUBSCRIBE, MONITOR, BLPOP and friends, WAIT, CLIENT SETNAME/TRACKING/REPLY, ...)
 *   throw `RedisClientError` synchronously: use a pooled `Redis` for them;
 * - bad arguments throw `TypeError` synchronously, as with `Redis`.
 */
export class RedisMultiplexed {
  private readonly maxPending: number;
  private readonly returnBuffers: boolean;
  private readonly maxReplySize: number;
  private readonly timeouts: [number, number, number] = [0, 0, 0];
  private target: ConnectArgs | null = null;
  private state: State = 'down';
  /** Bumped when a connection fails or closes: loops of an older epoch stop. */
  private epoch = 0;
  private sock: TcpSocket<Buffer> | null = null;
  private decoder: ReplyDecoder;
  /** Every command not yet answered, in wire order: the first `inflight` were written. */
  private readonly pending = new PendingQueue();
  private inflight = 0;
  /** Commands queued and not yet written. */
  private outbox = new RequestBuilder();
  private writing = false;
  private flushScheduled = false;
  private reading = false;
  private connecting: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  constructor(options: RedisMultiplexedOptions = {}) {
    const max = options.maxReplySize ?? DEFAULT_MAX_REPLY_SIZE;
    if (!Number.isSafeInteger(max) || max <= 0) throw new RangeError(`bad maxReplySize: ${String(max)}`);
    const pending = options.maxPending ?? DEFAULT_MAX_PENDING;
    if (!Number.isSafeInteger(pending) || pending <= 0) throw new RangeError(`bad maxPending: ${String(pending)}`);
    this.maxPending = pending;
    this.returnBuffers = options.returnBuffers === true;
    this.maxReplySize = max;
    this.decoder = new ReplyDecoder(this.returnBuffers, max);
  }

  /** Connect, send and read timeouts at once (ms; 0 = the cosocket default), for every connection. */
  setTimeout(ms: number): void {
    this.setTimeouts(ms, ms, ms);
  }

  /**
   * Connect, send and read timeouts (ms; 0 = the cosocket default). The read timeout is the
   * command timeout: no reply byte for that long while commands are pending fails them all.
   */
  setTimeouts(connectMs: number, sendMs: number, readMs: number): void {
    // Validated by a throwaway socket so misuse throws here, not at the next reconnect.
    tcp().setTimeouts(connectMs, sendMs, readMs);
    this.timeouts[0] = connectMs;
    this.timeouts[1] = sendMs;
    this.timeouts[2] = readMs;
  }

  /**
   * Remembers the server and connects now (AUTH and SELECT as with `Redis`); after a failure
   * the next command reconnects to the same server by itself.
   */
  async connect(host: string, port?: number | string | RedisMultiplexedConnectOptions, options?: RedisMultiplexedConnectOptions): Promise<void> {
    const args = parseConnectArgs(host, port, options);
    if (this.state === 'closed') throw new CosocketError('closed');
    if (this.state !== 'down') throw new RedisClientError('already connected: a multiplexed client connects once (close() and create another)');
    this.target = args;
    await this.ensureConnected();
  }

  /** Commands queued or awaiting a reply. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Whether a connection is open now (false while reconnecting or after a failure). */
  get connected(): boolean {
    return this.state === 'up';
  }

  /** Any command by name, sent as written. */
  call(name: string, ...args: RedisArg[]): Promise<RedisReply> {
    return this.enqueue(name, name.toLowerCase(), args);
  }

  /** HMSET with an object or Map of fields, or flat field/value arguments. */
  hmset(key: RedisArg, fields: Record<string, RedisArg> | Map<RedisArg, RedisArg>): Promise<RedisReply>;
  hmset(key: RedisArg, ...fieldsAndValues: RedisArg[]): Promise<RedisReply>;
  hmset(key: RedisArg, ...rest: unknown[]): Promise<RedisReply> {
    return this.enqueue('hmset', 'hmset', hmsetArgs(key, rest));
  }

  /**
   * Stops taking commands, waits for the pending ones to settle, then closes the connection.
   * Commands after `close()` reject with `closed`.
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.target = null;
    if (this.pending.length > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.state = 'closed';
    this.epoch++;
    const sock = this.sock;
    this.sock = null;
    sock?.forceClose('closed');
  }

  private enqueue(name: string, lower: string, args: readonly unknown[]): Promise<RedisReply> {
    const why = refusal(lower, args);
    if (why !== null) throw new RedisClientError(`${lower} is not allowed on a multiplexed connection: ${why}`);
    const encoded = encodeCommand(name, args);
    if (this.target === null) return Promise.reject(new CosocketError('closed'));
    if (this.pending.length >= this.maxPending) {
      return Promise.reject(new CosocketError('too many pending commands', {
        message: `too many pending commands: ${this.maxPending} are queued or awaiting a reply (maxPending)`,
      }));
    }
    const p = new Promise<RedisReply>((resolve, reject) => this.pending.push({ resolve, reject }));
    this.outbox.add(encoded);
    if (this.state === 'up') this.scheduleFlush();
    else if (this.state === 'down') void this.ensureConnected().catch(() => undefined);
    return p;
  }

  /** Flushes after the current burst of callers queued their commands. */
  private scheduleFlush(): void {
    if (this.writing || this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.writing || this.state !== 'up' || this.outbox.count === 0) return;
    this.writing = true;
    DETACHED.runInAsyncScope(() => void this.writeLoop(this.epoch));
  };

  /** Sends the queued commands batch by batch, one send (one writev) per batch. */
  private async writeLoop(epoch: number): Promise<void> {
    const sock = this.sock!;
    try {
      while (this.outbox.count > 0 && epoch === this.epoch) {
        const batch = this.outbox;
        this.outbox = new RequestBuilder();
        this.inflight += batch.count;
        if (!this.reading) {
          this.reading = true;
          void this.readLoop(epoch, sock);
        }
        await sock.send(batch.finish());
      }
    } catch (error) {
      this.fail(epoch, error);
    } finally {
      if (epoch === this.epoch) this.writing = false;
    }
  }

  /** Reads while replies are owed and hands each to the oldest pending caller. */
  private async readLoop(epoch: number, sock: TcpSocket<Buffer>): Promise<void> {
    const d = this.decoder;
    const pending = this.pending;
    try {
      while (this.inflight > 0) {
        if (d.available === 0) {
          const chunk = await sock.receiveAny(READ_CHUNK);
          if (epoch !== this.epoch) return;
          d.feed(chunk);
        }
        while (d.available > 0 && this.inflight > 0) {
          const reply = d.shift();
          this.inflight--;
          const p = pending.shift();
          if (reply instanceof RedisReplyError) p.reject(reply);
          else p.resolve(reply);
        }
        if (d.available > 0) throw new RedisProtocolError('a reply arrived for no command');
      }
    } catch (error) {
      this.fail(epoch, error);
      return;
    }
    if (epoch !== this.epoch) return;
    this.reading = false;
    if (pending.length === 0) this.notifyDrained();
  }

  /** Opens a connection (once, however many callers ask), then flushes what queued meanwhile. */
  private ensureConnected(): Promise<void> {
    if (this.state === 'up') return Promise.resolve();
    if (this.connecting !== null) return this.connecting;
    const target = this.target;
    if (target === null) return Promise.reject(new CosocketError('closed'));
    this.state = 'connecting';
    const epoch = this.epoch;
    const attempt = DETACHED.runInAsyncScope(() => this.open(target, epoch));
    this.connecting = attempt.then(
      (sock) => {
        this.connecting = null;
        if (epoch !== this.epoch) {
          // close() or a failure came first: this connection has no users.
          sock.forceClose('closed');
          return;
        }
        this.state = 'up';
        this.scheduleFlush();
      },
      (error: unknown) => {
        this.connecting = null;
        this.fail(epoch, error);
        throw error;
      },
    );
    return this.connecting;
  }

  private async open(target: ConnectArgs, epoch: number): Promise<TcpSocket<Buffer>> {
    const sock = tcp();
    sock.setTimeouts(...this.timeouts);
    this.sock = sock;
    this.decoder = new ReplyDecoder(this.returnBuffers, this.maxReplySize);
    const o = target.options;
    // Its own pool name, never put back: acquire always opens a fresh connection for it.
    const options = { pool: `mux:${defaultPoolName(target)}` };
    if (target.port === undefined) await sock.connect(target.host, options);
    else await sock.connect(target.host, target.port, options);
    if (o.ssl) await sock.sslHandshake({ serverName: o.serverName, verify: o.sslVerify !== false, ca: o.ca });
    const request = new RequestBuilder();
    if (o.password) request.add(encodeCommand('AUTH', o.username ? [o.username, o.password] : [o.password]));
    if (o.database) request.add(encodeCommand('SELECT', [o.database]));
    if (request.count === 0 || epoch !== this.epoch) return sock;
    await sock.send(request.finish());
    const d = this.decoder;
    for (let i = 0; i < request.count; i++) {
      while (d.available === 0) d.feed(await sock.receiveAny(READ_CHUNK));
      const reply = d.shift();
      if (reply instanceof RedisReplyError) throw reply;
    }
    return sock;
  }

  /**
   * The connection is out of sync or gone: close it and reject every pending command (written
   * or not) with `error`. Only the first failure of a connection counts.
   */
  private fail(epoch: number, error: unknown): void {
    if (epoch !== this.epoch) return;
    this.epoch++;
    this.sock?.forceClose(error instanceof RedisProtocolError ? 'protocol error' : 'transport error');
    this.sock = null;
    this.inflight = 0;
    this.outbox = new RequestBuilder();
    this.writing = this.reading = this.flushScheduled = false;
    if (this.state !== 'closed') this.state = 'down';
    for (const p of this.pending.drain()) p.reject(error);
    this.notifyDrained();
  }

  private notifyDrained(): void {
    const drained = this.drained;
    if (drained === null) return;
    this.drained = null;
    drained();
  }

  static {
    installCommandMethods(RedisMultiplexed.prototype, (self, name, args) => self.enqueue(name, name, args));
  }
}
