import { CosocketError, DEFAULT_MAX_PENDING, keepsConnection, MultiplexedClient, startTls, type MultiplexProtocol, type TcpSocket } from 'cosocket';
import type { RedisCommands } from './commands.generated.js';
import { installCommandMethods, type RedisCallMethods } from './command-methods.js';
import { addressOf, handshakeRequest, parseConnectArgs, type ConnectArgs } from './connect-options.js';
import { DEFAULT_MAX_REPLY_SIZE, ReplyDecoder } from './decoder.js';
import { encodeCommand, RequestBuilder, type Encoded } from './encoder.js';
import { closeReason, CONNECT, locateCommand, locateReply, RedisClientError, RedisProtocolError } from './errors.js';
import { refusal } from './multiplex-rules.js';
import type { RedisConnectOptions, RedisOptions, RedisReply } from './types.js';

export { DEFAULT_MAX_PENDING };

/** One connection's reply stream: the socket, the decoder its bytes go through, its address. */
export interface Connection {
  sock: TcpSocket<Buffer>;
  decoder: ReplyDecoder;
  address: string;
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

export interface RedisMultiplexed extends RedisCommands, RedisCallMethods {}

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
 *   with that one error and closes the connection (a late reply would desynchronise the
 *   stream); the error names the command whose reply was being read (`send` when the batched
 *   write failed, `connect` when the connect did); the next command reconnects;
 * - more than `maxPending` commands in flight: the extra one rejects with `CosocketError`
 *   code `too many pending commands`;
 * - commands that change shared session state or block (SELECT, MULTI/EXEC/WATCH, AUTH,
 *   (P|S)SUBSCRIBE, MONITOR, BLPOP and friends, WAIT, CLIENT SETNAME/TRACKING/REPLY, ...)
 *   reject with `RedisClientError`, nothing sent: use a pooled `Redis` for them;
 * - bad arguments reject with a `TypeError`, as with `Redis`. No command method throws.
 */
export class RedisMultiplexed extends MultiplexedClient<Connection, Encoded> {
  private target: ConnectArgs | null = null;

  constructor(options: RedisMultiplexedOptions = {}) {
    super();
    const maxReplySize = options.maxReplySize ?? DEFAULT_MAX_REPLY_SIZE;
    if (!Number.isSafeInteger(maxReplySize) || maxReplySize <= 0) throw new RangeError(`bad maxReplySize: ${String(maxReplySize)}`);
    const returnBuffers = options.returnBuffers === true;
    const protocol: MultiplexProtocol<Connection, Encoded> = {
      open: (sock) =>
        this.open(sock, new ReplyDecoder(returnBuffers, maxReplySize)).catch((error: unknown) => {
          throw locateCommand(error, this.address, CONNECT);
        }),
      newBatch: () => new RequestBuilder(),
      isCommandError: keepsConnection,
      checkIdle: (conn) => {
        if (conn.decoder.hasUnread) throw new RedisProtocolError('a reply arrived for no command', { address: conn.address });
      },
      closeReason,
    };
    this.multiplex(protocol, { maxPending: options.maxPending });
  }

  /**
   * Remembers the server and connects now (AUTH and SELECT as with `Redis`); after a failure
   * the next command reconnects to the same server by itself. May be called again while no
   * connection is open (after a failed connect, say), to retry or to change the server.
   */
  async connect(host: string, port?: number | string | RedisMultiplexedConnectOptions, options?: RedisMultiplexedConnectOptions): Promise<void> {
    const args = parseConnectArgs(host, port, options);
    await this.startOnce(
      addressOf(args),
      (message) => new RedisClientError(message),
      () => (this.target = args),
    );
  }

  /**
   * Stops taking commands, waits for the pending ones to settle, then closes the connection.
   * Commands after `close()` reject with `closed`. Resolves when there is nothing to close
   * (never connected, closed already).
   */
  override close(): Promise<void> {
    this.target = null;
    return super.close();
  }

  /** Queues one command. Never throws: a refused command rejects, and so does every failure. */
  private enqueue(name: string, lower: string, args: readonly unknown[]): Promise<RedisReply> {
    let encoded: Encoded;
    try {
      const why = refusal(lower, args);
      if (why !== null) throw new RedisClientError(`${lower} is not allowed on a multiplexed connection: ${why}`);
      encoded = encodeCommand(name, args);
      if (this.mux.status === 'idle') throw new CosocketError('closed', { message: 'not connected: call connect() first' });
    } catch (error) {
      return Promise.reject(locateCommand(error, this.address, name));
    }
    const before = this.mux.pendingCount;
    const reply = this.mux.enqueue(encoded, (conn) => readReply(conn, name));
    // The multiplexer either queues the command or rejects it at once (closed, too many
    // pending): only then does the rejection need the command named, so success pays no hop.
    if (this.mux.pendingCount > before) return reply;
    return reply.catch((error: unknown) => {
      throw locateCommand(error, this.address, name);
    });
  }

  /** Connects, then TLS, AUTH and SELECT as the connect options ask. */
  private async open(sock: TcpSocket<Buffer>, decoder: ReplyDecoder): Promise<Connection> {
    const target = this.target;
    if (target === null) throw new CosocketError('closed');
    const o = target.options;
    const address = addressOf(target);
    // The multiplexer's socket is outside every pool: a fresh connection, never put back.
    await sock.connect(target.host, target.port);
    await startTls(sock, o);
    const conn = { sock, decoder, address };
    const request = handshakeRequest(o);
    if (request.count === 0) return conn;
    await sock.send(request.finish());
    for (let i = 0; i < request.count; i++) await readReply(conn, CONNECT);
    return conn;
  }

  static {
    installCommandMethods(RedisMultiplexed.prototype, (self, name, lower, args) => self.enqueue(name, lower, args));
  }
}

/**
 * The next reply to command `name`; an error reply throws (that caller's `RedisReplyError`).
 * Every error names the command: a failure of the connection while this reply was awaited is
 * the error every pending command gets.
 */
export function readReply(conn: Connection, name: string): RedisReply | Promise<RedisReply> {
  const d = conn.decoder;
  if (d.available === 0) return readReplySlow(conn, name);
  const reply = d.shift();
  if (typeof reply !== 'object' || reply === null) return reply;
  locateReply(reply, conn.address, name);
  if (keepsConnection(reply)) throw reply;
  return reply;
}

async function readReplySlow(conn: Connection, name: string): Promise<RedisReply> {
  const d = conn.decoder;
  try {
    while (d.available === 0) d.feed(await conn.sock.receiveBuffered());
  } catch (error) {
    throw locateCommand(error, conn.address, name);
  }
  return readReply(conn, name);
}
