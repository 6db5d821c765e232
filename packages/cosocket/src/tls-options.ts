import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

/** The TLS part of a client's connect options (resty-redis, resty-memcached, resty-mongo). */
export interface TlsConnectOptions {
  ssl?: unknown;
  sslVerify?: unknown;
  serverName?: unknown;
  ca?: unknown;
}

/**
 * Throws `TypeError` unless `ssl` and `sslVerify` are booleans and the TLS-only options
 * (`sslVerify`, `serverName`, `ca`) come with `ssl: true`: a typo such as `ssl: 'yes'` or a
 * lone `ca` must not quietly connect in plain text.
 */
export function checkTlsOptions(o: TlsConnectOptions): void {
  for (const key of ['ssl', 'sslVerify'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new TypeError(`bad option ${key}: boolean expected, got ${typeof o[key]}`);
  }
  if (o.serverName !== undefined && typeof o.serverName !== 'string')
    throw new TypeError(`bad option serverName: string expected, got ${typeof o.serverName}`);
  if (o.ssl === true) return;
  for (const key of ['sslVerify', 'serverName', 'ca'] as const) {
    if (o[key] !== undefined) throw new TypeError(`bad option ${key}: only meaningful with ssl: true`);
  }
}

/** The TLS connect options every client takes: typed and documented once. */
export interface ClientTlsOptions {
  /** Do a TLS handshake after connecting, on fresh connections (default false). */
  ssl?: boolean;
  /**
   * Verify the server certificate (default true: unlike lua-resty-*, an unverified TLS
   * connection must be asked for with `sslVerify: false`).
   */
  sslVerify?: boolean;
  /** SNI name, also checked against the certificate when verifying. */
  serverName?: string;
  /** CA certificates to trust for verification (default: configure's `sslTrustedCertificate`). */
  ca?: string | Buffer | (string | Buffer)[];
}

/** The socket call `startTls` makes; a cosocket `TcpSocket` has it. */
interface TlsCapable {
  sslHandshake(options: { serverName?: string | undefined; verify?: boolean; ca?: ClientTlsOptions['ca'] }): Promise<unknown>;
}

/**
 * The handshake of a client's connect when `ssl` is on (options already checked by
 * `checkTlsOptions`); `defaultServerName` applies when `serverName` is not given.
 */
export async function startTls(sock: TlsCapable, o: ClientTlsOptions, defaultServerName?: string): Promise<void> {
  if (o.ssl !== true) return;
  await sock.sslHandshake({ serverName: o.serverName ?? defaultServerName, verify: o.sslVerify !== false, ca: o.ca });
}

/**
 * The TLS part of a client's default pool name: connections made with different TLS settings
 * (plain or TLS, server name, verification, trusted CAs) never share a pool, so a caller that
 * asks for a verified connection never gets one made with `sslVerify: false`. `plain`, or
 * `tls(<serverName>,verify|noverify[,ca:<digest>])`.
 */
export function tlsPoolTag(o: ClientTlsOptions): string {
  if (o.ssl !== true) return 'plain';
  const cas = o.ca === undefined ? [] : Array.isArray(o.ca) ? o.ca : [o.ca];
  const ca =
    cas.length === 0
      ? ''
      : `,ca:${cas
          .reduce((h, c) => h.update(c), createHash('sha256'))
          .digest('hex')
          .slice(0, 16)}`;
  return `tls(${encodeURIComponent(o.serverName ?? '')},${o.sslVerify === false ? 'noverify' : 'verify'}${ca})`;
}

/** The client layer's `tls` option: `true` (verified, SNI from the host name), or TLS settings beyond "on". */
export type ClientLayerTls = boolean | Omit<ClientTlsOptions, 'ssl'>;

/**
 * `createClient({ tls })` as the socket-level connect options (`{}` for plain text). The SNI
 * name defaults to the host when it is a name, not an IP address (SNI carries names only).
 */
export function clientTls(tls: ClientLayerTls | undefined, host: string | undefined): ClientTlsOptions {
  if (tls === undefined || tls === false) return {};
  if (tls !== true && (typeof tls !== 'object' || tls === null))
    throw new TypeError(`bad option tls: true, false or TLS options expected, got ${typeof tls}`);
  const settings = tls === true ? {} : tls;
  const serverName = settings.serverName ?? (host === undefined || isIP(host) !== 0 ? undefined : host);
  const out: ClientTlsOptions = { ssl: true };
  if (settings.sslVerify !== undefined) out.sslVerify = settings.sslVerify;
  if (serverName !== undefined) out.serverName = serverName;
  if (settings.ca !== undefined) out.ca = settings.ca;
  checkTlsOptions(out);
  return out;
}
