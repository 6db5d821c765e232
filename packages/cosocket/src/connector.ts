import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type NetConnectOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { CosocketError, fromSystemError } from './errors.js';

/** Where a socket connects: a TCP host and port, or a unix domain socket path. */
export type Target = { host: string; port: number } | { path: string };

/**
 * Opens a stream with a single connect deadline. Host names go through `dns.lookup`
 * (getaddrinfo, so /etc/hosts works): a deliberate divergence from nginx, which needs a
 * `resolver` directive and ignores /etc/hosts.
 */
export async function openStream(target: Target, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  if ('path' in target) return connectWithin({ path: target.path, allowHalfOpen: true }, timeoutMs);
  let host = target.host;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (isIP(host) === 0) host = await resolve(host, timeoutMs);
  const left = Math.max(1, deadline - Date.now());
  return connectWithin({ host, port: target.port, allowHalfOpen: true, noDelay: true }, left);
}

async function resolve(host: string, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CosocketError(`${host} could not be resolved (110: Operation timed out)`)), timeoutMs);
  });
  try {
    const found = await Promise.race([lookup(host), timeout]);
    return found.address;
  } catch (err) {
    if (err instanceof CosocketError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOTFOUND' ? '3: Host not found' : `2: ${code ?? 'Server failure'}`;
    throw new CosocketError(`${host} could not be resolved (${reason})`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

function connectWithin(options: NetConnectOpts, timeoutMs: number): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    const stream = netConnect(options);
    const timer = setTimeout(() => {
      cleanup();
      stream.destroy();
      reject(new CosocketError('timeout'));
    }, timeoutMs);
    const onConnect = (): void => {
      cleanup();
      resolvePromise(stream);
    };
    const onError = (err: Error): void => {
      cleanup();
      stream.destroy();
      reject(fromSystemError(err));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      stream.off('connect', onConnect);
      stream.off('error', onError);
    };
    stream.once('connect', onConnect);
    stream.once('error', onError);
  });
}

/** A TLS session that later handshakes can resume. TLS 1.3 tickets arrive after the handshake. */
export class SslSession {
  /** The latest session ticket the server sent, in Node's serialized form. */
  data: Buffer | undefined;
  constructor(data?: Buffer) {
    this.data = data;
  }
}

export interface HandshakeOptions {
  serverName?: string | undefined;
  verify: boolean;
  session?: SslSession | undefined;
  ca?: string | Buffer | (string | Buffer)[] | undefined;
}

/** OpenSSL's numeric verify codes for the errors OpenResty reports as `N: text`. */
const VERIFY_CODES: Record<string, number> = {
  CERT_HAS_EXPIRED: 10,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 21,
  CERT_REVOKED: 23,
};

/** Runs a TLS client handshake over `plain` within one deadline. */
export function handshake(plain: Socket, options: HandshakeOptions, timeoutMs: number): Promise<{ stream: TLSSocket; session: SslSession }> {
  return new Promise((resolvePromise, reject) => {
    const session = options.session ?? new SslSession();
    const tlsOptions: ConnectionOptions = {
      socket: plain,
      rejectUnauthorized: options.verify,
    };
    if (options.serverName !== undefined && isIP(options.serverName) === 0) tlsOptions.servername = options.serverName;
    if (options.session?.data !== undefined) tlsOptions.session = options.session.data;
    if (options.ca !== undefined) tlsOptions.ca = options.ca;
    // Verify the certificate against the server name when one is given, else accept any name
    // once the chain is trusted (OpenResty checks the host only when server_name is set).
    if (options.serverName === undefined) tlsOptions.checkServerIdentity = () => undefined;
    const stream = tlsConnect(tlsOptions);
    stream.on('session', (ticket: Buffer) => {
      session.data = ticket;
    });
    const timer = setTimeout(() => fail(new CosocketError('timeout')), timeoutMs);
    const fail = (err: CosocketError): void => {
      clearTimeout(timer);
      stream.off('secureConnect', onSecure);
      stream.destroy();
      plain.destroy();
      reject(err);
    };
    const onSecure = (): void => {
      clearTimeout(timer);
      stream.off('error', onError);
      resolvePromise({ stream, session });
    };
    const onError = (err: NodeJS.ErrnoException): void => fail(tlsError(err));
    stream.once('secureConnect', onSecure);
    stream.once('error', onError);
  });
}

function tlsError(err: NodeJS.ErrnoException): CosocketError {
  const code = err.code ?? '';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new CosocketError('certificate host mismatch', { cause: err });
  const verifyCode = VERIFY_CODES[code];
  if (verifyCode !== undefined) return new CosocketError(`${verifyCode}: ${err.message}`, { cause: err });
  if (code === 'ECONNRESET' || code === 'EPIPE') return fromSystemError(err);
  return new CosocketError('handshake failed', { cause: err });
}
