// What test files import: the shared servers from the global setup, and
// private on-demand servers for tests that need to stop, kill, pause, restart
// or reconfigure one. See test/README.md.
import { afterAll, describe, inject } from 'vitest';
import { MissingServerError, installHints, isCI, which, type Binary } from './binaries.js';
import { LocalServer } from './local-server.js';
import { localMemcached, type MemcachedOptions } from './memcached.js';
import { localFerretDB, type FerretDBOptions } from './mongo.js';
import { localRedis, type RedisOptions, type RedisUser } from './redis.js';
import type { TlsFiles } from './tls.js';
import type { ServerInfo, ServerName } from './types.js';

export type { Binary } from './binaries.js';
export type { FerretDBOptions } from './mongo.js';
export type { MemcachedOptions } from './memcached.js';
export type { RedisOptions, RedisUser } from './redis.js';
export type { TlsFiles } from './tls.js';
export type { ServerInfo, ServerName, ServerProduct, ServerSlot, ServerSource } from './types.js';

// ---------------------------------------------------------------- shared servers

/** A shared server, or placeholders plus `skip: true` and the reason. */
export interface SharedServer extends ServerInfo {
  skip: boolean;
  reason: string | undefined;
}

/**
 * The shared server the global setup provided. When it is unavailable (only
 * possible outside CI) `skip` is true, so `describe.skipIf(srv.skip)` skips the
 * suite; host/port are then placeholders that must not be used.
 */
export function requireServer(name: ServerName): SharedServer {
  const slot = inject(name);
  if (slot === undefined) {
    // inject() is undefined only when the integration globalSetup did not run.
    throw new Error(`no '${name}' provided: run this file in the 'integration' vitest project`);
  }
  if (slot.available) {
    const { available: _, ...info } = slot;
    return { ...info, skip: false, reason: undefined };
  }
  return {
    name,
    host: '127.0.0.1',
    port: 0,
    url: '',
    source: 'local',
    product: 'unknown',
    version: undefined,
    description: 'unavailable',
    skip: true,
    reason: slot.reason,
  };
}

/** `describe` that runs `fn(server)` with the shared server, or is skipped with the reason in its title. */
export function describeServer(name: ServerName, title: string, fn: (server: SharedServer) => void): void {
  const server = requireServer(name);
  describe.skipIf(server.skip)(server.skip ? `${title} [${server.reason}]` : title, () => fn(server));
}

// ----------------------------------------------------------- on-demand servers

/**
 * The reason tests needing these binaries must be skipped, or `false` when they
 * can run. Under CI=true it is always `false`: the start then fails loudly.
 * Use as `describe.skipIf(onDemandSkip('redis-server', 'openssl'))`.
 */
export function onDemandSkip(...needs: Binary[]): string | false {
  if (isCI()) return false;
  const missing = needs.filter((b) => !which(b));
  return missing.length ? `skipped: ${missing.join(', ')} not on PATH` : false;
}

function requireBinary(binary: Binary): string {
  const path = which(binary);
  if (path) return path;
  const message = `${binary} is not on PATH; install it (${installHints[binary]})`;
  throw isCI() ? new MissingServerError(`CI=true: ${message}`) : new Error(`${message}, or guard the test with onDemandSkip('${binary}')`);
}

/** A private server process on its own loopback port and temp dir. */
export class OnDemandServer {
  readonly host = '127.0.0.1';

  constructor(
    readonly kind: 'redis' | 'memcached' | 'ferretdb',
    protected readonly server: LocalServer,
  ) {}

  /** The port clients connect to; stable across stop/kill/restart. */
  get port(): number {
    return this.server.port;
  }
  /** `redis://` / `rediss://`, `memcached://` or `mongodb://` host:port, no credentials. */
  get url(): string {
    const scheme = { redis: 'redis', memcached: 'memcached', ferretdb: 'mongodb' }[this.kind];
    return `${scheme}://${this.host}:${this.port}`;
  }
  /** The private temp dir (config, data, certificates, log). */
  get dir(): string {
    return this.server.dir;
  }
  get logFile(): string {
    return this.server.logFile;
  }
  /** pid of the current process, undefined while stopped. */
  get pid(): number | undefined {
    return this.server.pid;
  }
  get running(): boolean {
    return this.server.running;
  }

  /** Start again (after stop/kill) on the same port; resolves once it answers. */
  start(): Promise<void> {
    return this.server.start();
  }
  /** Graceful stop: SIGTERM, SIGKILL after 5 s. The port is refused afterwards. */
  stop(): Promise<void> {
    return this.server.stop();
  }
  /** Crash: SIGKILL. Open connections see a reset/EOF. */
  kill(): Promise<void> {
    return this.server.kill();
  }
  /** SIGSTOP: connections and new connects hang (timeouts), nothing is refused. */
  pause(): void {
    this.server.pause();
  }
  /** SIGCONT after pause(). */
  resume(): void {
    this.server.resume();
  }
  /** stop() then start() on the same port. Data does not survive (no persistence). */
  restart(): Promise<void> {
    return this.server.restart();
  }
  /** Stop and delete the temp dir. Done for you when the test file ends. */
  async dispose(): Promise<void> {
    onDemand.delete(this);
    await this.server.dispose();
  }
  /** The server's recent output, for debugging a failing test. */
  logTail(lines = 50): string {
    return this.server.logTail(lines);
  }
}

export class RedisServer extends OnDemandServer {
  constructor(
    private readonly redis: LocalServer & { tlsFiles?: TlsFiles },
    /** requirepass (the `default` user's password), if set. */
    readonly password: string | undefined,
    readonly users: RedisUser[],
  ) {
    super('redis', redis);
  }
  /** CA/cert/key when started with `tls: true` (the certificate is made at start); `port` is then the TLS port. */
  get tls(): TlsFiles | undefined {
    return this.redis.tlsFiles;
  }
  override get url(): string {
    return `${this.tls ? 'rediss' : 'redis'}://${this.host}:${this.port}`;
  }
  /** The unix socket the same server listens on (always plain text). */
  get unixSocket(): string {
    return `${this.dir}/redis.sock`;
  }
}

export class MemcachedServer extends OnDemandServer {
  constructor(private readonly memcached: LocalServer & { tlsFiles?: TlsFiles }) {
    super('memcached', memcached);
  }
  /** CA/cert/key when started with `tls: true` (the certificate is made at start); `port` then serves TLS only. */
  get tls(): TlsFiles | undefined {
    return this.memcached.tlsFiles;
  }
}

export class FerretDBServer extends OnDemandServer {
  constructor(
    server: LocalServer,
    /** The setup user, when started with `auth`. */
    readonly auth: { username: string; password: string; database: string } | undefined,
  ) {
    super('ferretdb', server);
  }
}

const onDemand = new Set<OnDemandServer>();

async function launch<T extends OnDemandServer>(server: T): Promise<T> {
  onDemand.add(server);
  try {
    await server.start();
  } catch (err) {
    await server.dispose();
    throw err;
  }
  return server;
}

/** A private redis-server; options add requirepass, ACL users, TLS or config lines. */
export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  const command = requireBinary('redis-server');
  if (opts.tls) requireBinary('openssl');
  return launch(new RedisServer(localRedis(command, opts), opts.password, opts.users ?? []));
}

/** A private memcached; `tls: true` serves TLS only (`-Z`) with a run-time certificate. */
export async function startMemcached(opts: MemcachedOptions = {}): Promise<MemcachedServer> {
  const command = requireBinary('memcached');
  if (opts.tls) requireBinary('openssl');
  return launch(new MemcachedServer(localMemcached(command, opts)));
}

/** A private FerretDB (SQLite backend); `auth` enables SCRAM with a setup user. */
export async function startFerretDB(opts: FerretDBOptions = {}): Promise<FerretDBServer> {
  const auth = opts.auth && { database: 'admin', ...opts.auth };
  return launch(new FerretDBServer(localFerretDB(requireBinary('ferretdb'), opts), auth));
}

/** Dispose every on-demand server of this worker (runs after each test file). */
export async function stopAllServers(): Promise<void> {
  await Promise.allSettled([...onDemand].map((s) => s.dispose()));
}

// Each test file gets its own module instance (vitest isolates files), so this
// registers one file-level afterAll per file that imports this module. The
// process exit hook in process.ts is the backstop.
try {
  afterAll(stopAllServers);
} catch {
  // Imported outside a test file's collection phase: exit hook only.
}
