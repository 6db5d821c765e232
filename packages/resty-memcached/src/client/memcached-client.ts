import { ClientPool, CosocketError, keepsConnection, OperationError, startTls } from 'cosocket';
import { Memcached } from '../client.js';
import { codecOf, type Codec, type MemcachedOptions } from '../commands/codec.js';
import { installCommands, runCommand } from '../commands/install.js';
import type { MemcachedCommands, ValueOf } from '../commands/methods.js';
import { COMMANDS, type Build, type Exchange } from '../commands/table.js';
import { MemcachedClientError } from '../errors.js';
import { MemcachedMultiplexed } from '../multiplex.js';
import { MemcachedPipeline } from '../pipeline.js';
import type { MemcachedEntry } from '../protocol/read-reply.js';
import { parseServers, type MemcachedServer, type MemcachedServerAddress } from '../url.js';
import { clientSettings, RING_LATER, type ClientSettings, type MemcachedClientOptions } from './options.js';

/** The commands, installed from the command table (`MemcachedCommands` types them). */
export interface MemcachedClient<B extends boolean = false> extends MemcachedCommands<B> {}

/**
 * A memcached client that owns its connections: create it once, share it between any number
 * of concurrent callers, `close()` it at shutdown. Same commands and reply shapes as
 * `Memcached`, plus `getMulti`.
 *
 * Every command goes over one multiplexed connection (`MemcachedMultiplexed`: concurrent
 * callers' commands are written together and their replies read in order), opened by the first
 * command; commands keep the order they were called in, awaited or not. That route was chosen
 * by measurement against leasing a pooled connection per command (bench/scenarios/memcached.mjs,
 * "resty-memcached client" vs "resty-memcached client leased"; figures in the README): about
 * the same serially, several times faster with 16 callers. `withConnection(fn)` leases one of
 * the other `poolSize - 1` connections for a callback that wants a socket-level `Memcached`
 * of its own.
 */
export class MemcachedClient<B extends boolean = false> {
  /** `host:port`, `[::1]:11211` or `unix:/path` of the server: what every error names. */
  readonly address: string;
  private readonly server: MemcachedServerAddress;
  private readonly settings: ClientSettings;
  private readonly memcachedOptions: MemcachedOptions<B>;
  private readonly codec: Codec;
  private readonly mux: MemcachedMultiplexed<B>;
  private started = false;
  private pool: ClientPool<Memcached<B>> | null = null;
  private closing: Promise<void> | null = null;

  /** As `createClient(server, options)`. */
  constructor(server: MemcachedServer | readonly MemcachedServer[], options: MemcachedClientOptions<B> = {}) {
    const servers = parseServers(server);
    if (servers.length > 1) throw new TypeError(`${servers.length} servers given (${servers.map((s) => s.address).join(', ')}): ${RING_LATER}`);
    this.server = servers[0]!;
    this.address = this.server.address;
    this.settings = clientSettings(options, this.server.host.startsWith('unix:') ? undefined : this.server.host);
    const { keyTransform, returnBuffers, maxValueSize, maxLineLength } = options;
    this.memcachedOptions = { keyTransform, returnBuffers, maxValueSize, maxLineLength };
    this.codec = codecOf(this.memcachedOptions);
    const { connectTimeout, sendTimeout, readTimeout, maxPending } = this.settings;
    this.mux = new MemcachedMultiplexed<B>({ ...this.memcachedOptions, maxPending });
    this.mux.setTimeouts(connectTimeout, sendTimeout, readTimeout);
  }

  /** Several keys in one request: a map from key to entry, without the misses (as `get([keys])`). */
  getMulti(keys: readonly string[]): Promise<Record<string, MemcachedEntry<ValueOf<B>>>> {
    if (!Array.isArray(keys))
      return Promise.reject(new TypeError(`bad keys: getMulti takes an array of keys, got ${keys === null ? 'null' : typeof keys}`));
    return this.run(COMMANDS.get.run, [keys]) as Promise<Record<string, MemcachedEntry<ValueOf<B>>>>;
  }

  /**
   * A batch, as `Memcached#pipeline()`: `commit()` resolves one result per command, a server
   * error reply as its entry. The batch goes out on the shared connection in one write (as
   * concurrent commands do anyway); a transport failure rejects the whole batch.
   */
  pipeline(): MemcachedPipeline<B> {
    return MemcachedPipeline.open<B>(this.codec, (queue) => this.runBatch(queue));
  }

  /**
   * Leases a connection of its own for `fn` (a socket-level `Memcached`, connected) and gives it
   * back after: to the pool once `fn` settled, or closed after a failure that leaves it out of
   * sync. Resolves with `fn`'s result. Callers beyond the `poolSize - 1` leases wait (`maxWaiting`,
   * `waitTimeout`). Commands need none of this: they share the client's connection.
   */
  withConnection<T>(fn: (memc: Memcached<B>) => Promise<T> | T): Promise<T> {
    if (this.closing !== null) return Promise.reject(closedError(this.address, 'withConnection'));
    if (this.settings.poolSize < 2) {
      const message = 'withConnection needs poolSize ≥ 2: the one connection poolSize allows is the shared one';
      return Promise.reject(new MemcachedClientError('no connection to lease', message, { address: this.address, command: 'withConnection' }));
    }
    return this.leases().use(fn, 'withConnection');
  }

  /** Refused: QUIT would close the connection every caller shares. Rejects; use `close()`. */
  quit(): Promise<never> {
    const message = 'quit is not allowed on a client: it would close the connection every caller shares (use close())';
    return Promise.reject(new MemcachedClientError('quit not allowed', message, { address: this.address, command: 'quit' }));
  }

  /**
   * Stops taking commands, lets those under way finish, closes every connection; resolves once
   * all are closed. Idempotent. Later commands reject with `closed`.
   */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.mux.close(), this.pool?.close()]).then(() => undefined);
    return this.closing;
  }

  // ------------------------------------------------------------------ machinery

  /** A table command: bad arguments reject before anything is queued; no keys resolve `{}`. */
  private run(fn: Build, args: unknown[]): Promise<unknown> {
    return runCommand(this.codec, fn, args, (exchange) => this.send(exchange));
  }

  private send(exchange: Exchange): Promise<unknown> {
    if (this.closing !== null) return Promise.reject(closedError(this.address, exchange.command));
    if (!this.started) this.start();
    return this.mux.send(exchange).then(undefined, (error: unknown) => {
      throw locate(error, this.address, exchange.command);
    });
  }

  /**
   * Connects the shared connection; the commands queue meanwhile. A failed connect rejects
   * them (`connection refused (host:port, connect)`); the next command connects again.
   */
  private start(): void {
    this.started = true;
    const { host, port } = this.server;
    void this.mux.connect(host, port, this.settings.tls).catch(() => undefined);
  }

  private async runBatch(queue: readonly Exchange[]): Promise<unknown[]> {
    const settled = await Promise.allSettled(queue.map((exchange) => this.send(exchange)));
    return settled.map((outcome) => {
      if (outcome.status === 'fulfilled') return outcome.value;
      if (keepsConnection(outcome.reason)) return outcome.reason;
      throw outcome.reason;
    });
  }

  /** The pool `withConnection` leases from, made on first use. */
  private leases(): ClientPool<Memcached<B>> {
    if (this.pool !== null) return this.pool;
    const { host, port } = this.server;
    const { poolSize, connectTimeout, sendTimeout, readTimeout, maxWaiting, waitTimeout } = this.settings;
    this.pool = new ClientPool<Memcached<B>>({
      address: this.address,
      size: poolSize - 1,
      maxWaiting,
      waitTimeout,
      open: async ({ pool, poolSize: size }) => {
        const memc = new Memcached<B>(this.memcachedOptions);
        memc.setTimeouts(connectTimeout, sendTimeout, readTimeout);
        await memc.connect(host, port, { pool, poolSize: size });
        // A pooled connection is TLS already (the pool is this client's alone); a fresh one shakes hands.
        // (A failed handshake closes the connection: it never reaches the pool.)
        if (memc.getReusedTimes() === 0) await startTls(memc, this.settings.tls);
        return memc;
      },
    });
    return this.pool;
  }

  static {
    installCommands(MemcachedClient.prototype, 'run', (self, fn, args) => self.run(fn, args));
  }
}

/**
 * A client that owns its connections to one memcached server (`host[:port]`, `[::1]:11211`,
 * `memcached://host:port` or `unix:/path`; port 11211 by default). Throws TypeError for a
 * malformed address or a bad option; several servers and the ring options come with the
 * server ring.
 */
export function createClient<B extends boolean = false>(
  server: MemcachedServer | readonly MemcachedServer[],
  options?: MemcachedClientOptions<B>,
): MemcachedClient<B> {
  return new MemcachedClient<B>(server, options);
}

function closedError(address: string, command: string): CosocketError {
  return new CosocketError('closed', { message: 'closed (the client was closed with close())', address, command });
}

/**
 * Names the client's address on every error, and the command where the error names none (a
 * failed connect keeps `connect`). One error may reach several callers (a connection failure
 * rejects everything pending), so an operation already named stays.
 */
function locate(error: unknown, address: string, command: string): unknown {
  if (error instanceof OperationError) error.locate(address, error.command ?? command);
  return error;
}
