import { AsyncResource } from 'node:async_hooks';
import { CosocketError, tcp, type SendData, type TcpSocket } from 'cosocket';
import type { CasUnique, MemcachedValue } from './args.js';
import type { MemcachedOptions, ValueOf } from './client.js';
import { MemcachedError, MemcachedProtocolError } from './errors.js';
import * as cmd from './multiplex-commands.js';
import { PendingQueue } from './multiplex-queue.js';
import type { StorageCommand } from './protocol/encode.js';
import type { MemcachedCasEntry, MemcachedEntry } from './protocol/read-reply.js';
import { ReplyReader } from './protocol/reply-reader.js';

/** Default bound on commands queued or awaiting a reply. */
export const DEFAULT_MAX_PENDING = 10_000;

/**
 * Created at module load, outside any request context: the connection and its reader and
 * writer loops run in this scope, so the socket belongs to no request (a `withContext` that
 * ends never closes it, and callers from any context may share it).
 */
const DETACHED = new AsyncResource('resty-memcached:multiplexed');

/** Options of `new MemcachedMultiplexed(...)`. */
export interface MemcachedMultiplexedOptions<B extends boolean = boolean> extends MemcachedOptions<B> {
  /**
   * The most commands queued or awaiting a reply at once (default 10,000). One more fails at
   * once with `CosocketError` code `too many pending commands`, without being sent.
   */
  maxPending?: number;
}

type State = 'down' | 'connecting' | 'up' | 'closed';

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
  private readonly maxPending: number;
  private readonly codec: cmd.MuxCodec;
  private readonly timeouts: [number, number, number] = [0, 0, 0];
  private target: { host: string; port: number | undefined } | null = null;
  private state: State = 'down';
  /** Bumped when a connection fails or closes: loops of an older epoch stop. */
  private epoch = 0;
  private sock: TcpSocket<Buffer> | null = null;
  private reader: ReplyReader | null = null;
  /** Every command not yet answered, in wire order: the first `inflight` were written. */
  private readonly pending = new PendingQueue();
  private inflight = 0;
  /** Requests queued and not yet written. */
  private outbox: SendData[] = [];
  private writing = false;
  private flushScheduled = false;
  private reading = false;
  private connecting: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  constructor(options: MemcachedMultiplexedOptions<B> = {}) {
    const pending = options.maxPending ?? DEFAULT_MAX_PENDING;
    if (!Number.isSafeInteger(pending) || pending <= 0) throw new RangeError(`bad maxPending: ${String(pending)}`);
    this.maxPending = pending;
    this.codec = cmd.codecOf(options);
  }

  // ------------------------------------------------------------------ connection

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
   * Remembers the server (`host, port` or `'unix:/path'`) and connects now; after a failure
   * the next command reconnects to the same server by itself.
   */
  async connect(host: string, port?: number): Promise<void> {
    if (typeof host !== 'string' || host === '') throw new TypeError('bad host');
    if (this.state === 'closed') throw new CosocketError('closed');
    if (this.state !== 'down' || this.target !== null) {
      throw new Error('already connected: a multiplexed client connects once (close() and create another)');
    }
    this.target = { host, port };
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
    if (this.target === null) return Promise.reject(new CosocketError('closed'));
    if (this.pending.length >= this.maxPending) {
      return Promise.reject(new CosocketError('too many pending commands', {
        message: `too many pending commands: ${this.maxPending} are queued or awaiting a reply (maxPending)`,
      }));
    }
    const p = new Promise<unknown>((resolve, reject) => this.pending.push({ read: command.read, resolve, reject }));
    this.outbox.push(command.request);
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
    if (this.writing || this.state !== 'up' || this.outbox.length === 0) return;
    this.writing = true;
    DETACHED.runInAsyncScope(() => void this.writeLoop(this.epoch));
  };

  /** Sends the queued requests batch by batch, one send (one writev) per batch. */
  private async writeLoop(epoch: number): Promise<void> {
    const sock = this.sock!;
    try {
      while (this.outbox.length > 0 && epoch === this.epoch) {
        const batch = this.outbox;
        this.outbox = [];
        this.inflight += batch.length;
        if (!this.reading) {
          this.reading = true;
          void this.readLoop(epoch, this.reader!);
        }
        await sock.send(batch);
      }
    } catch (error) {
      this.fail(epoch, error);
    } finally {
      if (epoch === this.epoch) this.writing = false;
    }
  }

  /** Reads while replies are owed, each in its command's shape, settling the oldest caller. */
  private async readLoop(epoch: number, reader: ReplyReader): Promise<void> {
    const pending = this.pending;
    try {
      while (this.inflight > 0) {
        // Left in the queue while its reply is read, so a failure meanwhile rejects it too.
        const p = pending.peek();
        let result: unknown;
        try {
          result = await p.read(reader);
        } catch (error) {
          if (epoch !== this.epoch) return;
          // Anything but a server error line leaves the stream out of sync: fail them all.
          if (!(error instanceof MemcachedError)) throw error;
          this.inflight--;
          pending.shift().reject(error);
          continue;
        }
        if (epoch !== this.epoch) return;
        this.inflight--;
        pending.shift().resolve(result);
      }
      // memcached sends nothing unasked: leftover bytes mean the stream is out of sync.
      if (reader.pending > 0) throw new MemcachedProtocolError(`${reader.pending} unexpected bytes after the last reply`, 'multiplexed');
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
    const attempt = DETACHED.runInAsyncScope(() => this.open(target.host, target.port));
    this.connecting = attempt.then(
      (sock) => {
        this.connecting = null;
        if (epoch !== this.epoch) {
          // close() or a failure came first: this connection has no users.
          sock.forceClose('closed');
          return;
        }
        this.sock = sock;
        this.reader = new ReplyReader(sock);
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

  private async open(host: string, port: number | undefined): Promise<TcpSocket<Buffer>> {
    const sock = tcp();
    sock.setTimeouts(...this.timeouts);
    // Its own pool name, never put back: acquire always opens a fresh connection for it.
    const options = { pool: `mux:memcached:${host}:${port ?? ''}` };
    if (port === undefined) await sock.connect(host, options);
    else await sock.connect(host, port, options);
    return sock;
  }

  /**
   * The connection is out of sync or gone: close it and reject every pending command (written
   * or not) with `error`. Only the first failure of a connection counts.
   */
  private fail(epoch: number, error: unknown): void {
    if (epoch !== this.epoch) return;
    this.epoch++;
    this.sock?.forceClose(error instanceof MemcachedProtocolError ? 'protocol error' : 'transport error');
    this.sock = null;
    this.reader = null;
    this.inflight = 0;
    this.outbox = [];
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
}
