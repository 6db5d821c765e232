// STAND-IN: replaced by the i17-mongo-uri branch
//
// The simple cases of `parseConnectionString` that the client layer needs until the real parser
// (connection string and URI options specifications) lands; the result has api.md's shape.
import { badUrl } from 'cosocket';

/** One host of a connection string. */
export interface ParsedHost {
  type: 'ipv4' | 'ip_literal' | 'hostname' | 'unix';
  host: string;
  port: number | null;
}

/** What `parseConnectionString` returns (the specification tests' shape). */
export interface ConnectionString {
  hosts: ParsedHost[];
  auth: { username: string | null; password: string | null; db: string | null } | null;
  options: Record<string, unknown>;
  warnings: string[];
}

const NUMBERS = [
  'connectTimeoutMS',
  'socketTimeoutMS',
  'maxPoolSize',
  'minPoolSize',
  'waitQueueTimeoutMS',
  'wtimeoutMS',
  'serverSelectionTimeoutMS',
  'heartbeatFrequencyMS',
  'localThresholdMS',
  'maxStalenessSeconds',
  'maxIdleTimeMS',
  'maxConnecting',
];
const BOOLEANS = [
  'tls',
  'ssl',
  'tlsAllowInvalidCertificates',
  'tlsAllowInvalidHostnames',
  'tlsInsecure',
  'directConnection',
  'journal',
  'retryWrites',
  'retryReads',
  'loadBalanced',
];
const STRINGS = ['authSource', 'authMechanism', 'appName', 'replicaSet', 'readPreference', 'tlsCAFile', 'tlsCertificateKeyFile', 'compressors'];
const CANONICAL = new Map([...NUMBERS, ...BOOLEANS, ...STRINGS, 'w'].map((name) => [name.toLowerCase(), name]));

/** Parses the simple cases: `mongodb://[user[:pass]@]host[:port][,host...][/db][?options]`. */
export function parseConnectionString(uri: string): ConnectionString {
  const match = /^mongodb(\+srv)?:\/\/([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (match === null) throw badUrl(uri, 'not a mongodb:// connection string');
  const [, , authority = '', path = '', query = ''] = match;
  const at = authority.lastIndexOf('@');
  let auth: ConnectionString['auth'] = null;
  if (at !== -1) {
    const info = authority.slice(0, at);
    const colon = info.indexOf(':');
    auth = {
      username: decodeURIComponent(colon === -1 ? info : info.slice(0, colon)),
      password: colon === -1 ? null : decodeURIComponent(info.slice(colon + 1)),
      db: null,
    };
  }
  const hosts = authority
    .slice(at + 1)
    .split(',')
    .map((h) => parseHost(uri, h));
  if (path !== '') auth = { username: null, password: null, ...auth, db: decodeURIComponent(path) };
  const options: Record<string, unknown> = {};
  for (const pair of query === '' ? [] : query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq === -1) throw badUrl(uri, `option ${pair} has no value`);
    const key = decodeURIComponent(pair.slice(0, eq));
    const name = CANONICAL.get(key.toLowerCase()) ?? key;
    options[name] = typed(uri, name, decodeURIComponent(pair.slice(eq + 1)));
  }
  return { hosts, auth, options, warnings: [] };
}

function parseHost(uri: string, text: string): ParsedHost {
  if (text === '') throw badUrl(uri, 'missing the host');
  if (text.includes('%2F') || text.includes('%2f')) return { type: 'unix', host: decodeURIComponent(text), port: null };
  const literal = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (literal !== null) return { type: 'ip_literal', host: literal[1]!, port: literal[2] === undefined ? null : Number(literal[2]) };
  const colon = text.lastIndexOf(':');
  const host = colon === -1 ? text : text.slice(0, colon);
  const portText = colon === -1 ? undefined : text.slice(colon + 1);
  if (portText !== undefined && !/^\d+$/.test(portText)) throw badUrl(uri, `bad port ${portText}`);
  const type = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? 'ipv4' : 'hostname';
  return { type, host: host.toLowerCase(), port: portText === undefined ? null : Number(portText) };
}

function typed(uri: string, name: string, value: string): unknown {
  if (NUMBERS.includes(name)) {
    if (!/^-?\d+$/.test(value)) throw badUrl(uri, `${name} must be an integer`);
    return Number(value);
  }
  if (BOOLEANS.includes(name)) {
    if (value !== 'true' && value !== 'false') throw badUrl(uri, `${name} must be true or false`);
    return value === 'true';
  }
  if (name === 'w') return /^-?\d+$/.test(value) ? Number(value) : value;
  return value;
}
