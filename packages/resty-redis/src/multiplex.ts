import { CosocketError, DEFAULT_MAX_PENDING, Multiplexer, type MultiplexProtocol, type TcpSocket } from 'cosocket';
import type { RedisCommands } from './commands.generated.js';
import { installCommandMethods } from './command-methods.js';
import { hmsetArgs } from './hash.js';
import { parseConnectArgs, type ConnectArgs } from './connect-options.js';
import { DEFAULT_MAX_REPLY_SIZE, ReplyDecoder } from './decoder.js';
import { encodeCommand, RequestBuilder, type Encoded } from './encoder.js';
import { RedisClientError, RedisProtocolError, RedisReplyError } from './errors.js';
import { refusal } from './multiplex-rules.js';
import type { RedisArg, RedisConnectOptions, RedisOptions, RedisReply } from './types.js';

export { DEFAULT_MAX_PENDING };

/** The most bytes taken from the socket per read: whole network chunks in practice. */
const READ_CHUNK = 1 << 20;

/** One connection's reply stream: the socket and the decoder its bytes go through. */
interface Connection {
  sock: TcpSocket<Buffer>;
  decoder: ReplyDecoder;
}

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
  private readonly mux: Multiplexer<Connection, Encoded>;
  private target: ConnectArgs | null = null;

  constructor(options: RedisMultiplexedOptions = {}) {
    const maxReplySize = options.maxReplySize ?? DEFAULT_MAX_REPLY_SIZE;
    if (!Number.isSafeInteger(maxReplySize) || maxReplySize <= 0) throw new RangeError(`bad maxReplySize: ${String(maxReplySize)}`);
    const returnBuffers = options.returnBuffers === true;
    const protocol: MultiplexProtocol<Connection, Encoded> = {
      open: (sock) => this.open(sock, new ReplyDecoder(returnBuffers, maxReplySize)),
      newBatch: () => new RequestBuilder(),
      isCommandError: (error) => error instanceof RedisReplyError,
      checkIdle: (conn) => {
        if (conn.decoder.hasUnread) throw new RedisProtocolError('a reply arrived for no command');
      },
      closeReason: (error) => (error instanceof RedisProtocolError ? 'protocol error' : 'transport error'),
    };
    this.mux = new Multiplexer(protocol, { maxPending: options.maxPending });
  }

  /** Connect, send and read timeouts at once (ms; 0 = the cosocket default), for every connection. */
  setTimeout(ms: number): void {
    this.mux.setTimeouts(ms, ms, ms);
  }

  /**
   * Connect, send and read timeouts (ms; 0 = the cosocket default). The read timeout is the
   * command timeout: no reply byte for that long while commands are pending fails them all.
   */
  setTimeouts(connectMs: number, sendMs: number, readMs: number): void {
    this.mux.setTimeouts(connectMs, sendMs, readMs);
  }

  /**
   * Remembers the server and connects now (AUTH and SELECT as with `Redis`); after a failure
   * the next command reconnects to the same server by itself. May be called again while no
   * connection is open (after a failed connect, say), to retry or to change the server.
   */
  async connect(host: string, port?: number | string | RedisMultiplexedConnectOptions, options?: RedisMultiplexedConnectOptions): Promise<void> {
    const args = parseConnectArgs(host, port, options);
    const status = this.mux.status;
    if (status === 'closed') throw new CosocketError('closed');
    if (status === 'connecting' || status === 'up') {
      throw new RedisClientError('already connected: a multiplexed client connects once (close() and create another)');
    }
    this.target = args;
    await this.mux.start();
  }

  /** Commands queued or awaiting a reply. */
  get pendingCount(): number {
    return this.mux.pendingCount;
  }

  /** Whether a connection is open now (false while reconnecting or after a failure). */
  get connected(): boolean {
    return this.mux.connected;
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
  close(): Promise<void> {
    this.target = null;
    return this.mux.close();
  }

  private enqueue(name: string, lower: string, args: readonly unknown[]): Promise<RedisReply> {
    const why = refusal(lower, args);
    if (why !== null) throw new RedisClientError(`${lower} is not allowed on a multiplexed connection: ${why}`);
    return this.mux.enqueue(encodeCommand(name, args), readReply);
  }

  /** Connects, then TLS, AUTH and SELECT as the connect options ask. */
  private async open(sock: TcpSocket<Buffer>, decoder: ReplyDecoder): Promise<Connection> {
    const target = this.target;
    if (target === null) throw new CosocketError('closed');
    const o = target.options;
    // The multiplexer's socket is outside every pool: a fresh connection, never put back.
    if (target.port === undefined) await sock.connect(target.host);
    else await sock.connect(target.host, target.port);
    if (o.ssl) await sock.sslHandshake({ serverName: o.serverName, verify: o.sslVerify !== false, ca: o.ca });
    const conn = { sock, decoder };
    const request = new RequestBuilder();
    if (o.password) request.add(encodeCommand('AUTH', o.username ? [o.username, o.password] : [o.password]));
    if (o.database) request.add(encodeCommand('SELECT', [o.database]));
    if (request.count === 0) return conn;
    await sock.send(request.finish());
    for (let i = 0; i < request.count; i++) await readReply(conn);
    return conn;
  }

  static {
    installCommandMethods(RedisMultiplexed.prototype, (self, name, args) => self.enqueue(name, name, args));
  }
}

/** The next reply; an error reply throws (that caller's `RedisReplyError`). */
function readReply(conn: Connection): RedisReply | Promise<RedisReply> {
  const d = conn.decoder;
  if (d.available === 0) return readReplySlow(conn);
  const reply = d.shift();
  if (reply instanceof RedisReplyError) throw reply;
  return reply;
}

async function readReplySlow(conn: Connection): Promise<RedisReply> {
  const d = conn.decoder;
  while (d.available === 0) d.feed(await conn.sock.receiveAny(READ_CHUNK));
  return readReply(conn);
}
