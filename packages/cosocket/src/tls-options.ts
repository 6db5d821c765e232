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
  if (o.serverName !== undefined && typeof o.serverName !== 'string') throw new TypeError(`bad option serverName: string expected, got ${typeof o.serverName}`);
  if (o.ssl === true) return;
  for (const key of ['sslVerify', 'serverName', 'ca'] as const) {
    if (o[key] !== undefined) throw new TypeError(`bad option ${key}: only meaningful with ssl: true`);
  }
}
