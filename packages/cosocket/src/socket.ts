import type { TLSSocket } from 'node:tls';
import {
  checkPoolSize,
  parseConnectArgs,
  parseMax,
  parseReceivePattern,
  parseUntilPattern,
  parseUntilSize,
  toTimeout,
  type ConnectOptions,
} from './args.js';
import { checkTimeout, config, logError } from './config.js';
import { handshake, openStream, SslSession, type Target } from './connector.js';
import { currentContext, registerSocket, unregisterSocket, type RequestContext, type ScopedSocket } from './context.js';
import { CosocketError, locateError } from './errors.js';
import { acquireLease, notPoolable, unpooledLease, type Lease } from './lease.js';
import { stripCR } from './reader.js';
import { serializeSendData, type SendData } from './send-data.js';
import { Transport } from './transport.js';
import { DONE, UntilMatcher } from './until.js';
import { writePieces } from './writer.js';

/** Options of `tcp()`. */
export interface TcpOptions {
  /** Decode received bytes as strings in this encoding; Buffers when omitted. */
  encoding?: BufferEncoding;
}

/** Options of `sslHandshake()`. */
export interface SslHandshakeOptions {
  /** SNI name; also checked against the certificate when verifying. */
  serverName?: string;
  /** Verify the certificate chain (default true). */
  verify?: boolean;
  /** A session from an earlier handshake, to resume. */
  session?: SslSession;
  /** CA certificates to trust for this handshake (default: configure's sslTrustedCertificate). */
  ca?: string | Buffer | (string | Buffer)[];
}

/** The iterator returned by `receiveUntil`: a chunk, or null once the pattern was found. */
export type UntilReader<T> = (size?: number) => Promise<T | null>;

const EMPTY = Buffer.alloc(0);
/** `closedWhy` of a socket that was never connected. */
const NOT_CONNECTED = 'not connected';
/** `closedWhy` after `setKeepalive` handed the connection to the pool. */
const IN_POOL = 'the connection went back to the pool with setKeepalive';

function addressOf(target: Target): string {
  return 'path' in target ? `unix:${target.path}` : `${target.host}:${target.port}`;
}

/** Sockets made by `unpooledTcp`: their connections stay outside every pool. */
const unpooledSockets = new WeakSet<object>();

/**
 * A socket whose connections never enter pool bookkeeping (they show under no name in
 * `poolStats()`, pool options of `connect` other than the name are ignored, `setKeepalive`
 * refuses with `not poolable`): for the multiplexer, which owns its connection for good.
 * Internal: not exported by the package.
 */
export function unpooledTcp(): TcpSocket<Buffer> {
  const sock = new TcpSocket<Buffer>();
  unpooledSockets.add(sock);
  return sock;
}

/** The connection behind a socket, for ConnectionSlot (set in TcpSocket's static block). */
export let connectionOf: (sock: TcpSocket<Buffer | string>) => Transport | null;

/** Creates an unconnected cosocket (`ngx.socket.tcp()`). */
export function tcp(options?: { encoding?: undefined }): TcpSocket<Buffer>;
export function tcp(options: { encoding: BufferEncoding }): TcpSocket<string>;
export function tcp(options: TcpOptions = {}): TcpSocket<Buffer | string> {
  return new TcpSocket(options.encoding);
}

/**
 * A coroutine-style TCP socket: pull-based reads, per-phase timeouts, one reader and one writer
 * at a time, and a keepalive pool behind `setKeepalive`. Behaviour follows lua-nginx-module's
 * tcpsock (cosocket.md); failures throw CosocketError with OpenResty's error string as `code`.
 *
 * One class on purpose, though long: every operation checks and changes the same private state
 * (connecting/reading/writing, the half-closed sides, the owning context, the lease, the
 * matcher whose withheld bytes go back), which is OpenResty's one tcpsock object. The pieces
 * without that state live beside it (reader, until, transport, writer, connector, lease).
 */
export class TcpSocket<T extends Buffer | string = Buffer> implements ScopedSocket {
  private transport: Transport | null = null;
  private readClosed = false;
  private writeClosed = false;
  private connecting = false;
  private reading = false;
  private writing = false;
  private connectMs = 0;
  private sendMs = 0;
  private readMs = 0;
  /** The connection's place in its pool; kept (spent) after close, for `describe()`. */
  private lease: Lease | null = null;
  /** The context that connected this object; `undefined` = unbound. Never cleared (PR #2151). */
  private owner: RequestContext | undefined;
  /** The receiveUntil matcher that read last, whose withheld bytes go back on the next read. */
  private lastMatcher: UntilMatcher | null = null;
  private session: SslSession | undefined;
  /** `host:port` or `unix:/path` of the last connect; names the peer in every error. */
  private address: string | undefined;
  /**
   * Why the connection is gone, for the message of a later operation's `closed`: never
   * connected, given to the pool, or the reason of a `forceClose` (`after a read timeout`, ...).
   */
  private closedWhy: string | null = NOT_CONNECTED;

  static {
    connectionOf = (sock) => sock.transport;
  }

  constructor(private readonly encoding?: BufferEncoding) {}

  /** The pool name, for log lines. */
  private get poolKey(): string {
    return this.lease?.pool ?? '';
  }

  /** Sets the connect, send and read timeouts at once (ms; 0 = the configured default). */
  setTimeout(ms: number): void {
    const value = toTimeout(ms);
    this.connectMs = this.sendMs = this.readMs = value;
  }

  /** Sets the connect, send and read timeouts apart (ms; 0 = the configured default). */
  setTimeouts(connectMs: number, sendMs: number, readMs: number): void {
    const c = toTimeout(connectMs);
    const s = toTimeout(sendMs);
    const r = toTimeout(readMs);
    this.connectMs = c;
    this.sendMs = s;
    this.readMs = r;
  }

  /**
   * `connect(host, port, opts?)` or `connect('unix:/path', opts?)`: takes a connection from the
   * pool when one is idle, else opens one (host names go through `dns.lookup`).
   */
  async connect(host: string, port?: number | string | ConnectOptions, options?: ConnectOptions): Promise<void> {
    try {
      await this.open(host, port, options);
    } catch (error) {
      throw locateError(error, this.address, 'connect');
    }
  }

  private async open(host: string, port: number | string | ConnectOptions | undefined, options: ConnectOptions | undefined): Promise<void> {
    const { target, key, options: opts } = parseConnectArgs(host, port, options);
    this.address = addressOf(target);
    const here = currentContext();
    if (this.owner !== undefined && this.owner !== here) throw new CosocketError('bad request');
    this.checkBusy(true, true);
    if (this.transport !== null) this.finalize('reconnect');
    this.readClosed = this.writeClosed = false;
    this.lastMatcher = null;
    this.session = undefined;
    const timeout = this.connectMs || config.connectTimeout;
    this.connecting = true;
    try {
      let lease = unpooledSockets.has(this) ? unpooledLease(key) : acquireLease(key, opts.poolSize, opts.backlog, timeout);
      if (lease instanceof Promise) lease = await lease;
      const pooled = lease.transport;
      if (pooled !== null) {
        this.adopt(pooled, lease);
        return;
      }
      let stream;
      try {
        stream = await openStream(target, timeout);
      } catch (error) {
        lease.release('connect failed');
        logError(`cosocket connect to ${key} failed: ${(error as Error).message}`, error);
        throw error;
      }
      const transport = new Transport(stream);
      lease.opened(transport);
      this.adopt(transport, lease);
    } finally {
      this.connecting = false;
    }
  }

  private adopt(transport: Transport, lease: Lease): void {
    this.transport = transport;
    this.closedWhy = null;
    this.lease = lease;
    this.owner = registerSocket(this);
  }

  /**
   * Starts TLS on the connected socket; resolves a session a later handshake can resume.
   * Verifies the certificate unless `verify: false`.
   */
  async sslHandshake(options: SslHandshakeOptions = {}): Promise<SslSession> {
    try {
      return await this.handshake(options);
    } catch (error) {
      throw locateError(error, this.address, 'sslhandshake');
    }
  }

  private async handshake(options: SslHandshakeOptions): Promise<SslSession> {
    const t = this.transport;
    if (t === null || this.readClosed || this.writeClosed) throw this.closedError();
    this.checkOwner();
    this.checkBusy(true, true);
    if (t.tls) return options.session ?? this.session ?? new SslSession();
    this.connecting = true;
    try {
      t.unlisten();
      const { stream, session } = await handshake(
        t.stream,
        { serverName: options.serverName, verify: options.verify ?? true, session: options.session, ca: options.ca ?? config.sslTrustedCertificate },
        this.connectMs || config.connectTimeout,
      );
      t.replaceStream(stream);
      t.tls = true;
      this.session = session;
      return session;
    } catch (error) {
      this.finalize('ssl handshake failed');
      throw error;
    } finally {
      this.connecting = false;
    }
  }

  /** Whether the TLS session of this connection was resumed from an earlier one. */
  isSessionReused(): boolean {
    const stream = this.transport?.stream as TLSSocket | undefined;
    return this.transport?.tls === true && stream !== undefined && stream.isSessionReused();
  }

  /** Sends data in one write; resolves the byte count once it is all handed to the kernel. */
  async send(data: SendData): Promise<number> {
    if (this.connecting) throw this.located(new CosocketError('socket busy connecting'), 'send');
    const t = this.transport;
    if (t === null || this.writeClosed) {
      logError('attempt to send data on a closed socket');
      throw this.located(this.closedError(), 'send');
    }
    this.checkOwner('send');
    if (this.writing) throw this.located(new CosocketError('socket busy writing'), 'send');
    const { pieces, bytes } = serializeSendData(data);
    if (bytes === 0) return 0;
    if (t.destroyed) {
      this.writeClosed = true;
      throw this.located(new CosocketError(t.failure?.code ?? 'closed'), 'send');
    }
    this.writing = true;
    try {
      const queued = writePieces(t.stream, pieces, this.sendMs || config.sendTimeout);
      // null: the kernel took it all. Like OpenResty's send, return without an await, so the
      // write side is not held busy while the caller resumes (another thread may send).
      if (queued !== null) await queued;
      return bytes;
    } catch (error) {
      // Any send failure, timeout included, closes the write half only (cosocket.md §2.3).
      this.writeClosed = true;
      logError(`cosocket send to ${this.address} failed: ${(error as CosocketError).code}`, error);
      throw locateError(error, this.address, 'send');
    } finally {
      this.writing = false;
    }
  }

  /** `receive()` or `receive('*l')` one line; `receive('*a')` everything until EOF; `receive(n)` exactly n bytes. */
  async receive(pattern?: number | string): Promise<T> {
    const t = this.startRead('receive');
    const mode = parseReceivePattern(pattern);
    if (mode.kind === 'bytes' && mode.n === 0) return this.out(EMPTY);
    this.beginRead(t, null);
    const reader = t.reader;
    try {
      switch (mode.kind) {
        case 'bytes':
          while (reader.length < mode.n) await this.fill(t, () => reader.takeAll(), 'receive');
          return this.out(reader.take(mode.n));
        case 'line':
          for (;;) {
            const line = reader.takeLine();
            if (line !== null) return this.out(line);
            await this.fill(t, () => stripCR(reader.takeAll()), 'receive');
          }
        case 'all':
          // EOF ends `*a` successfully, and stays sticky: a later `*a` returns '' again.
          while (!t.eof) await this.fill(t, () => reader.takeAll(), 'receive');
          return this.out(reader.takeAll());
      }
    } finally {
      this.endRead(t);
    }
  }

  /** Whatever is available, 1..max bytes; waits only when nothing is buffered. */
  async receiveAny(max: number): Promise<T> {
    const t = this.startRead('receiveany');
    const limit = parseMax(max);
    this.beginRead(t, null);
    try {
      while (t.reader.length === 0) await this.fill(t, () => EMPTY, 'receiveany');
      // One receiveany hands back at most one lua_socket_buffer_size worth (§4.7).
      return this.out(t.reader.take(Math.min(limit, config.bufferSize, t.reader.length)));
    } finally {
      this.endRead(t);
    }
  }

  /**
   * Beyond OpenResty: the bytes of the first buffered network read, however many (zero-copy),
   * waiting only when nothing is buffered. `receiveAny` without its `bufferSize` cap, for a
   * push parser that takes any amount (resty-redis feeds redis-parser with it).
   */
  async receiveBuffered(): Promise<T> {
    const t = this.startRead('receive');
    this.beginRead(t, null);
    try {
      while (t.reader.length === 0) await this.fill(t, () => EMPTY, 'receive');
      return this.out(t.reader.take(t.reader.front().length));
    } finally {
      this.endRead(t);
    }
  }

  // ------------------------------------------------------------------ pull reads
  // Beyond OpenResty: a protocol reader takes what is already buffered without an await per
  // piece, and awaits only when it needs more (`receiveMore`). Same buffer, same busy rules
  // as `receive`; each call is a whole read operation.

  /**
   * Everything buffered, as one Buffer, without consuming it (a zero-copy view when it arrived
   * in one chunk). Consume what was parsed with `skip(n)`.
   */
  peek(): Buffer {
    const t = this.syncRead('peek');
    const bytes = t.reader.contiguous();
    t.endRead();
    return bytes;
  }

  /** Consumes `n` buffered bytes (at most what `peek()` returned). */
  skip(n: number): void {
    const t = this.syncRead('skip');
    if (!Number.isInteger(n) || n < 0 || n > t.reader.length) {
      t.endRead();
      throw new RangeError(`bad skip count: ${n} (${t.reader.length} bytes buffered)`);
    }
    t.reader.skip(n);
    t.endRead();
  }

  /** The next line if one is buffered (the rules of `receive()`), else null. Never waits. */
  tryLine(): T | null {
    const t = this.syncRead('tryLine');
    const line = t.reader.takeLine();
    t.endRead();
    return line === null ? null : this.out(line);
  }

  /** Exactly `n` bytes if they are buffered, else null. Never waits. */
  tryBytes(n: number): T | null {
    const t = this.syncRead('tryBytes');
    const ready = t.reader.length >= n ? t.reader.take(n) : null;
    t.endRead();
    return ready === null ? null : this.out(ready);
  }

  /**
   * Waits until more bytes than now are buffered (read timeout as for `receive`), consuming
   * nothing; resolves the number of bytes buffered. EOF or a stream error throws like
   * `receive` (the read half is closed), with the buffered bytes as `partial`.
   */
  async receiveMore(): Promise<number> {
    const t = this.startRead('receive');
    this.beginRead(t, null);
    try {
      const before = t.reader.length;
      while (t.reader.length === before) await this.fill(t, () => t.reader.contiguous(), 'receive');
      return t.reader.length;
    } finally {
      this.endRead(t);
    }
  }

  /** Starts a synchronous read: the checks of `receive`, and the bytes count as read by us. */
  private syncRead(operation: string): Transport {
    const t = this.startRead(operation);
    this.beginRead(t, null);
    this.reading = false;
    return t;
  }

  /**
   * An iterator reading up to `pattern` (cosocket.md §4.8). `read()` returns the data before
   * the next occurrence; `read(size)` returns it in chunks of about `size` bytes and then
   * `null` once the pattern was found.
   */
  receiveUntil(pattern: string | Uint8Array, options?: { inclusive?: boolean }): UntilReader<T> {
    const parsed = parseUntilPattern(pattern, options);
    const matcher = new UntilMatcher(parsed.pattern, parsed.inclusive);
    return async (size?: number): Promise<T | null> => {
      const t = this.startRead('receiveuntil');
      const limit = parseUntilSize(size);
      this.beginRead(t, matcher);
      try {
        if (matcher.state === DONE) {
          matcher.state = 0;
          return null;
        }
        matcher.begin(limit);
        for (;;) {
          const chunk = matcher.run(t.reader);
          if (chunk !== undefined) return this.out(chunk);
          await this.fill(t, () => matcher.released(), 'receiveuntil');
        }
      } finally {
        this.endRead(t);
      }
    };
  }

  /** Puts the connection back into its pool; the object may `connect` again afterwards. */
  async setKeepalive(timeoutMs?: number, poolSize?: number): Promise<void> {
    try {
      this.keepalive(timeoutMs, poolSize);
    } catch (error) {
      throw locateError(error, this.address, 'setkeepalive');
    }
  }

  private keepalive(timeoutMs: number | undefined, poolSize: number | undefined): void {
    checkTimeout(timeoutMs, 'keepalive timeout');
    if (poolSize !== undefined) checkPoolSize(poolSize);
    if (this.connecting) throw new CosocketError('socket busy connecting');
    const t = this.transport;
    if (t === null || this.readClosed || this.writeClosed || t.destroyed) throw this.closedError();
    const lease = this.lease!;
    if (!lease.poolable) throw notPoolable();
    this.checkOwner();
    this.checkBusy(true, true);
    const pending = t.pendingUnsolicited;
    if (t.reader.length - pending > 0) throw new CosocketError('unread data in buffer');
    // The peer's FIN with all its data read: lua-nginx-module refuses with `closed` and leaves
    // the connection open (a later close() succeeds).
    if (t.eof && t.reader.length === 0 && t.failure === null) throw new CosocketError('closed');
    if (pending > 0 || t.eof || t.failure !== null) {
      this.finalize('connection in dubious state');
      throw new CosocketError('connection in dubious state');
    }
    this.transport = null;
    this.closedWhy = IN_POOL;
    unregisterSocket(this.owner, this);
    lease.put(timeoutMs ?? config.keepaliveTimeout, poolSize);
  }

  /**
   * Why this connection can no longer take a new request while nothing is being read, or null
   * when it can: `closed` (closed or half-closed here), `peer closed` (EOF from the peer, e.g. a
   * server's idle timeout), `error: <code>` (reset, ...), `unread data` (bytes nobody asked
   * for are buffered). Reads nothing and changes nothing: for owners of long-lived connections
   * (the multiplexer) to redial before writing instead of failing a request.
   */
  idleEvent(): string | null {
    const t = this.transport;
    if (t === null || this.readClosed || this.writeClosed) return 'closed';
    if (t.failure !== null) return `error: ${t.failure.code}`;
    if (t.destroyed) return 'closed';
    if (t.reader.length > 0) return 'unread data';
    if (t.eof) return 'peer closed';
    return null;
  }

  /** 0 for a fresh connection, k for one that came from the pool for the k-th time. */
  getReusedTimes(): number {
    // While connecting OpenResty already has the connection object: 0 (t/128 TEST 5).
    if (this.connecting) return 0;
    if (this.transport === null) throw locateError(this.closedError(), this.address, 'getreusedtimes');
    return this.lease!.reused;
  }

  /**
   * Closes the connection (it does not go to the pool); the object may `connect` again.
   * Resolves when the socket is already closed, where OpenResty returns `nil, "closed"`: so
   * `finally { await sock.close() }` never hides the error that closed it.
   */
  async close(): Promise<void> {
    try {
      if (this.connecting) throw new CosocketError('socket busy connecting');
      if (this.transport === null) return;
      if (this.readClosed && this.writeClosed) {
        // Both halves closed by errors: release the connection now rather than at context end.
        this.finalize('closed');
        return;
      }
      this.checkOwner();
      this.checkBusy(true, true);
      this.finalize('closed');
    } catch (error) {
      throw locateError(error, this.address, 'close');
    }
  }

  /** ScopedSocket: closes without pooling, even while an operation is pending. */
  forceClose(reason: string): void {
    this.finalize(reason);
  }

  describe(): string {
    return this.poolKey;
  }

  private finalize(reason: string): void {
    const t = this.transport;
    if (t === null) return;
    this.transport = null;
    this.closedWhy = reason === 'closed' ? null : reason;
    this.readClosed = this.writeClosed = true;
    t.destroy();
    this.lease!.release(reason);
    unregisterSocket(this.owner, this);
  }

  /** `closed`, with why when that helps: never connected, pooled, or the forceClose reason. */
  private closedError(): CosocketError {
    const why = this.closedWhy;
    if (why === NOT_CONNECTED) return new CosocketError('closed', { message: 'not connected: call connect() first' });
    return new CosocketError('closed', why === null ? {} : { message: `closed (${why})` });
  }

  private checkOwner(operation?: string): void {
    if (this.owner !== undefined && this.owner !== currentContext()) throw this.located(new CosocketError('bad request'), operation);
  }

  private located<E>(error: E, operation: string | undefined): E {
    return locateError(error, this.address, operation) as E;
  }

  private checkBusy(reading: boolean, writing: boolean): void {
    if (this.connecting) throw new CosocketError('socket busy connecting');
    if (reading && this.reading) throw new CosocketError('socket busy reading');
    if (writing && this.writing) throw new CosocketError('socket busy writing');
  }

  private startRead(operation: string): Transport {
    // While connecting there is no transport yet; say busy rather than closed.
    if (this.connecting) throw this.located(new CosocketError('socket busy connecting'), operation);
    const t = this.transport;
    if (t === null || this.readClosed) throw this.located(this.closedError(), operation);
    this.checkOwner(operation);
    if (this.reading) throw this.located(new CosocketError('socket busy reading'), operation);
    return t;
  }

  private beginRead(t: Transport, matcher: UntilMatcher | null): void {
    this.reading = true;
    t.beginRead();
    const last = this.lastMatcher;
    if (last !== null && last !== matcher && last.state > 0) {
      // Another read starts while a receiveUntil iterator withholds a pattern prefix: those
      // bytes are data after all, so they go back to the front of the buffer (§4.8.4).
      t.reader.unshift(last.pattern.subarray(0, last.state));
      last.state = 0;
    }
    this.lastMatcher = matcher;
  }

  private endRead(t: Transport): void {
    this.reading = false;
    t.endRead();
  }

  /**
   * Waits for more bytes. EOF and stream errors close the read half and throw with the data
   * read so far; a timeout throws too but leaves the socket usable (the only non-fatal error).
   */
  private async fill(t: Transport, partial: () => Buffer, operation: string): Promise<void> {
    if (t.failure !== null || t.eof || t.destroyed) {
      this.readClosed = true;
      const code = t.failure?.code ?? 'closed';
      throw new CosocketError(code, { partial: this.out(partial()), cause: t.failure ?? undefined, address: this.address, command: operation });
    }
    try {
      await t.waitForData(this.readMs || config.readTimeout);
    } catch (error) {
      logError(`cosocket read from ${this.address} timed out`);
      throw new CosocketError('timeout', { partial: this.out(partial()), cause: error, address: this.address, command: operation });
    }
  }

  private out(bytes: Buffer): T {
    return (this.encoding === undefined ? bytes : bytes.toString(this.encoding)) as T;
  }
}
