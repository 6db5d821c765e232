import { CosocketError, tcp, type ConnectOptions, type SendData, type SslHandshakeOptions, type SslSession } from 'cosocket';
import { toCount, toExptime, toFlags, toStatsArg, toU64, toValue, type CasUnique, type MemcachedValue } from './args.js';
import { MemcachedError, MemcachedProtocolError } from './errors.js';
import { checkKeyTransform, uriKeyTransform, wireKey, type KeyTransform } from './keys.js';
import { MemcachedPipeline, type QueuedCommand } from './pipeline.js';
import {
  arithmeticRequest,
  deleteRequest,
  flushAllRequest,
  QUIT_REQUEST,
  retrievalRequest,
  statsRequest,
  storageRequest,
  touchRequest,
  VERSION_REQUEST,
  verbosityRequest,
  type StorageCommand,
} from './protocol/encode.js';
import {
  readCounter,
  readMultiValues,
  readSingleValue,
  readStats,
  readStatus,
  readVersion,
  type MemcachedCasEntry,
  type MemcachedEntry,
  type ReadOptions,
} from './protocol/read-reply.js';
import { ReplyReader } from './protocol/reply-reader.js';

/** Constructor options. */
export interface MemcachedOptions<B extends boolean = boolean> {
  /** `[encode, decode]` for keys; default `encodeURIComponent` / `decodeURIComponent`. */
  keyTransform?: KeyTransform;
  /** Return values as Buffers instead of UTF-8 strings (default false). */
  returnBuffers?: B;
  /**
   * The largest value a reply may announce, in bytes (default 1 MiB, memcached's default item
   * size limit). Raise it for a server started with a larger `-I`. A larger announced length is
   * a protocol error, caught before anything of that size is read or allocated.
   */
  maxValueSize?: number;
  /** The longest reply line accepted, in bytes (default 8 KiB). */
  maxLineLength?: number;
}

/** The value type for a `returnBuffers` setting. */
export type ValueOf<B extends boolean> = B extends true ? Buffer : string;

/** Largest value accepted in a reply by default (memcached's own default item size limit, 1 MiB). */
export const DEFAULT_MAX_VALUE_SIZE = 1024 * 1024;
/** Longest reply line accepted by default (8 KiB). */
export const DEFAULT_MAX_LINE_LENGTH = 8 * 1024;

/**
 * A memcached text-protocol client on one cosocket, after lua-resty-memcached. One object
 * serves one task at a time: do not share it between concurrent tasks (a second command while
 * one is in flight throws `socket busy ...`). Return it to the pool with `setKeepalive()`.
 */
export class Memcached<B extends boolean = false> {
  private readonly sock = tcp();
  /** Our read buffer over `sock`; every reply is read through it. */
  private readonly reader = new ReplyReader(this.sock);
  private readonly encode: (key: string) => string;
  private readonly decode: (key: string) => string;
  /** @internal */
  readonly readOptions: ReadOptions;
  private busy: 'reading' | 'writing' | null = null;

  constructor(options: MemcachedOptions<B> = {}) {
    const [encode, decode] = options.keyTransform === undefined ? uriKeyTransform : checkKeyTransform(options.keyTransform);
    this.encode = encode;
    this.decode = decode;
    this.readOptions = {
      returnBuffers: options.returnBuffers === true,
      maxValueSize: positiveInteger(options.maxValueSize, DEFAULT_MAX_VALUE_SIZE, 'maxValueSize'),
      maxLineLength: positiveInteger(options.maxLineLength, DEFAULT_MAX_LINE_LENGTH, 'maxLineLength'),
    };
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
    this.reader.clear();
    await this.sock.connect(host, port, options);
  }

  /** TLS on the connected socket (memcached built with TLS support). */
  sslHandshake(options?: SslHandshakeOptions): Promise<SslSession> {
    return this.sock.sslHandshake(options);
  }

  /** Returns the connection to its pool; this object may `connect` again afterwards. */
  async setKeepalive(maxIdleMs?: number, poolSize?: number): Promise<void> {
    // Bytes in our buffer are bytes the socket's own check cannot see.
    if (this.reader.pending > 0) throw new CosocketError('unread data in buffer');
    await this.sock.setKeepalive(maxIdleMs, poolSize);
  }

  /** 0 for a fresh connection, k for one taken from the pool for the k-th time. */
  getReusedTimes(): number {
    return this.sock.getReusedTimes();
  }

  /** Closes the connection (it does not go to the pool); the object may `connect` again. */
  async close(): Promise<void> {
    await this.sock.close();
    this.reader.clear();
  }

  // -------------------------------------------------------------------- storage

  /** Stores the value; true (STORED). */
  async set(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('set', key, value, exptime, flags);
  }

  /** Stores only if the key is missing; false on NOT_STORED. */
  async add(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('add', key, value, exptime, flags);
  }

  /** Stores only if the key exists; false on NOT_STORED. */
  async replace(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('replace', key, value, exptime, flags);
  }

  /** Appends to an existing value (the server ignores exptime and flags); false on NOT_STORED. */
  async append(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('append', key, value, exptime, flags);
  }

  /** Prepends to an existing value (the server ignores exptime and flags); false on NOT_STORED. */
  async prepend(key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    return this.store('prepend', key, value, exptime, flags);
  }

  /** Stores only if the item is unchanged since `gets`; false on EXISTS or NOT_FOUND. */
  async cas(key: string, value: MemcachedValue, cas: CasUnique, exptime?: number, flags?: number): Promise<boolean> {
    const queued = this.casCommand(key, value, cas, exptime, flags);
    return this.exchange(queued.command, queued.request, queued.read as () => Promise<boolean>);
  }

  private store(command: StorageCommand, key: string, value: MemcachedValue, exptime?: number, flags?: number): Promise<boolean> {
    const queued = this.storeCommand(command, key, value, exptime, flags);
    return this.exchange(command, queued.request, queued.read as () => Promise<boolean>);
  }

  // ------------------------------------------------------------------ retrieval

  /** One key: `{ value, flags }` or null. Several keys (one request): a map without the misses. */
  get(key: string): Promise<MemcachedEntry<ValueOf<B>> | null>;
  get(keys: readonly string[]): Promise<Record<string, MemcachedEntry<ValueOf<B>>>>;
  async get(keys: string | readonly string[]): Promise<MemcachedEntry<ValueOf<B>> | null | Record<string, MemcachedEntry<ValueOf<B>>>> {
    return this.retrieve('get', keys) as Promise<MemcachedEntry<ValueOf<B>> | null | Record<string, MemcachedEntry<ValueOf<B>>>>;
  }

  /** As `get`, with each entry's cas unique (a decimal string, exact unsigned 64-bit). */
  gets(key: string): Promise<MemcachedCasEntry<ValueOf<B>> | null>;
  gets(keys: readonly string[]): Promise<Record<string, MemcachedCasEntry<ValueOf<B>>>>;
  async gets(keys: string | readonly string[]): Promise<MemcachedCasEntry<ValueOf<B>> | null | Record<string, MemcachedCasEntry<ValueOf<B>>>> {
    return this.retrieve('gets', keys) as Promise<MemcachedCasEntry<ValueOf<B>> | null | Record<string, MemcachedCasEntry<ValueOf<B>>>>;
  }

  private retrieve(command: 'get' | 'gets', keys: string | readonly string[]): Promise<unknown> {
    if (!Array.isArray(keys)) {
      const queued = this.retrieveOne(command, keys as string);
      return this.exchange(command, queued.request, queued.read);
    }
    const asked = new Set<string>();
    for (const key of keys as readonly string[]) asked.add(wireKey(key, this.encode));
    if (asked.size === 0) return Promise.resolve({});
    const opts = this.readOptions;
    return this.exchange(command, retrievalRequest(command, [...asked]), () => readMultiValues(this.reader, command, asked, this.decode, opts));
  }

  // ---------------------------------------------------------------- other keyed

  /** Deletes the item; false on NOT_FOUND. */
  async delete(key: string): Promise<boolean> {
    const queued = this.deleteCommand(key);
    return this.exchange('delete', queued.request, queued.read as () => Promise<boolean>);
  }

  /** Sets a new expiration time; false on NOT_FOUND. */
  async touch(key: string, exptime: number): Promise<boolean> {
    const queued = this.touchCommand(key, exptime);
    return this.exchange('touch', queued.request, queued.read as () => Promise<boolean>);
  }

  /**
   * Adds `delta` (a safe integer, bigint or digit string; unsigned 64-bit) to a decimal value;
   * the new value, or null on NOT_FOUND. Values wrap at 2^64; above 2^53 the returned number
   * is not exact (read the item with `get` for its exact digits).
   */
  async incr(key: string, delta: number | bigint | string): Promise<number | null> {
    const queued = this.arithmeticCommand('incr', key, delta);
    return this.exchange('incr', queued.request, queued.read as () => Promise<number | null>);
  }

  /** Subtracts `delta`, stopping at 0; the new value, or null on NOT_FOUND. */
  async decr(key: string, delta: number | bigint | string): Promise<number | null> {
    const queued = this.arithmeticCommand('decr', key, delta);
    return this.exchange('decr', queued.request, queued.read as () => Promise<number | null>);
  }

  // ------------------------------------------------------------------- server

  /** Invalidates every item, now or after `delay` seconds; true. */
  async flushAll(delay?: number): Promise<boolean> {
    const request = flushAllRequest(delay === undefined ? undefined : toCount(delay, 'delay'));
    return this.exchange('flush_all', request, () => readStatus(this.reader, 'flush_all', this.readOptions, 'OK'));
  }

  /** `stats [arg]` as name/value pairs (`{ pid: '1234', ... }`); an unknown group throws ERROR. */
  async stats(arg?: string): Promise<Record<string, string>> {
    const request = statsRequest(toStatsArg(arg));
    return this.exchange('stats', request, () => readStats(this.reader, this.readOptions));
  }

  /** The server version, e.g. `1.6.18`. */
  async version(): Promise<string> {
    return this.exchange('version', VERSION_REQUEST, () => readVersion(this.reader, this.readOptions));
  }

  /** Sets the server's logging verbosity; true. */
  async verbosity(level: number): Promise<boolean> {
    const request = verbosityRequest(toCount(level, 'verbosity level'));
    return this.exchange('verbosity', request, () => readStatus(this.reader, 'verbosity', this.readOptions, 'OK'));
  }

  /**
   * Asks the server to close the connection, then closes this side too (unlike OpenResty,
   * which leaves the local socket open), so the connection can never be pooled.
   */
  async quit(): Promise<void> {
    try {
      await this.exchange('quit', QUIT_REQUEST, async () => undefined);
    } finally {
      this.sock.forceClose('quit');
      this.reader.clear();
    }
  }

  // ------------------------------------------------------------------ pipeline

  /**
   * Starts a batch: queue storage, delete, touch, incr/decr and single-key get/gets commands,
   * then `commit()` sends them all in one write and reads the replies in order.
   */
  pipeline(): MemcachedPipeline<B> {
    return new MemcachedPipeline<B>(this);
  }

  /** @internal Queued forms of the commands, shared with the pipeline. */
  storeCommand(command: StorageCommand, key: string, value: MemcachedValue, exptime?: number, flags?: number): QueuedCommand {
    const request = storageRequest(command, wireKey(key, this.encode), toValue(value), toFlags(flags), toExptime(exptime));
    return { command, request, read: () => readStatus(this.reader, command, this.readOptions, 'STORED', NOT_STORED) };
  }

  /** @internal */
  casCommand(key: string, value: MemcachedValue, cas: CasUnique, exptime?: number, flags?: number): QueuedCommand {
    const wire = wireKey(key, this.encode);
    const request = storageRequest('cas', wire, toValue(value), toFlags(flags), toExptime(exptime), toU64(cas, 'cas'));
    return { command: 'cas', request, read: () => readStatus(this.reader, 'cas', this.readOptions, 'STORED', CAS_FAILED) };
  }

  /** @internal */
  retrieveOne(command: 'get' | 'gets', key: string): QueuedCommand {
    const wire = wireKey(key, this.encode);
    return { command, request: retrievalRequest(command, [wire]), read: () => readSingleValue(this.reader, command, wire, this.readOptions) };
  }

  /** @internal */
  deleteCommand(key: string): QueuedCommand {
    const request = deleteRequest(wireKey(key, this.encode));
    return { command: 'delete', request, read: () => readStatus(this.reader, 'delete', this.readOptions, 'DELETED', NOT_FOUND) };
  }

  /** @internal */
  touchCommand(key: string, exptime: number): QueuedCommand {
    const request = touchRequest(wireKey(key, this.encode), toExptime(exptime, true));
    // Couchbase's moxi answers touch with STORED; lua-resty-memcached accepts both.
    return { command: 'touch', request, read: () => readStatus(this.reader, 'touch', this.readOptions, TOUCHED, NOT_FOUND) };
  }

  /** @internal */
  arithmeticCommand(command: 'incr' | 'decr', key: string, delta: number | bigint | string): QueuedCommand {
    const request = arithmeticRequest(command, wireKey(key, this.encode), toU64(delta, 'delta'));
    return { command, request, read: () => readCounter(this.reader, command, this.readOptions) };
  }

  /**
   * @internal Sends every request in one write and reads each reply in order. Reading starts
   * while the write is still in progress, so a batch whose replies outgrow the socket buffers
   * cannot deadlock. Server errors become result entries; anything else closes the connection
   * and rejects the whole batch.
   */
  async runBatch(commands: readonly QueuedCommand[]): Promise<unknown[]> {
    this.enter('writing');
    const results: unknown[] = [];
    let sendError: unknown;
    const sent = this.sock.send(commands.map((c) => c.request)).then(undefined, (error: unknown) => {
      sendError = error;
      this.sock.forceClose('send failed');
    });
    try {
      this.busy = 'reading';
      for (const queued of commands) {
        try {
          results.push(await queued.read());
        } catch (error) {
          if (!(error instanceof MemcachedError)) throw error;
          results.push(error);
        }
      }
      await sent;
      if (sendError !== undefined) throw sendError;
      this.checkDrained('pipeline');
      return results;
    } catch (error) {
      // A send failure that came first is the cause; the read failure is its consequence.
      const reported = sendError ?? error;
      this.abort(reported);
      await sent;
      throw reported;
    } finally {
      this.busy = null;
    }
  }

  /** One request, one reply. Any failure but a server error closes the connection. */
  private async exchange<T>(command: string, request: SendData, read: () => Promise<T>): Promise<T> {
    this.enter('writing');
    try {
      await this.sock.send(request);
      this.busy = 'reading';
      const result = await read();
      this.checkDrained(command);
      return result;
    } catch (error) {
      if (!(error instanceof MemcachedError)) this.abort(error);
      throw error;
    } finally {
      this.busy = null;
    }
  }

  /**
   * memcached sends nothing unasked: bytes left over after the last expected reply mean the
   * stream is out of sync (a reply longer than it claimed, or a hostile server).
   */
  private checkDrained(command: string): void {
    if (this.reader.pending === 0) return;
    throw new MemcachedProtocolError(`${this.reader.pending} unexpected bytes after the reply to ${command}`, command);
  }

  private enter(phase: 'writing'): void {
    // One command at a time: a second one would read the first one's reply.
    if (this.busy !== null) throw new CosocketError(`socket busy ${this.busy}`);
    this.busy = phase;
  }

  /** After a timeout, EOF or protocol error the stream is out of sync: never pool it. */
  private abort(error: unknown): void {
    if (error instanceof CosocketError && (error.code === 'bad request' || error.code.startsWith('socket busy'))) return;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'error';
    this.sock.forceClose(reason);
    this.reader.clear();
  }
}

const NOT_STORED = ['NOT_STORED'] as const;
const CAS_FAILED = ['EXISTS', 'NOT_FOUND'] as const;
const NOT_FOUND = ['NOT_FOUND'] as const;
const TOUCHED = ['TOUCHED', 'STORED'] as const;

function positiveInteger(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new RangeError(`bad ${what}: ${String(value)}`);
  return value;
}
