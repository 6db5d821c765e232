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
import { handshake, openStream, SslSession } from './connector.js';
import { currentContext, registerSocket, unregisterSocket, type RequestContext, type ScopedSocket } from './context.js';
import { CosocketError } from './errors.js';
import { acquire, noteCreated, put, release } from './pool.js';
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
  private reused = 0;
  private poolKey = '';
  private counted = false;
  /** The context that connected this object; `undefined` = unbound. Never cleared (PR #2151). */
  private owner: RequestContext | undefined;
  /** The receiveUntil matcher that read last, whose withheld bytes go back on the next read. */
  private lastMatcher: UntilMatcher | null = null;
  private session: SslSession | undefined;

  constructor(private readonly encoding?: BufferEncoding) {}

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
    const { target, key, options: opts } = parseConnectArgs(host, port, options);
    const here = currentContext();
    if (this.owner !== undefined && this.owner !== here) throw new CosocketError('bad request');
    this.checkBusy(true, true);
    if (this.transport !== null) this.finalize('reconnect');
    this.readClosed = this.writeClosed = false;
    this.reused = 0;
    this.lastMatcher = null;
    this.session = undefined;
    const timeout = this.connectMs || config.connectTimeout;
    this.connecting = true;
    try {
      let grant = acquire(key, opts.poolSize, opts.backlog, timeout);
      if (grant instanceof Promise) grant = await grant;
      if (grant.kind === 'idle') {
        this.adopt(grant.transport, grant.reused, key, true);
        return;
      }
      let stream;
      try {
        stream = await openStream(target, timeout);
      } catch (error) {
        if (grant.counted) release(key, 'connect failed');
        logError(`cosocket connect to ${key} failed: ${(error as Error).message}`, error);
        throw error;
      }
      noteCreated(key);
      this.adopt(new Transport(stream), 0, key, grant.counted);
    } finally {
      this.connecting = false;
    }
  }

  private adopt(transport: Transport, reused: number, key: string, counted: boolean): void {
    this.transport = transport;
    this.reused = reused;
    this.poolKey = key;
    this.counted = counted;
    this.owner = registerSocket(this);
  }

  /**
   * Starts TLS on the connected socket; resolves a session a later handshake can resume.
   * Verifies the certificate unless `verify: false`.
   */
  async sslHandshake(options: SslHandshakeOptions = {}): Promise<SslSession> {
    const t = this.transport;
    if (t === null || this.readClosed || this.writeClosed) throw new CosocketError('closed');
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
    if (this.connecting) throw new CosocketError('socket busy connecting');
    const t = this.transport;
    if (t === null || this.writeClosed) {
      logError('attempt to send data on a closed socket');
      throw new CosocketError('closed');
    }
    this.checkOwner();
    if (this.connecting) throw new CosocketError('socket busy connecting');
    if (this.writing) throw new CosocketError('socket busy writing');
    const { pieces, bytes } = serializeSendData(data);
    if (bytes === 0) return 0;
    if (t.destroyed) {
      this.writeClosed = true;
      throw new CosocketError(t.failure?.code ?? 'closed');
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
      logError(`cosocket send to ${this.poolKey} failed: ${(error as CosocketError).code}`, error);
      throw error;
    } finally {
      this.writing = false;
    }
  }

  /** `receive()` one line; `receive('*a')` everything until EOF; `receive(n)` exactly n bytes. */
  async receive(pattern?: number | '*l' | '*a' | string): Promise<T> {
    const t = this.startRead();
    const mode = parseReceivePattern(pattern);
    if (mode.kind === 'bytes' && mode.n === 0) return this.out(EMPTY);
    this.beginRead(t, null);
    const reader = t.reader;
    try {
      switch (mode.kind) {
        case 'bytes':
          while (reader.length < mode.n) await this.fill(t, () => reader.takeAll());
          return this.out(reader.take(mode.n));
        case 'line':
          for (;;) {
            const line = reader.takeLine();
            if (line !== null) return this.out(line);
            await this.fill(t, () => stripCR(reader.takeAll()));
          }
        case 'all':
          // EOF ends `*a` successfully, and stays sticky: a later `*a` returns '' again.
          while (!t.eof) await this.fill(t, () => reader.takeAll());
          return this.out(reader.takeAll());
      }
    } finally {
      this.endRead(t);
    }
  }

  /** Whatever is available, 1..max bytes; waits only when nothing is buffered. */
  async receiveAny(max: number): Promise<T> {
    const t = this.startRead();
    const limit = parseMax(max);
    this.beginRead(t, null);
    try {
      while (t.reader.length === 0) await this.fill(t, () => EMPTY);
      // One receiveany hands back at most one lua_socket_buffer_size worth (§4.7).
      return this.out(t.reader.take(Math.min(limit, config.bufferSize, t.reader.length)));
    } finally {
      this.endRead(t);
    }
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
      const t = this.startRead();
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
          await this.fill(t, () => matcher.released());
        }
      } finally {
        this.endRead(t);
      }
    };
  }

  /** Puts the connection back into its pool; the object may `connect` again afterwards. */
  async setKeepalive(timeoutMs?: number, poolSize?: number): Promise<void> {
    checkTimeout(timeoutMs, 'keepalive timeout');
    if (poolSize !== undefined) checkPoolSize(poolSize);
    if (this.connecting) throw new CosocketError('socket busy connecting');
    const t = this.transport;
    if (t === null || this.readClosed || this.writeClosed || t.destroyed) throw new CosocketError('closed');
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
    unregisterSocket(this.owner, this);
    put(this.poolKey, t, this.reused, this.counted, timeoutMs ?? config.keepaliveTimeout, poolSize);
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
    if (this.transport === null && !this.connecting) throw new CosocketError('closed');
    return this.reused;
  }

  /**
   * Closes the connection (it does not go to the pool); the object may `connect` again.
   * Resolves when the socket is already closed, where OpenResty returns `nil, "closed"`: so
   * `finally { await sock.close() }` never hides the error that closed it.
   */
  async close(): Promise<void> {
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
    this.readClosed = this.writeClosed = true;
    t.destroy();
    if (this.counted) release(this.poolKey, reason);
    unregisterSocket(this.owner, this);
  }

  private checkOwner(): void {
    if (this.owner !== undefined && this.owner !== currentContext()) throw new CosocketError('bad request');
  }

  private checkBusy(reading: boolean, writing: boolean): void {
    if (this.connecting) throw new CosocketError('socket busy connecting');
    if (reading && this.reading) throw new CosocketError('socket busy reading');
    if (writing && this.writing) throw new CosocketError('socket busy writing');
  }

  private startRead(): Transport {
    // While connecting there is no transport yet; say busy rather than closed.
    if (this.connecting) throw new CosocketError('socket busy connecting');
    const t = this.transport;
    if (t === null || this.readClosed) throw new CosocketError('closed');
    this.checkOwner();
    this.checkBusy(true, false);
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
  private async fill(t: Transport, partial: () => Buffer): Promise<void> {
    if (t.failure !== null || t.eof || t.destroyed) {
      this.readClosed = true;
      const code = t.failure?.code ?? 'closed';
      throw new CosocketError(code, { partial: this.out(partial()), cause: t.failure ?? undefined });
    }
    try {
      await t.waitForData(this.readMs || config.readTimeout);
    } catch (error) {
      logError(`cosocket read from ${this.poolKey} timed out`);
      throw new CosocketError('timeout', { partial: this.out(partial()), cause: error });
    }
  }

  private out(bytes: Buffer): T {
    return (this.encoding === undefined ? bytes : bytes.toString(this.encoding)) as T;
  }
}
