// Free ports and readiness probes. The probes use node:net/node:tls directly on
// purpose: the harness must not depend on the socket library it is testing.
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

/** Ask the kernel for a free loopback port. It can be taken again before the
 * server binds it; the starters retry on "address in use" for that reason. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export interface ProbeOptions {
  host: string;
  port: number;
  /** Bytes to send once connected (nothing: only test that the port accepts). */
  request?: Uint8Array | string;
  /** Resolve once the accumulated reply satisfies this (or the peer closes). */
  complete?: (reply: Buffer) => boolean;
  timeoutMs?: number;
  /** Connect with TLS using these options instead of plain TCP. */
  tls?: ConnectionOptions | undefined;
  /** A unix socket path; host and port are then ignored. */
  path?: string;
}

/** One request/response exchange; resolves the reply bytes, rejects on any failure. */
export function probe(opts: ProbeOptions): Promise<Buffer> {
  const { host, port, request, complete = (b) => b.length > 0, timeoutMs = 2000 } = opts;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const sock: Socket = opts.path
      ? netConnect({ path: opts.path }, onConnect)
      : opts.tls
        ? tlsConnect({ host, port, ...opts.tls }, onConnect)
        : netConnect({ host, port }, onConnect);
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      sock.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    function onConnect() {
      if (request === undefined) return finish(null);
      sock.write(request);
    }
    const where = opts.path ?? `${host}:${port}`;
    sock.setTimeout(timeoutMs, () => finish(new Error(`probe of ${where} timed out`)));
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      if (complete(Buffer.concat(chunks))) finish(null);
    });
    sock.on('error', finish);
    sock.on('close', () => finish(chunks.length ? null : new Error('closed without a reply')));
  });
}

/** Poll `check` until it resolves, `gaveUp()` reports a reason to stop, or time runs out. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T>,
  { timeoutMs = 20_000, intervalMs = 50, gaveUp }: { timeoutMs?: number; intervalMs?: number; gaveUp?: () => string | undefined } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = gaveUp?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    try {
      return await check();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`${what}: not ready after ${timeoutMs} ms (${detail})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Split `host:port`, `scheme://[user:pass@]host:port/...`; the default port fills in when absent. */
export function parseServerUrl(raw: string, defaultPort: number) {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `tcp://${raw}`;
  // mongodb:// URLs may list several hosts; the first one is the one we probe.
  const firstHost = withScheme.replace(/^([^/]*\/\/(?:[^@/]*@)?[^,/]*)(,[^/]*)?/, '$1');
  const u = new URL(firstHost);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return {
    host,
    port: u.port ? Number(u.port) : defaultPort,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}
