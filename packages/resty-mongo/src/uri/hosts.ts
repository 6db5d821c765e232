/**
 * The host identifiers of a connection string: comma-separated `host[:port]`, where a host is a
 * host name, an IPv4 address, a bracketed IP literal (`[::1]`), or a URL-encoded unix socket path
 * ending in `.sock` (`%2Ftmp%2Fmongodb-27017.sock`; Connection String spec, "Host").
 */
import { isIPv4, isIPv6 } from 'node:net';
import { type Fail, percentDecode } from './query.js';

export type HostType = 'ipv4' | 'ip_literal' | 'hostname' | 'unix';

export interface ConnectionStringHost {
  type: HostType;
  /** Decoded; an IP literal without its brackets, a unix socket as its path. */
  host: string;
  port: number | null;
}

// Characters a decoded host name cannot hold (RFC 3986 reg-name, plus our delimiters , and :).
const HOSTNAME_FORBIDDEN = /[\s"#%/:<>?@[\\\]^`{|},\0]/;

export function parseHosts(hostList: string, fail: Fail): ConnectionStringHost[] {
  return hostList.split(',').map((host) => parseHost(host, fail));
}

function parseHost(text: string, fail: Fail): ConnectionStringHost {
  if (text === '') throw fail('an empty host (two commas in a row, or a comma at an end of the host list)');
  if (text.startsWith('[')) return parseIpLiteral(text, fail);
  // An encoded "/" makes it a socket path: the whole identifier, no port.
  if (/%2f/i.test(text)) {
    const path = percentDecode(text, `host "${text}"`, fail);
    if (!path.endsWith('.sock')) throw fail(`host "${path}": a unix socket path must end in ".sock"`);
    return { type: 'unix', host: path, port: null };
  }
  const colon = text.indexOf(':');
  if (colon !== -1 && text.indexOf(':', colon + 1) !== -1) {
    throw fail(`host "${text}" holds more than one ":" (an IPv6 address goes in brackets: [::1]:27017)`);
  }
  const name = colon === -1 ? text : text.slice(0, colon);
  if (name === '') throw fail(`host "${text}" has a port but no host`);
  const host = percentDecode(name, `host "${name}"`, fail);
  const forbidden = HOSTNAME_FORBIDDEN.exec(host);
  if (forbidden !== null) throw fail(`host "${host}" holds "${forbidden[0]}", which no host name may hold`);
  const port = colon === -1 ? null : parsePort(text.slice(colon + 1), text, fail);
  return { type: isIPv4(host) ? 'ipv4' : 'hostname', host, port };
}

function parseIpLiteral(text: string, fail: Fail): ConnectionStringHost {
  const close = text.indexOf(']');
  if (close === -1) throw fail(`host "${text}": an IP literal without its closing "]"`);
  const literal = percentDecode(text.slice(1, close), `host "${text}"`, fail);
  if (!isIPv6(literal)) throw fail(`host "${text}": "${literal}" is not an IPv6 address`);
  const rest = text.slice(close + 1);
  if (rest !== '' && !rest.startsWith(':')) throw fail(`host "${text}": only ":port" may follow "]"`);
  return { type: 'ip_literal', host: literal, port: rest === '' ? null : parsePort(rest.slice(1), text, fail) };
}

/** A port is an integer from 1 to 65535 (Connection String spec, "Port"). */
function parsePort(text: string, host: string, fail: Fail): number {
  if (!/^\d+$/.test(text)) throw fail(`host "${host}": the port ${text === '' ? 'is missing after ":"' : `"${text}" is not a number`}`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw fail(`host "${host}": the port ${port} is not from 1 to 65535`);
  return port;
}
