import { checkTimeout } from './config.js';
import type { Target } from './connector.js';
import { CosocketError } from './errors.js';

/** Misuse checks shared by the socket methods: they throw before any I/O. */

export interface ConnectOptions {
  /** Pool name; defaults to `host:port` or the `unix:` path. */
  pool?: string | number | undefined;
  /** Size of the pool if this connect creates it. */
  poolSize?: number | undefined;
  /** Queue length for connects beyond `poolSize` (enables connection limiting). */
  backlog?: number | undefined;
}

export interface ParsedConnect {
  target: Target;
  key: string;
  options: ConnectOptions;
}

/** `connect(host, port, opts?)` or `connect('unix:/path', opts?)` (cosocket.md §4.1). */
export function parseConnectArgs(host: unknown, port: unknown, options: unknown): ParsedConnect {
  if (typeof port === 'object' && port !== null) {
    options = port;
    port = undefined;
  }
  if (typeof host !== 'string') throw new TypeError(`bad host argument: string expected, got ${typeof host}`);
  const opts = checkConnectOptions(options);
  let target: Target;
  let key: string;
  if (/^unix:/i.test(host)) {
    target = { path: host.slice(5) };
    key = port === undefined || port === null ? host : `${host}:${String(port)}`;
  } else {
    if (port === undefined || port === null || port === '' || Number.isNaN(Number(port))) {
      throw new CosocketError('missing the port number');
    }
    const portNumber = Number(port);
    if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) {
      throw new CosocketError(`bad port number: ${String(port)}`);
    }
    if (host === '') throw new CosocketError('failed to parse host name "": no host');
    target = { host, port: portNumber };
    key = `${host}:${portNumber}`;
  }
  if (opts.pool !== undefined) key = String(opts.pool);
  return { target, key, options: opts };
}

function checkConnectOptions(options: unknown): ConnectOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new TypeError(`bad options argument: object expected, got ${typeof options}`);
  const opts = options as ConnectOptions;
  if (opts.pool !== undefined && typeof opts.pool !== 'string' && typeof opts.pool !== 'number') {
    throw new TypeError(`bad "pool" option type: ${typeof opts.pool}`);
  }
  if (opts.poolSize !== undefined) checkPoolSize(opts.poolSize);
  if (opts.backlog !== undefined) {
    if (typeof opts.backlog !== 'number' || !Number.isInteger(opts.backlog) || opts.backlog < 0) {
      throw new RangeError(`bad "backlog" option value: ${String(opts.backlog)}`);
    }
  }
  return opts;
}

export function checkPoolSize(size: unknown): asserts size is number {
  if (typeof size !== 'number') throw new TypeError(`bad "pool_size" option type: ${typeof size}`);
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`bad "pool_size" option value: ${size}`);
}

/** A timeout in ms, truncated to an integer; 0 and undefined mean "the configured default". */
export function toTimeout(value: unknown): number {
  checkTimeout(value);
  return value === undefined ? 0 : Math.trunc(value);
}

/** What `receive(pattern)` reads. */
export type ReceiveMode = { kind: 'line' } | { kind: 'all' } | { kind: 'bytes'; n: number };

export function parseReceivePattern(pattern: unknown): ReceiveMode {
  if (pattern === undefined || pattern === '*l') return { kind: 'line' };
  if (pattern === '*a') return { kind: 'all' };
  const n = typeof pattern === 'number' ? pattern : typeof pattern === 'string' && /^\s*\d+\s*$/.test(pattern) ? Number(pattern) : NaN;
  if (typeof pattern === 'string' && Number.isNaN(n)) throw new TypeError(`bad pattern argument: ${pattern}`);
  if (Number.isNaN(n) || !Number.isFinite(n)) throw new TypeError('bad argument');
  if (n < 0) throw new RangeError('bad number argument');
  return { kind: 'bytes', n: Math.trunc(n) };
}

export function parseMax(max: unknown): number {
  if (typeof max !== 'number' || !Number.isFinite(max) || Math.trunc(max) <= 0) throw new RangeError('bad max argument');
  return Math.trunc(max);
}

export function parseUntilSize(size: unknown): number {
  if (size === undefined) return 0;
  if (typeof size !== 'number' || !Number.isInteger(size)) throw new TypeError('bad size argument: integer expected');
  return Math.max(0, size);
}

export function parseUntilPattern(pattern: unknown, options: unknown): { pattern: Buffer; inclusive: boolean } {
  let bytes: Buffer;
  if (typeof pattern === 'string') bytes = Buffer.from(pattern);
  else if (pattern instanceof Uint8Array) bytes = Buffer.from(pattern);
  else throw new TypeError(`bad pattern argument: string expected, got ${typeof pattern}`);
  // lua-nginx-module returns `nil, "pattern is empty"` (a soft error, not a thrown one).
  if (bytes.length === 0) throw new CosocketError('pattern is empty');
  let inclusive = false;
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null) throw new TypeError('bad options argument: object expected');
    const value = (options as { inclusive?: unknown }).inclusive;
    if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`bad "inclusive" option value type: ${typeof value}`);
    inclusive = value === true;
  }
  return { pattern: bytes, inclusive };
}
