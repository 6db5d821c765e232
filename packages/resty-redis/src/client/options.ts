import { clientTls, DEFAULT_CLIENT_CONNECT_TIMEOUT, type ClientTlsOptions } from 'cosocket';
import { addressOf, parseConnectArgs, type ConnectArgs } from '../connect-options.js';
import type { RedisConnectOptions } from '../types.js';
import { DEFAULT_REDIS_PORT, parseRedisUrl } from '../url.js';

/** The TLS settings of `createClient({ tls })` beyond "on": what the socket-level connect takes. */
export type RedisClientTlsOptions = Omit<ClientTlsOptions, 'ssl'>;

/** Options of `createClient`. Timeouts are in milliseconds. */
export interface RedisClientOptions {
  /** `redis://[user[:password]@]host[:port][/db]`, `rediss://...`, `redis+unix:///path?db=N`; the other options override what it says. */
  url?: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 6379. */
  port?: number;
  /** A unix socket path instead of host and port. */
  path?: string;
  /** ACL user name (needs `password`). */
  username?: string;
  password?: string;
  /** The database every connection of the client is on (default 0). */
  database?: number;
  /** TLS: `true` (certificate verified against the system CAs and the host name), or the TLS settings. */
  tls?: boolean | RedisClientTlsOptions;
  /**
   * Hard cap on the connections the client opens to the server (default 10): the shared
   * multiplexed connection, the subscriber connection when something is subscribed, and the
   * pooled connections leased for blocking commands, transactions and `withConnection`. With
   * `poolSize: 1` there is no multiplexed connection: every command leases the one connection.
   */
  poolSize?: number;
  /** Bulk and status replies as Buffers (default false: UTF-8 strings). */
  returnBuffers?: boolean;
  /** The largest reply accepted, in bytes (default 512 MiB). */
  maxReplySize?: number;
  /** Connect (with TLS, AUTH and SELECT) timeout, default 10 s. */
  connectTimeout?: number;
  /**
   * How long a command waits for its reply (and a write for the kernel), default the cosocket
   * read timeout (60 s). Blocking commands get their own blocking time on top.
   */
  commandTimeout?: number;
  /** Callers allowed to wait for a pooled connection when all are in use (default 1000); one more rejects at once. */
  maxWaiting?: number;
  /** How long a caller waits for a pooled connection (default 10 s). */
  waitTimeout?: number;
  /** Commands queued or awaiting a reply on the multiplexed connection (default 10,000). */
  maxPending?: number;
  /** RESP version: only 2 for now (RESP3 is not supported yet). */
  protocol?: 2 | 3;
  /** Client-side caching: not supported yet (it needs RESP3). */
  clientSideCache?: { maxEntries: number; maxBytes?: number; ttl?: number; mode?: string };
}

/** Default `waitTimeout`: as long as a connect may take. */
export const DEFAULT_WAIT_TIMEOUT = 10_000;
/** Default `poolSize`. */
export const DEFAULT_CLIENT_POOL_SIZE = 10;

/** Everything a client needs, checked. */
export interface ResolvedClientOptions {
  /** Where and how every connection connects (host or `unix:/path`, port, AUTH/SELECT/TLS). */
  target: ConnectArgs;
  /** `host:port` or `unix:/path`, named by every error. */
  address: string;
  poolSize: number;
  maxWaiting: number | undefined;
  waitTimeout: number;
  maxPending: number | undefined;
  returnBuffers: boolean;
  maxReplySize: number | undefined;
  connectTimeout: number;
  /** 0: the cosocket read timeout. */
  commandTimeout: number;
}

/**
 * `createClient(url)`, `createClient(url, options)` or `createClient(options)`, resolved and
 * checked: a bad URL is a TypeError quoting it (password masked), a bad option a TypeError or
 * RangeError naming it.
 */
export function resolveClientOptions(
  urlOrOptions: string | RedisClientOptions | undefined,
  more: RedisClientOptions | undefined,
): ResolvedClientOptions {
  const options: RedisClientOptions = typeof urlOrOptions === 'string' ? { ...more, url: urlOrOptions } : { ...urlOrOptions, ...more };
  if (typeof urlOrOptions !== 'string' && urlOrOptions !== undefined && (typeof urlOrOptions !== 'object' || urlOrOptions === null)) {
    throw new TypeError(`createClient: a URL or an options object expected, got ${urlOrOptions === null ? 'null' : typeof urlOrOptions}`);
  }
  if (options.protocol !== undefined && options.protocol !== 2) {
    const what = options.protocol === 3 ? 'RESP3 (protocol: 3) is not supported yet' : `bad option protocol: ${String(options.protocol)}`;
    throw new RangeError(`${what}: use protocol: 2 (the default)`);
  }
  if (options.clientSideCache !== undefined) throw new TypeError('clientSideCache is not supported yet: client-side caching needs RESP3');
  const fromUrl = options.url === undefined ? { tls: false } : parseRedisUrl(options.url);
  const path = options.path ?? (options.host === undefined ? fromUrl.path : undefined);
  const host = options.host ?? (path === undefined ? (fromUrl.host ?? '127.0.0.1') : undefined);
  const port = options.port ?? fromUrl.port ?? DEFAULT_REDIS_PORT;
  if (path !== undefined && options.host !== undefined)
    throw new TypeError('bad options: host and path both given (a TCP host or a unix socket path)');
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw new TypeError('bad option host: a non-empty string expected');
  if (path !== undefined && (typeof path !== 'string' || path === '')) throw new TypeError('bad option path: a non-empty string expected');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bad option port: ${String(port)} (1-65535)`);
  const connect: RedisConnectOptions = {
    ...clientTls(options.tls ?? fromUrl.tls, host),
    username: options.username ?? fromUrl.username,
    password: options.password ?? fromUrl.password,
    database: options.database ?? fromUrl.database,
  };
  for (const key of ['username', 'password', 'database'] as const) if (connect[key] === undefined) delete connect[key];
  const target = path === undefined ? parseConnectArgs(host!, port, connect) : parseConnectArgs(`unix:${path}`, undefined, connect);
  return {
    target,
    address: addressOf(target),
    poolSize: count(options.poolSize, 'poolSize', 1) ?? DEFAULT_CLIENT_POOL_SIZE,
    maxWaiting: count(options.maxWaiting, 'maxWaiting', 0),
    maxPending: count(options.maxPending, 'maxPending', 1),
    waitTimeout: ms(options.waitTimeout, 'waitTimeout') || DEFAULT_WAIT_TIMEOUT,
    returnBuffers: options.returnBuffers === true,
    maxReplySize: options.maxReplySize,
    connectTimeout: ms(options.connectTimeout, 'connectTimeout') || DEFAULT_CLIENT_CONNECT_TIMEOUT,
    commandTimeout: ms(options.commandTimeout, 'commandTimeout'),
  };
}

function count(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new RangeError(`bad option ${name}: ${String(value)} (an integer >= ${min})`);
  return value;
}

/** A timeout option: undefined or 0 = the default; negative, non-finite or >= 2^31 throws. */
function ms(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 2 ** 31)
    throw new RangeError(`bad option ${name}: ${String(value)} (ms)`);
  return Math.trunc(value);
}
