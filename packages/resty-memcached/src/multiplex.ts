import { checkTlsOptions, CosocketError, DEFAULT_MAX_PENDING, Multiplexer, type SslHandshakeOptions, type TcpSocket } from 'cosocket';
import type { CasUnique, MemcachedValue } from './args.js';
import type { MemcachedOptions, ValueOf } from './client.js';
import { MemcachedError, MemcachedProtocolError } from './errors.js';
import * as cmd from './multiplex-commands.js';
import type { StorageCommand } from './protocol/encode.js';
import type { MemcachedCasEntry, MemcachedEntry } from './protocol/read-reply.js';
import { ReplyReader } from './protocol/reply-reader.js';

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
export interface MemcachedMultiplexedConnectOptions {
  /** TLS after connecting (memcached started with `-Z`). */
  ssl?: boolean;
  /** Verify the server certificate (default true). */
  sslVerify?: boolean;
  /** SNI name, also checked against the certificate. */
  serverName?: string;
  /** CA certificates to trust (default: cosocket's `sslTrustedCertificate`). */
  ca?: SslHandshakeOptions['ca'];
}

interface Target {
  host: string;
  port: number | undefined;
  options: MemcachedMultiplexedConnectOptions;
}

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
 * - a server error line rejects that caller only (`MemcachedError`);
 * - a transport failure, a read timeout or a protocol error rejects **every** pending command
 *   with that error and closes the connection (a late reply would desynchronise the stream);
 *   the next command reconnects;
 * - more than `maxPending` commands in flight: the extra one rejects with `CosocketError`
 *   code `too many pending commands`;
 * - `quit()` throws synchronously (use `close()`); bad arguments throw `TypeError` /
 *   `RangeError` synchronously, as with `Memcached`.
 */
export class MemcachedMultiplexed<B extends boolean = false> {
  private readonly codec: cmd.MuxCodec;
  private readonly mux: Multiplexer<ReplyReader>;
  private target: Target | null = null;

  constructor(options: MemcachedMultiplexedOptions<B> = {}) {
    this.codec = cmd.codecOf(options);
    this.mux = new Multiplexer<ReplyReader>(
      {
        open: (sock) => this.open(sock),
        // A server error line was read whole: the stream is still in sync.
        isCommandError: (error) => error instanceof MemcachedError,
        checkIdle: (reader) => {
          // memcached sends nothing unasked: leftover bytes mean the stream is out of sync.
          if (reader.pending > 0) throw new MemcachedProtocolError(`${reader.pending} unexpected bytes after the last reply`, 'multiplexed');
        },
        closeReason: (error) => (error instanceof MemcachedProtocolError ? 'protocol error' : 'transport error'),
      },
      { maxPending: options.maxPending },
    );
  }

  // ------------------------------------------------------------------ connection

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
   * Remembers the server (`host, port` or `'unix:/path'`, TLS options after them) and
   * connects now; after a failure the next command reconnects to the same server by itself.
   * May be called again while no connection is open (after a failed connect, say).
   */
  async connect(host: string, port?: number | MemcachedMultiplexedConnectOptions, options?: MemcachedMultiplexedConnectOptions): Promise<void> {
    const target = parseTarget(host, port, options);
    const status = this.mux.status;
    if (status === 'closed') throw new CosocketError('closed');
    if (status === 'connecting' || status === 'up') {
      throw new Error('already connected: a multiplexed client connects once (close() and create another)');
    }
    this.target = target;
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

  /**
   * Stops taking commands, waits for the pending ones to settle, then closes the connection.
   * Commands after `close()` reject with `closed`.
   */
  close(): Promise<void> {
    return this.mux.close();
  }

  // -------------------------------------------------------------------- commands

  /** Stores the value; true (STORED). */
  set(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('set', key, value, exptime, flags);
  }

  /** Stores only if the key is missing; false on NOT_STORED. */
  add(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('add', key, value, exptime, flags);
  }

  /** Stores only if the key exists; false on NOT_STORED. */
  replace(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('replace', key, value, exptime, flags);
  }

  /** Appends to an existing value; false on NOT_STORED. */
  append(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('append', key, value, exptime, flags);
  }

  /** Prepends to an existing value; false on NOT_STORED. */
  prepend(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('prepend', key, value, exptime, flags);
  }

  /** Stores only if the item is unchanged since `gets`; false on EXISTS or NOT_FOUND. */
  cas(key: string, value: MemcachedValue, cas: CasUnique, exptime?: number, flags?: number): Promise<boolean> {
    return this.enqueue(cmd.casCommand(this.codec, key, value, cas, exptime, flags)) as Promise<boolean>;
  }

  /** One key: `{ value, flags }` or null. Several keys (one request): a map without the misses. */
  get(key: string): Promise<MemcachedEntry<ValueOf<B>> | null>;
  get(keys: readonly string[]): Promise<Record<string, MemcachedEntry<ValueOf<B>>>>;
  get(keys: string | readonly string[]): Promise<unknown> {
    return this.retrieve('get', keys);
  }

  /** As `get`, with each entry's cas unique (a decimal string, exact unsigned 64-bit). */
  gets(key: string): Promise<MemcachedCasEntry<ValueOf<B>> | null>;
  gets(keys: readonly string[]): Promise<Record<string, MemcachedCasEntry<ValueOf<B>>>>;
  gets(keys: string | readonly string[]): Promise<unknown> {
    return this.retrieve('gets', keys);
  }

  /** Deletes the item; false on NOT_FOUND. */
  delete(key: string): Promise<boolean> {
    return this.enqueue(cmd.deleteCommand(this.codec, key)) as Promise<boolean>;
  }

  /** Sets a new expiration time; false on NOT_FOUND. */
  touch(key: string, exptime: number): Promise<boolean> {
    return this.enqueue(cmd.touchCommand(this.codec, key, exptime)) as Promise<boolean>;
  }

  /** Adds `delta` (unsigned 64-bit) to a decimal value; the new value, or null on NOT_FOUND. */
  incr(key: string, delta: number | bigint | string): Promise<number | null> {
    return this.enqueue(cmd.arithmeticCommand(this.codec, 'incr', key, delta)) as Promise<number | null>;
  }

  /** Subtracts `delta`, stopping at 0; the new value, or null on NOT_FOUND. */
  decr(key: string, delta: number | bigint | string): Promise<number | null> {
    return this.enqueue(cmd.arithmeticCommand(this.codec, 'decr', key, delta)) as Promise<number | null>;
  }

  /** Invalidates every item, now or after `delay` seconds; true. */
  flushAll(delay?: number): Promise<boolean> {
    return this.enqueue(cmd.flushAllCommand(this.codec, delay)) as Promise<boolean>;
  }

  /** `stats [arg]` as name/value pairs. */
  stats(arg?: string): Promise<Record<string, string>> {
    return this.enqueue(cmd.statsCommand(this.codec, arg)) as Promise<Record<string, string>>;
  }

  /** The server version, e.g. `1.6.18`. */
  version(): Promise<string> {
    return this.enqueue(cmd.versionCommand(this.codec)) as Promise<string>;
  }

  /** Sets the server's logging verbosity; true. */
  verbosity(level: number): Promise<boolean> {
    return this.enqueue(cmd.verbosityCommand(this.codec, level)) as Promise<boolean>;
  }

  /** Refused: QUIT would close the connection under every other caller. Throws; use `close()`. */
  quit(): never {
    throw new Error('quit is not allowed on a multiplexed connection: it would end every caller\'s commands (use close())');
  }

  // ------------------------------------------------------------------ machinery

  private store(command: StorageCommand, key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.enqueue(cmd.storeCommand(this.codec, command, key, value, exptime, flags)) as Promise<boolean>;
  }

  private retrieve(command: 'get' | 'gets', keys: string | readonly string[]): Promise<unknown> {
    const queued = cmd.retrieveCommand(this.codec, command, keys);
    return queued === null ? Promise.resolve({}) : this.enqueue(queued);
  }

  private enqueue(command: cmd.MuxCommand): Promise<unknown> {
    return this.mux.enqueue(command.request, command.read);
  }

  private async open(sock: TcpSocket<Buffer>): Promise<ReplyReader> {
    const target = this.target!;
    // The multiplexer's socket is outside every pool: a fresh connection, never put back.
    if (target.port === undefined) await sock.connect(target.host);
    else await sock.connect(target.host, target.port);
    const o = target.options;
    if (o.ssl) await sock.sslHandshake({ serverName: o.serverName, verify: o.sslVerify !== false, ca: o.ca });
    return new ReplyReader(sock);
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
