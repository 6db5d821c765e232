import { createHash } from 'node:crypto';
import { checkTlsOptions, tlsPoolTag } from 'cosocket';
import { encodeCommand, RequestBuilder } from './encoder.js';
import type { RedisConnectOptions } from './types.js';

/** `connect(host, port, opts?)` or `connect('unix:/path', opts?)`, normalised. */
export interface ConnectArgs {
  host: string;
  port: number | string | undefined;
  options: RedisConnectOptions;
}

export function parseConnectArgs(host: unknown, port: unknown, options: unknown): ConnectArgs {
  if (typeof port === 'object' && port !== null) {
    options = port;
    port = undefined;
  }
  if (typeof host !== 'string') throw new TypeError(`bad argument #1 host: string expected, got ${host === null ? 'null' : typeof host}`);
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`bad argument opts: object expected, got ${options === null ? 'null' : typeof options}`);
  }
  const opts = (options ?? {}) as RedisConnectOptions;
  const db = opts.database;
  if (db !== undefined && (typeof db !== 'number' || !Number.isInteger(db) || db < 0)) {
    throw new TypeError(`bad option database: non-negative integer expected, got ${String(db)}`);
  }
  for (const key of ['username', 'password', 'serverName', 'pool'] as const) {
    const value = opts[key];
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`bad option ${key}: string expected, got ${typeof value}`);
  }
  if (opts.username && !opts.password) throw new TypeError('bad option username: a password is required with it');
  checkTlsOptions(opts);
  return { host, port: port as number | string | undefined, options: opts };
}

/** `host:port` or `unix:/path`: the address every error of a connection names. */
export function addressOf({ host, port }: Pick<ConnectArgs, 'host' | 'port'>): string {
  return port === undefined ? host : `${host}:${String(port)}`;
}

/**
 * The default pool name: connections differing in anything that changes what the next user
 * gets — address, database, ACL user, password, TLS settings — never share a pool. The password
 * is represented by a digest so it does not appear in pool statistics or logs.
 */
export function defaultPoolName(args: ConnectArgs): string {
  const o = args.options;
  const target = addressOf(args);
  const user = o.username ? encodeURIComponent(o.username) : '';
  const digest = o.password ? createHash('sha256').update(o.password).digest('hex').slice(0, 32) : '';
  const tls = tlsPoolTag(o);
  return `redis:${target}:${o.database ?? 0}:${user}:${digest}:${tls}`;
}

/** What a fresh connection sends first, in one write: AUTH and SELECT as the options ask (maybe nothing). */
export function handshakeRequest(o: RedisConnectOptions): RequestBuilder {
  const request = new RequestBuilder();
  if (o.password) request.add(encodeCommand('AUTH', o.username ? [o.username, o.password] : [o.password]));
  if (o.database) request.add(encodeCommand('SELECT', [o.database]));
  return request;
}
