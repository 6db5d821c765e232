/**
 * `createClient` options: their types, defaults and checks. A bad option throws at creation
 * (TypeError / RangeError), so a typo never turns into a silent default.
 */
import { clientTls, DEFAULT_CLIENT_CONNECT_TIMEOUT, type ClientLayerTls, type ClientTlsOptions } from 'cosocket';
import type { MemcachedOptions } from '../commands/codec.js';

/**
 * The server-ring options of api.md. They belong to the server-ring issue: accepted by the types
 * so code written for the ring compiles, refused at creation for now.
 */
export interface MemcachedRingOptions {
  /** How keys map to servers: `ketama` (consistent hashing, libmemcached-compatible) or `modula`. */
  distribution?: 'ketama' | 'modula';
  /** A weight per server address. */
  weights?: Readonly<Record<string, number>>;
  /** Failures in a row after which a server counts as down. */
  failureLimit?: number;
  /** ms before a server counted as down is tried again. */
  retryTimeout?: number;
  /** Whether a down server leaves the ring (its keys move) instead of failing its keys. */
  remove?: boolean;
}

/** Options of `createClient(server, options)`. */
export interface MemcachedClientOptions<B extends boolean = false> extends MemcachedOptions<B>, MemcachedRingOptions {
  /**
   * The most connections open to the server at once, the multiplexed connection included
   * (default 10): every command shares the multiplexed one; `withConnection` leases one of the
   * other `poolSize - 1`.
   */
  poolSize?: number;
  /** ms to connect, TLS included (default 10,000). */
  connectTimeout?: number;
  /**
   * TLS (memcached started with `-Z`): `true` (certificate verified, SNI from the host name), or
   * `{ ca, serverName, sslVerify }`. Off by default.
   */
  tls?: ClientLayerTls;
  /** ms a send or a reply may stall before the command fails with `timeout` (default: cosocket's, 60 s). */
  timeout?: number;
  /** ms a reply may stall, overriding `timeout` for reads. */
  readTimeout?: number;
  /** Callers allowed to wait for a free `withConnection` connection (default 1,000); beyond: rejects at once. */
  maxWaiting?: number;
  /** ms a `withConnection` caller waits for a free connection before `timeout` (default 10,000). */
  waitTimeout?: number;
  /** Commands queued or awaiting a reply on the shared connection (default 10,000); beyond: rejects at once. */
  maxPending?: number;
}

/** The options after defaults and checks. */
export interface ClientSettings {
  readonly poolSize: number;
  /** The socket-level TLS options (`{}`: plain text). */
  readonly tls: ClientTlsOptions;
  readonly connectTimeout: number;
  readonly sendTimeout: number;
  readonly readTimeout: number;
  readonly maxWaiting: number | undefined;
  readonly waitTimeout: number;
  readonly maxPending: number | undefined;
}

export const DEFAULT_POOL_SIZE = 10;
/** ms a `withConnection` caller waits for a free connection by default. */
export const DEFAULT_WAIT_TIMEOUT = 10_000;

/** What the server-ring issue will bring: the message of every refusal until then. */
export const RING_LATER =
  'the server ring (several servers; distribution, weights, failureLimit, retryTimeout, remove) comes with the server-ring issue: this client talks to one server';

const RING_KEYS = ['distribution', 'weights', 'failureLimit', 'retryTimeout', 'remove'] as const;
const CODEC_KEYS = ['keyTransform', 'returnBuffers', 'maxValueSize', 'maxLineLength'] as const;
const CLIENT_KEYS = ['poolSize', 'connectTimeout', 'tls', 'timeout', 'readTimeout', 'maxWaiting', 'waitTimeout', 'maxPending'] as const;
const KNOWN = new Set<string>([...RING_KEYS, ...CODEC_KEYS, ...CLIENT_KEYS]);

/** Checks the options; the codec options are checked by `codecOf`, the pool's by `ClientPool`. */
export function clientSettings(options: unknown, host: string | undefined): ClientSettings {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`bad options: object expected, got ${options === null ? 'null' : typeof options}`);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new TypeError(`unknown option ${JSON.stringify(key)}`);
  }
  const ring = RING_KEYS.filter((key) => o[key] !== undefined);
  if (ring.length > 0) throw new TypeError(`option ${ring.join(', ')} refused: ${RING_LATER}`);
  const timeout = ms(o.timeout, 'timeout') ?? 0;
  return {
    poolSize: count(o.poolSize, 'poolSize') ?? DEFAULT_POOL_SIZE,
    tls: clientTls(o.tls as ClientLayerTls | undefined, host),
    connectTimeout: ms(o.connectTimeout, 'connectTimeout') ?? DEFAULT_CLIENT_CONNECT_TIMEOUT,
    sendTimeout: timeout,
    readTimeout: ms(o.readTimeout, 'readTimeout') ?? timeout,
    maxWaiting: count(o.maxWaiting, 'maxWaiting', 0),
    waitTimeout: ms(o.waitTimeout, 'waitTimeout') ?? DEFAULT_WAIT_TIMEOUT,
    maxPending: count(o.maxPending, 'maxPending'),
  };
}

/** An integer ≥ `min`, or undefined when not given. */
function count(value: unknown, name: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`bad ${name}: ${String(value)} (expected an integer ≥ ${min})`);
  }
  return value;
}

/** A duration in ms (> 0), or undefined when not given. */
function ms(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(`bad ${name}: ${String(value)} (expected ms > 0)`);
  return Math.ceil(value);
}
