// memcached: readiness probe and the local-binary starter.
import { LocalServer } from './local-server.js';
import { probe } from './ports.js';

export interface MemcachedOptions {
  /** Memory limit in MiB (`-m`); default 64. */
  memoryMb?: number;
  /** Extra command-line arguments, e.g. `['-c', '10']` for a low connection limit. */
  args?: string[];
}

/** `stats` over the text protocol; resolves the version and pid. */
export async function probeMemcached(host: string, port: number): Promise<{ version: string; pid: number }> {
  const reply = (
    await probe({ host, port, request: 'stats\r\n', complete: (b) => /(^|\n)(END|ERROR.*)\r\n$/.test(b.toString('latin1')) })
  ).toString('latin1');
  const version = /STAT version (\S+)/.exec(reply)?.[1];
  const pid = /STAT pid (\d+)/.exec(reply)?.[1];
  if (!version || !pid) throw new Error(`unexpected stats reply: ${JSON.stringify(reply.slice(0, 80))}`);
  return { version, pid: Number(pid) };
}

/** A memcached on a free loopback port; call `start()` next. */
export function localMemcached(command: string, opts: MemcachedOptions = {}): LocalServer {
  return new LocalServer({
    label: 'memcached',
    command,
    args: (port) => [
      '-l', '127.0.0.1',
      '-p', String(port),
      '-U', '0', // no UDP: nothing here uses it, and it would need a second free port
      '-m', String(opts.memoryMb ?? 64),
      // memcached refuses to run as root unless told which user to be.
      ...(process.getuid?.() === 0 ? ['-u', 'root'] : []),
      ...(opts.args ?? []),
    ],
    ready: async ({ host, port, pid }) => {
      const info = await probeMemcached(host, port);
      if (info.pid !== pid) throw new Error(`port ${port} is answered by another memcached (pid ${info.pid})`);
    },
  });
}
