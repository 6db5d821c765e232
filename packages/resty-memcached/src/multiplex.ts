import {
  checkTlsOptions,
  CosocketError,
  DEFAULT_MAX_PENDING,
  keepsConnection,
  locateError,
  MultiplexedClient,
  startTls,
  type ClientTlsOptions,
  type SendData,
  type TcpSocket,
} from 'cosocket';
import { addressOf } from './args.js';
import { codecOf, type Codec, type MemcachedOptions } from './commands/codec.js';
import { installCommands, runCommand } from './commands/install.js';
import type { MemcachedCommands } from './commands/methods.js';
import type { Build, Exchange } from './commands/table.js';
import { MemcachedClientError, MemcachedProtocolError } from './errors.js';

export { DEFAULT_MAX_PENDING };

/** Options of `new MemcachedMultiplexed(...)`. */
export interface MemcachedMultiplexedOptions<B extends boolean = boolean> extends MemcachedOptions<B> {
  /**
   * The most commands queued or awaiting a reply at once (default 10,000). One more fails at
   * once with `CosocketError` code `too many pending commands`, without being sent.
   */
  maxPending?: number;
}

/**
 * `connect` options of a multiplexed client. TLS is part of connecting here (not a separate
 * `sslHandshake` call) because the client reconnects by itself after a failure.
 */
export interface MemcachedMultiplexedConnectOptions extends ClientTlsOptions {
  /** TLS after connecting (memcached started with `-Z`). */
  ssl?: boolean;
}

interface Target {
  host: string;
  port: number | undefined;
  options: MemcachedMultiplexedConnectOptions;
}

/** The commands, installed from the command table (`MemcachedCommands` types them). */
export interface MemcachedMultiplexed<B extends boolean = false> extends MemcachedCommands<B> {}

/**
 * One memcached connection shared by any number of concurrent callers (OpenResty's answer for
 * a cosocket shared by many coroutines: one writer and one reader own the socket). Never
 * pooled. Same commands and results as `Memcached`.
 *
 * Every command is queued; a writer sends everything queued as one batch (one writev), and a
 * reader reads the replies in order, each with the reply shape its command expects, and
 * settles the callers front to back. Concurrent callers therefore pipeline automatically.
 *
 * Rules:
 * - a server error line rejects that caller only (`MemcachedServerError`);
 * - a transport failure, a read timeout or a protocol error rejects **every** pending command
 *   with that error and closes the connection (a late reply would desynchronise the stream);
 *   the next command reconnects;
 * - more than `maxPending` commands in flight: the extra one rejects with `CosocketError`
 *   code `too many pending commands`;
 * - `quit()` rejects with `MemcachedClientError` (use `close()`); bad arguments reject with
 *   `TypeError` / `RangeError` before anything is queued (every method reports by rejecting).
 */
export class MemcachedMultiplexed<B extends boolean = false> extends MultiplexedClient<TcpSocket<Buffer>, SendData> {
  private readonly codec: Codec;
  private target: Target | null = null;

  constructor(options: MemcachedMultiplexedOptions<B> = {}) {
    super();
    this.codec = codecOf(options);
    // Replies are read straight from the socket's buffer. Every error of a command passes
    // through isCommandError or closeReason before it reaches a caller: there it gets the
    // server's address (the reply readers already named the command).
    this.multiplex(
      {
        open: (sock) => this.open(sock),
        isCommandError: (error) => keepsConnection(locateError(error, this.address, undefined)),
        checkIdle: (sock) => {
          // memcached sends nothing unasked: leftover bytes mean the stream is out of sync.
          const left = sock.peek().length;
          if (left > 0) throw new MemcachedProtocolError('unexpected bytes', `${left} unexpected bytes after the last reply`, 'multiplexed');
        },
        closeReason: (error) => {
          locateError(error, this.address, undefined);
          if (error instanceof CosocketError && error.code === 'timeout') return 'after a read timeout';
          return error instanceof MemcachedProtocolError ? 'after a protocol error' : 'after a transport error';
        },
      },
      { maxPending: options.maxPending },
    );
  }

  // ------------------------------------------------------------------ connection

  /**
   * Remembers the server (`host, port` or `'unix:/path'`, TLS options after them) and
   * connects now; after a failure the next command reconnects to the same server by itself.
   * May be called again while no connection is open (after a failed connect, say).
   */
  async connect(host: string, port?: number | MemcachedMultiplexedConnectOptions, options?: MemcachedMultiplexedConnectOptions): Promise<void> {
    const target = parseTarget(host, port, options);
    await this.startOnce(
      addressOf(host, target.port),
      (message) => new MemcachedClientError('already connected', message),
      () => (this.target = target),
    );
  }

  // -------------------------------------------------------------------- commands

  /** Refused: QUIT would close the connection under every other caller. Rejects; use `close()`. */
  quit(): Promise<never> {
    return Promise.reject(
      new MemcachedClientError(
        'quit not allowed',
        "quit is not allowed on a multiplexed connection: it would end every caller's commands (use close())",
        {
          address: this.address,
          command: 'quit',
        },
      ),
    );
  }

  // ------------------------------------------------------------------ machinery

  /** A table command, queued on the shared connection; no keys resolve `{}` without I/O. */
  private run(fn: Build, args: unknown[]): Promise<unknown> {
    return runCommand(this.codec, fn, args, (exchange) => this.send(exchange));
  }

  /** @internal A built exchange, queued on the shared connection (also the client layer's way in, src/client/). */
  send(exchange: Exchange): Promise<unknown> {
    const status = this.mux.status;
    if (status === 'idle' || status === 'closed') {
      const message = status === 'idle' ? 'not connected: call connect() first' : 'closed (close() was called)';
      return Promise.reject(new CosocketError('closed', { message, address: this.address, command: exchange.command }));
    }
    return this.mux.enqueue(exchange.request, exchange.read);
  }

  private async open(sock: TcpSocket<Buffer>): Promise<TcpSocket<Buffer>> {
    const target = this.target!;
    // The multiplexer's socket is outside every pool: a fresh connection, never put back.
    await sock.connect(target.host, target.port);
    await startTls(sock, target.options);
    return sock;
  }

  static {
    installCommands(MemcachedMultiplexed.prototype, 'run', (self, fn, args) => self.run(fn, args));
  }
}

function parseTarget(host: string, port?: number | MemcachedMultiplexedConnectOptions, options?: MemcachedMultiplexedConnectOptions): Target {
  if (typeof host !== 'string' || host === '') throw new TypeError('bad host');
  if (typeof port === 'object' && port !== null) {
    options = port;
    port = undefined;
  }
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535)) {
    throw new TypeError(`bad port: ${String(port)}`);
  }
  const unix = host.startsWith('unix:');
  if (port === undefined && !unix) throw new TypeError('bad port: a port is required unless host is unix:/path');
  if (port !== undefined && unix) throw new TypeError('bad port: a unix:/path host takes no port');
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw new TypeError('bad options: object expected');
  checkTlsOptions(o);
  return { host, port, options: { ssl: o.ssl === true, sslVerify: o.sslVerify, serverName: o.serverName, ca: o.ca } };
}
