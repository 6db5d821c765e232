// memcached: readiness probe and the local-binary starter.
import type { ConnectionOptions } from 'node:tls';
import { LocalServer } from './local-server.js';
import { probe } from './ports.js';
import type { TlsFiles } from './tls.js';
import { generateTlsFiles } from './tls.js';

export interface MemcachedOptions {
  /** Memory limit in MiB (`-m`); default 64. */
  memoryMb?: number;
  /** Serve TLS only (`-Z`), on `port`, with a certificate generated at run time. */
  tls?: boolean;
  /** Extra command-line arguments, e.g. `['-c', '10']` for a low connection limit. */
  args?: string[];
}

/** `stats` over the text protocol (over TLS when `tls` is given); resolves the version and pid. */
export async function probeMemcached(host: string, port: number, tls?: ConnectionOptions): Promise<{ version: string; pid: number }> {
  const reply = (
    await probe({ host, port, tls, request: 'stats\r\n', complete: (b) => /(^|\n)(END|ERROR.*)\r\n$/.test(b.toString('latin1')) })
  ).toString('latin1');
  const version = /STAT version (\S+)/.exec(reply)?.[1];
  const pid = /STAT pid (\d+)/.exec(reply)?.[1];
  if (!version || !pid) throw new Error(`unexpected stats reply: ${JSON.stringify(reply.slice(0, 80))}`);
  return { version, pid: Number(pid) };
}

/** A memcached on a free loopback port; call `start()` next. */
export function localMemcached(command: string, opts: MemcachedOptions = {}): LocalServer & { tlsFiles?: TlsFiles } {
  let tlsFiles: TlsFiles | undefined;
  const server: LocalServer & { tlsFiles?: TlsFiles } = new LocalServer({
    label: 'memcached',
    command,
    prepare: async (dir) => {
      if (opts.tls) server.tlsFiles = tlsFiles = await generateTlsFiles(dir);
    },
    args: (port) => [
      '-l',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      '0', // no UDP: nothing here uses it, and it would need a second free port
      '-m',
      String(opts.memoryMb ?? 64),
      // memcached refuses to run as root unless told which user to be.
      ...(process.getuid?.() === 0 ? ['-u', 'root'] : []),
      // -Z makes every TCP listener TLS-only, so a test cannot reach it in clear by mistake.
      ...(tlsFiles ? ['-Z', '-o', `ssl_chain_cert=${tlsFiles.certFile},ssl_key=${tlsFiles.keyFile}`] : []),
      ...(opts.args ?? []),
    ],
    ready: async ({ host, port, pid }) => {
      const tls = tlsFiles ? { ca: tlsFiles.ca, servername: tlsFiles.serverName } : undefined;
      const info = await probeMemcached(host, port, tls);
      if (info.pid !== pid) throw new Error(`port ${port} is answered by another memcached (pid ${info.pid})`);
    },
  });
  return server;
}
