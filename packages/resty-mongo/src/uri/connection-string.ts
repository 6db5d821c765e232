/**
 * `parseConnectionString`: the MongoDB Connection String specification (scheme, user info,
 * hosts, auth database, options), the URI Options specification (option names, types and
 * forbidden combinations), and the connection string rules of the authentication, seedlist
 * discovery, load balancer, SOCKS5 and max staleness specifications. It returns the shape of the
 * Connection String specification's tests; `mongodb+srv://` is parsed, not resolved.
 */
import { MongoParseError } from '../errors.js';
import { checkCredential, type MongoCredential } from './auth-rules.js';
import { checkCombinations } from './combinations.js';
import { parseHosts, type ConnectionStringHost } from './hosts.js';
import type { ConnectionStringOptions } from './options.js';
import { type Fail, parseQuery, percentDecode } from './query.js';

export type { ConnectionStringOptions };
export type { ConnectionStringHost, HostType } from './hosts.js';

/** The user info and the auth database; `null` for each part the string does not give. */
export interface ConnectionStringAuth {
  username: string | null;
  password: string | null;
  db: string | null;
}

/** The result of `parseConnectionString`, in the shape of the specification's tests. */
export interface ParsedConnectionString {
  /** In the order given; `port` is `null` when absent (the default, 27017, is the client's). */
  hosts: ConnectionStringHost[];
  /** An object whenever the string has user info or a database, else `null`. */
  auth: ConnectionStringAuth | null;
  /** The options given, by their URI Options specification names. */
  options: ConnectionStringOptions;
  /** Unknown options, invalid values (ignored), repeated or deprecated keys: one line each. */
  warnings: string[];
}

const SCHEMES = ['mongodb://', 'mongodb+srv://'] as const;

// RFC 3986 "userinfo": unreserved, pct-encoded, sub-delims and ":" (non-ASCII let through).
const USERINFO_FORBIDDEN = /[^A-Za-z0-9\-._~!$&'()*+,;=:%\u0080-\uFFFF]/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const DATABASE_FORBIDDEN = /[/\\ "$\0]/;

/**
 * Parses a `mongodb://` or `mongodb+srv://` connection string. Throws `MongoParseError` (a
 * `TypeError` quoting the string, passwords masked) for every case the specifications call
 * invalid; reports the rest in `warnings`.
 */
export function parseConnectionString(uri: string): ParsedConnectionString {
  if (typeof uri !== 'string') throw new MongoParseError(String(uri), 'a connection string must be a string');
  return parseWithCredential(uri).parsed;
}

/**
 * The credential that the connection string alone configures (auth spec), or `null` when it asks
 * for no authentication. Stricter than `parseConnectionString`: what code could still supply (a
 * SCRAM or PLAIN password, an OIDC callback) must be there.
 */
export function credentialFromUri(uri: string): MongoCredential | null {
  const { parsed, hasUserInfo, fail } = parseWithCredential(uri);
  return checkCredential(parsed.auth, parsed.options, hasUserInfo, true, fail);
}

function parseWithCredential(uri: string): { parsed: ParsedConnectionString; hasUserInfo: boolean; fail: Fail } {
  const fail: Fail = (problem) => new MongoParseError(uri, problem);
  const scheme = SCHEMES.find((s) => uri.startsWith(s));
  if (scheme === undefined) throw fail('the scheme must be mongodb:// or mongodb+srv://');
  const srv = scheme === 'mongodb+srv://';
  const rest = uri.slice(scheme.length);

  // The host information ends at the first "/" or "?" (the "/" may be left out before options).
  const hostEnd = rest.search(/[/?]/);
  const hostInfo = hostEnd === -1 ? rest : rest.slice(0, hostEnd);
  const afterHosts = hostEnd === -1 ? '' : rest.slice(hostEnd);
  const queryStart = afterHosts.indexOf('?');
  const path = queryStart === -1 ? afterHosts : afterHosts.slice(0, queryStart);
  const query = queryStart === -1 ? '' : afterHosts.slice(queryStart + 1);
  if (path.includes('@')) throw fail('an "@" after a "/": a user name or password must be URL encoded (write "/" as %2F, "@" as %40)');
  if (hostInfo === '' && /\.sock(?:\/|$)/.test(path)) throw fail('a unix socket path must be URL encoded (write each "/" as %2F)');

  const at = hostInfo.lastIndexOf('@');
  const hasUserInfo = at !== -1;
  const userInfo = hasUserInfo ? parseUserInfo(hostInfo.slice(0, at), fail) : null;
  const hostList = hostInfo.slice(at + 1);
  if (hostList === '') throw fail('missing the host');
  const hosts = parseHosts(hostList, fail);
  if (srv) checkSrvHost(hosts, fail);

  const encodedDatabase = path.slice(1);
  const database = encodedDatabase === '' ? null : percentDecode(encodedDatabase, 'the database name', fail);
  if (database !== null && DATABASE_FORBIDDEN.test(database)) throw fail(`the database name "${database}" holds one of / \\ space " $`);
  const auth =
    userInfo === null && database === null ? null : { username: userInfo?.username ?? null, password: userInfo?.password ?? null, db: database };

  const warnings: string[] = [];
  const { options, present, tlsValues } = parseQuery(query, fail, warnings);
  checkCombinations({ srv, hostCount: hosts.length, options, present, tlsValues }, fail);
  checkCredential(auth, options, hasUserInfo, false, fail);
  return { parsed: { hosts, auth, options, warnings }, hasUserInfo, fail };
}

/** `user[:password]`, each URL encoded (Connection String spec, "Userinfo"). */
function parseUserInfo(userInfo: string, fail: Fail): { username: string; password: string | null } {
  const mustEncode = 'a user name and password must be URL encoded';
  if (userInfo.includes('@')) throw fail(`${mustEncode}: the user info holds an unescaped "@" (write it %40)`);
  const colon = userInfo.indexOf(':');
  const encodedUser = colon === -1 ? userInfo : userInfo.slice(0, colon);
  const encodedPassword = colon === -1 ? null : userInfo.slice(colon + 1);
  if (encodedPassword?.includes(':')) throw fail(`${mustEncode}: the password holds an unescaped ":" (write it %3A)`);
  if (BAD_PERCENT.test(userInfo)) throw fail(`${mustEncode}: a "%" is not followed by two hex digits (write it %25)`);
  const forbidden = USERINFO_FORBIDDEN.exec(userInfo);
  if (forbidden !== null) throw fail(`${mustEncode}: the user info holds an unescaped "${forbidden[0]}"`);
  return {
    username: percentDecode(encodedUser, 'the user name', fail),
    password: encodedPassword === null ? null : percentDecode(encodedPassword, 'the password', fail),
  };
}

/** Seedlist discovery: one host name, no port, before any DNS query. */
function checkSrvHost(hosts: ConnectionStringHost[], fail: Fail): void {
  if (hosts.length !== 1) throw fail('mongodb+srv:// takes exactly one host name');
  const [host] = hosts as [ConnectionStringHost];
  if (host.port !== null) throw fail('mongodb+srv:// takes no port');
  if (host.type !== 'hostname') throw fail(`mongodb+srv:// needs a DNS host name, not ${host.type === 'unix' ? 'a unix socket' : 'an IP address'}`);
}
