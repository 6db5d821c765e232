import { CosocketError, keepsConnection, locateError, tcp, type ConnectOptions, type SslHandshakeOptions, type SslSession } from 'cosocket';
import { addressOf } from './args.js';
import { codecOf, type Codec, type MemcachedOptions } from './commands/codec.js';
import { installCommands, runCommand } from './commands/install.js';
import type { MemcachedCommands } from './commands/methods.js';
import type { Build, Exchange } from './commands/table.js';
import { MemcachedProtocolError } from './errors.js';
import { MemcachedPipeline } from './pipeline.js';
import { QUIT_REQUEST } from './protocol/encode.js';

export { DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_VALUE_SIZE, type MemcachedOptions } from './commands/codec.js';
export type { ValueOf } from './commands/methods.js';

/** The commands, installed from the command table (`MemcachedCommands` types them). */
export interface Memcached<B extends boolean = false> extends MemcachedCommands<B> {}

/**
 * A memcached text-protocol client on one cosocket, after lua-resty-memcached. One object
 * serves one task at a time: do not share it between concurrent tasks (a second command while
 * one is in flight rejects with `socket busy ...`). Return it to the pool with `setKeepalive()`.
 */
export class Memcached<B extends boolean = false> {
  private readonly sock = tcp();
  private readonly codec: Codec;
  /** `host:port` or `unix:/path` of the connection, for the errors raised here. */
  private address: string | undefined;
  private busy: 'reading' | 'writing' | null = null;

  constructor(options: MemcachedOptions<B> = {}) {
    this.codec = codecOf(options);
  }

  // ------------------------------------------------------------------ connection

  /** Sets connect, send and read timeouts at once (ms; 0 = the configured default). */
  setTimeout(ms: number): void {
    this.sock.setTimeout(ms);
  }

  /** Sets the connect, send and read timeouts apart (ms; 0 = the configured default). */
  setTimeouts(connectMs: number, sendMs: number, readMs: number): void {
    this.sock.setTimeouts(connectMs, sendMs, readMs);
  }

  /** `connect(host, port, opts?)` or `connect('unix:/path', opts?)`; may reuse a pooled connection. */
  async connect(host: string, port?: number | string | ConnectOptions, options?: ConnectOptions): Promise<void> {
    this.address = undefined;
    await this.sock.connect(host, port, options);
    this.address = addressOf(host, port);
  }

  /** TLS on the connected socket (memcached built with TLS support). */
  sslHandshake(options?: SslHandshakeOptions): Promise<SslSession> {
    return this.sock.sslHandshake(options);
  }

  /** Returns the connection to its pool; this object may `connect` again afterwards. */
  async setKeepalive(maxIdleMs?: number, poolSize?: number): Promise<void> {
    await this.sock.setKeepalive(maxIdleMs, poolSize);
  }

  /** 0 for a fresh connection, k for one taken from the pool for the k-th time. */
  getReusedTimes(): number {
    return this.sock.getReusedTimes();
  }

  /**
   * Closes the connection (it does not go to the pool); the object may `connect` again.
   * Resolves when it is already closed (after a failure, `quit` or `setKeepalive`), so a
   * `finally { await memc.close() }` never hides the error that closed it.
   */
  async close(): Promise<void> {
    try {
      await this.sock.close();
    } catch (error) {
      if (!(error instanceof CosocketError && error.code === 'closed')) throw error;
    }
  }

  // ------------------------------------------------------------------ commands

  /**
   * Asks the server to close the connection, then closes this side too (unlike OpenResty,
   * which leaves the local socket open), so the connection can never be pooled.
   */
  async quit(): Promise<void> {
    try {
      await this.exchange({ command: 'quit', request: QUIT_REQUEST, read: async () => undefined });
    } finally {
      this.sock.forceClose('after quit');
    }
  }

  /**
   * Starts a batch: queue storage, delete, touch, incr/decr and single-key get/gets commands,
   * then `commit()` sends them all in one write and reads the replies in order.
   */
  pipeline(): MemcachedPipeline<B> {
    return MemcachedPipeline.open<B>(this.codec, (queue) => this.runBatch(queue));
  }

  /** A table command: bad arguments reject before anything is sent; no keys resolve `{}`. */
  private run(fn: Build, args: unknown[]): Promise<unknown> {
    return runCommand(this.codec, fn, args, (exchange) => this.exchange(exchange));
  }

  /** One request, one reply. Any failure but a server error reply closes the connection. */
  private async exchange(exchange: Exchange): Promise<unknown> {
    this.enter(exchange.command);
    try {
      await this.sock.send(exchange.request);
      this.busy = 'reading';
      const result = await exchange.read(this.sock);
      this.checkDrained(exchange.command);
      return result;
    } catch (error) {
      if (!keepsConnection(error)) this.abort(error);
      throw locateError(error, this.address, exchange.command);
    } finally {
      this.busy = null;
    }
  }

  /**
   * Sends every request in one write and reads each reply in order. Reading starts while the
   * write is still in progress, so a batch whose replies outgrow the socket buffers cannot
   * deadlock. Server error replies become result entries; anything else closes the connection
   * and rejects the whole batch, naming the command whose reply was being read.
   */
  private async runBatch(queue: readonly Exchange[]): Promise<unknown[]> {
    this.enter(queue[0]!.command);
    const results: unknown[] = [];
    let command = queue[0]!.command;
    let sendError: Error | undefined;
    const sent = this.sock.send(queue.map((c) => c.request)).then(undefined, (error: unknown) => {
      sendError = error as Error;
      this.sock.forceClose('after a failed send');
    });
    try {
      this.busy = 'reading';
      for (const exchange of queue) {
        command = exchange.command;
        try {
          results.push(await exchange.read(this.sock));
        } catch (error) {
          if (!keepsConnection(error)) throw error;
          results.push(locateError(error, this.address, command));
        }
      }
      await sent;
      if (sendError !== undefined) throw sendError;
      this.checkDrained(command);
      return results;
    } catch (error) {
      // A send failure that came first is the cause; the read failure is its consequence.
      const reported = sendError ?? error;
      this.abort(reported);
      await sent;
      throw locateError(reported, this.address, command);
    } finally {
      this.busy = null;
    }
  }

  /**
   * memcached sends nothing unasked: bytes left over after the last expected reply mean the
   * stream is out of sync (a reply longer than it claimed, or a hostile server).
   */
  private checkDrained(command: string): void {
    const left = this.sock.peek().length;
    if (left === 0) return;
    throw new MemcachedProtocolError('unexpected bytes', `${left} unexpected bytes after the reply to ${command}`, command);
  }

  private enter(command: string): void {
    // One command at a time: a second one would read the first one's reply.
    if (this.busy !== null) throw new CosocketError(`socket busy ${this.busy}`, { address: this.address, command });
    this.busy = 'writing';
  }

  /**
   * After a timeout, EOF or protocol error the stream is out of sync: never pool it. The reason
   * is what a later command's `closed` says.
   */
  private abort(error: unknown): void {
    if (error instanceof CosocketError && (error.code === 'bad request' || error.code.startsWith('socket busy'))) return;
    this.sock.forceClose(closeReason(error, this.busy));
  }

  static {
    installCommands(Memcached.prototype, 'run', (self, fn, args) => self.run(fn, args));
  }
}

/** Why the connection was closed, as `closed (...)` of the next command words it. */
function closeReason(error: unknown, phase: 'reading' | 'writing' | null): string {
  if (error instanceof CosocketError && error.code === 'timeout') return phase === 'writing' ? 'after a send timeout' : 'after a read timeout';
  if (error instanceof MemcachedProtocolError) return `after a protocol error: ${error.code}`;
  if (error instanceof CosocketError) return `after ${error.code}`;
  return 'after an error';
}
