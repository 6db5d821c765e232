/**
 * Server addresses for `createClient`: `host[:port]`, `[v6]:port`, `memcached://host[:port]`,
 * `unix:/path`, a comma-separated list of them (memjs's `MEMCACHIER_SERVERS` form), an object
 * `{ host, port? }`, or an array of any of these. The port defaults to 11211. A malformed
 * address throws cosocket's `badUrl` TypeError, which quotes it and says what is wrong.
 */
import { badUrl } from 'cosocket';

/** memcached's port when none is given. */
export const DEFAULT_PORT = 11211;

/** One server, as `createClient` takes it: an address string or `{ host, port? }`. */
export type MemcachedServer = string | { readonly host: string; readonly port?: number | undefined };

/** A parsed server: what `connect` takes, and how errors name it. */
export interface MemcachedServerAddress {
  /** A host name or IP (an IPv6 address without its brackets), or `unix:/path`. */
  readonly host: string;
  /** The TCP port; undefined for a unix socket. */
  readonly port: number | undefined;
  /** `host:port`, `[::1]:11211` or `unix:/path`: what every error names. */
  readonly address: string;
}

// A host name or an IPv4 address: what memcached clients put before the colon.
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;
const DIGITS = /^\d{1,5}$/;

/** Every server of `servers` (one, a list string, or an array), in order. */
export function parseServers(servers: MemcachedServer | readonly MemcachedServer[]): MemcachedServerAddress[] {
  const list: readonly unknown[] = Array.isArray(servers) ? servers : [servers];
  const parsed: MemcachedServerAddress[] = [];
  for (const server of list) {
    if (typeof server === 'string') {
      if (server.includes(',') && !server.startsWith('unix:')) {
        for (const part of server.split(',')) parsed.push(parseAddress(part.trim(), server));
      } else {
        parsed.push(parseAddress(server, server));
      }
    } else {
      parsed.push(parseObject(server));
    }
  }
  if (parsed.length === 0) throw new TypeError('bad servers: no server given (expected "host[:port]" or a list of them)');
  return parsed;
}

/**
 * One address string. `whole` is what the caller wrote (a list, for one of its parts), quoted
 * by the error.
 */
function parseAddress(text: string, whole: string): MemcachedServerAddress {
  if (text === '') throw badUrl(whole, whole === '' ? 'empty' : 'an empty server in the list');
  if (text.startsWith('unix:')) {
    const path = text.slice(5);
    if (path === '') throw badUrl(whole, 'missing the socket path after unix:');
    return { host: text, port: undefined, address: text };
  }
  let rest = text;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (scheme !== null) {
    if (scheme[1]!.toLowerCase() !== 'memcached') throw badUrl(whole, `unknown scheme ${scheme[1]}:// (expected memcached:// or none)`);
    rest = rest.slice(scheme[0].length).replace(/\/$/, '');
    if (rest.includes('@')) throw badUrl(whole, 'user info is not supported (the text protocol has no authentication)');
    if (/[/?#]/.test(rest)) throw badUrl(whole, 'a path, query or fragment is not supported');
  }
  if (rest === '') throw badUrl(whole, 'missing the host');
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) throw badUrl(whole, 'missing the closing ] of an IPv6 address');
    host = rest.slice(1, close);
    if (!IPV6.test(host) || !host.includes(':')) throw badUrl(whole, `bad IPv6 address [${host}]`);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw badUrl(whole, `unexpected ${JSON.stringify(after)} after the IPv6 address`);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = rest.indexOf(':');
    if (colon !== rest.lastIndexOf(':')) throw badUrl(whole, 'an IPv6 address needs brackets, as in [::1]:11211');
    host = colon === -1 ? rest : rest.slice(0, colon);
    portText = colon === -1 ? undefined : rest.slice(colon + 1);
    if (host === '') throw badUrl(whole, 'missing the host');
    if (!HOST_NAME.test(host)) throw badUrl(whole, `bad host ${JSON.stringify(host)}`);
  }
  const port = portText === undefined ? DEFAULT_PORT : toPort(portText, whole);
  return { host, port, address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}` };
}

function toPort(text: string, whole: string): number {
  if (text === '') throw badUrl(whole, 'missing the port number after the colon');
  const port = DIGITS.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw badUrl(whole, `bad port ${JSON.stringify(text)} (expected 1 to 65535)`);
  return port;
}

/** `{ host, port? }`: the host as a string address would have it (`unix:/path` included). */
function parseObject(server: unknown): MemcachedServerAddress {
  if (typeof server !== 'object' || server === null) {
    throw new TypeError(`bad server: "host[:port]" or { host, port } expected, got ${server === null ? 'null' : typeof server}`);
  }
  const { host, port } = server as { host?: unknown; port?: unknown };
  if (typeof host !== 'string' || host === '') throw new TypeError('bad server: { host } must be a non-empty string');
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new TypeError(`bad server: port ${String(port)} is not an integer from 1 to 65535`);
  }
  if (host.startsWith('unix:')) {
    if (port !== undefined) throw new TypeError(`bad server: ${host} takes no port`);
    return parseAddress(host, host);
  }
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return parseAddress(port === undefined ? bracketed : `${bracketed}:${port}`, host);
}
