import { badUrl } from 'cosocket';

/** Redis's port when a URL names none. */
export const DEFAULT_REDIS_PORT = 6379;

/** What a Redis URL says: where the server is, who to be, which database, whether TLS. */
export interface RedisUrl {
  /** Host name or IP address (an IPv6 literal without its brackets); absent for a unix socket. */
  host?: string;
  /** The port (6379 when the URL names none); absent for a unix socket. */
  port?: number;
  /** The unix socket path (`redis+unix://` and `unix://`). */
  path?: string;
  /** ACL user name (percent-decoded). */
  username?: string;
  /** Password (percent-decoded). */
  password?: string;
  /** The database from the path (`/2`) or `?db=2`; absent when the URL names none. */
  database?: number;
  /** `rediss://`: TLS, certificate verified. */
  tls: boolean;
}

const SCHEMES: Record<string, 'tcp' | 'tls' | 'unix'> = { redis: 'tcp', rediss: 'tls', 'redis+unix': 'unix', unix: 'unix' };

/**
 * Parses `redis://[user[:password]@]host[:port][/db]`, `rediss://...` (TLS) and
 * `redis+unix://[user[:password]@]/path/to/socket[?db=N]` (`unix://` too). User info and the
 * socket path are percent-decoded, an IPv6 literal goes in brackets (`redis://[::1]:6380`),
 * and `?db=N` may name the database in any form. Throws a `TypeError` quoting the URL with the
 * password masked and saying what is wrong.
 */
export function parseRedisUrl(url: string): RedisUrl {
  if (typeof url !== 'string') throw new TypeError(`bad URL: string expected, got ${url === null ? 'null' : typeof url}`);
  const bad = (problem: string): TypeError => badUrl(url, problem);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (scheme === null) throw bad('expected redis://, rediss://, redis+unix:// or unix:// at the start');
  const kind = SCHEMES[scheme[1]!.toLowerCase()];
  if (kind === undefined) throw bad(`unsupported scheme "${scheme[1]!}:" (redis://, rediss://, redis+unix:// or unix://)`);
  let rest = url.slice(scheme[0].length);
  if (rest.includes('#')) throw bad('a fragment (#...) has no meaning here; percent-encode a # in the password as %23');
  const q = rest.indexOf('?');
  const query = q === -1 ? '' : rest.slice(q + 1);
  if (q !== -1) rest = rest.slice(0, q);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const pathPart = slash === -1 ? '' : rest.slice(slash);
  if (kind !== 'unix' && pathPart.includes('@')) throw bad('the user info holds a "/": percent-encode it as %2F');
  const at = authority.lastIndexOf('@');
  const out: RedisUrl = { tls: kind === 'tls', ...userInfo(at === -1 ? null : authority.slice(0, at), bad) };
  const hostPart = at === -1 ? authority : authority.slice(at + 1);
  if (kind === 'unix') {
    if (hostPart !== '' && hostPart !== 'localhost')
      throw bad(`a unix socket URL has no host ("${hostPart}"): write redis+unix:///path/to/redis.sock`);
    if (pathPart === '' || pathPart === '/') throw bad('missing the socket path (redis+unix:///path/to/redis.sock)');
    out.path = decode(pathPart, 'the socket path', bad);
  } else {
    Object.assign(out, hostAndPort(hostPart, bad));
    const db = pathPart.replace(/^\//, '');
    if (db !== '') out.database = databaseNumber(db, 'the database (the path after the port)', bad);
  }
  applyQuery(out, query, bad);
  return out;
}

function userInfo(info: string | null, bad: (problem: string) => TypeError): Pick<RedisUrl, 'username' | 'password'> {
  if (info === null) return {};
  const colon = info.indexOf(':');
  if (colon === -1) {
    if (info === '') return {};
    throw bad('a user name needs a password (redis://user:password@host), and a password alone is written redis://:password@host');
  }
  const username = decode(info.slice(0, colon), 'the user name', bad);
  const password = decode(info.slice(colon + 1), 'the password', bad);
  if (password === '') {
    if (username !== '') throw bad('the password is empty');
    return {};
  }
  return username === '' ? { password } : { username, password };
}

function hostAndPort(part: string, bad: (problem: string) => TypeError): Pick<RedisUrl, 'host' | 'port'> {
  let host: string;
  let port: string | undefined;
  if (part.startsWith('[')) {
    const close = part.indexOf(']');
    if (close === -1) throw bad('an IPv6 address opened with [ is not closed with ]');
    // A zone index is written %25 in a URL (RFC 6874): fe80::1%25eth0 is fe80::1%eth0.
    host = decode(part.slice(1, close), 'the IPv6 address', bad);
    const after = part.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw bad(`unexpected "${after}" after the IPv6 address`);
    if (after !== '') port = after.slice(1);
    if (!/^[0-9A-Fa-f:.]+(%\w+)?$/.test(host) || !host.includes(':')) throw bad(`"[${host}]" is not an IPv6 address`);
  } else {
    const colon = part.indexOf(':');
    if (part.indexOf(':', colon + 1) !== -1) throw bad('an IPv6 address must be written in brackets, e.g. redis://[::1]:6379');
    host = colon === -1 ? part : part.slice(0, colon);
    if (colon !== -1) port = part.slice(colon + 1);
  }
  if (host === '') throw bad('missing the host');
  if (/[\s/?#@[\]\\]/.test(host)) throw bad(`"${host}" is not a host name`);
  if (port === undefined || port === '') return { host, port: DEFAULT_REDIS_PORT };
  if (!/^\d+$/.test(port)) throw bad(`the port "${port}" is not a number`);
  const n = Number(port);
  if (n < 1 || n > 65535) throw bad(`the port ${port} is out of range (1-65535)`);
  return { host, port: n };
}

function applyQuery(out: RedisUrl, query: string, bad: (problem: string) => TypeError): void {
  if (query === '') return;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq), 'an option name', bad);
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1), `the option ${name}`, bad);
    if (name !== 'db') throw bad(`unknown option "${name}" (the only URL option is db; pass others to createClient)`);
    const db = databaseNumber(value, 'the db option', bad);
    if (out.database !== undefined && out.database !== db) throw bad(`two databases: ${out.database} in the path and ${db} in ?db=`);
    out.database = db;
  }
}

function databaseNumber(text: string, what: string, bad: (problem: string) => TypeError): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw bad(`${what} "${text}" is not a database number`);
  return Number(text);
}

function decode(text: string, what: string, bad: (problem: string) => TypeError): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw bad(`${what} holds a malformed percent-escape`);
  }
}
