// redis-server: config file, readiness probe, and the local-binary starter.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { LocalServer } from './local-server.js';
import { probe } from './ports.js';
import type { TlsFiles } from './tls.js';
import { generateTlsFiles } from './tls.js';

export interface RedisUser {
  username: string;
  password: string;
  /** ACL rules after `on >password`; default `~* &* +@all` (everything). */
  rules?: string;
}

export interface RedisOptions {
  /** `requirepass`: the password of the `default` user. */
  password?: string;
  /** Extra ACL users (`user <name> on ><password> <rules>`). */
  users?: RedisUser[];
  /** Serve TLS only, on `port`, with a certificate generated at run time. */
  tls?: boolean;
  /** Extra redis.conf lines, e.g. `['maxclients 5']`. */
  config?: string[];
}

export interface RedisInfo {
  version: string;
  pid: number;
}

/** A full RESP reply is in `buf` once its last line ends; good enough for the
 * simple replies (+OK, -ERR, $bulk) the probe asks for. */
function bulkComplete(buf: Buffer): boolean {
  const text = buf.toString('latin1');
  const m = /\$(\d+)\r\n/.exec(text);
  if (m) return text.length >= m.index + m[0].length + Number(m[1]) + 2;
  return /^-.*\r\n/m.test(text);
}

/** AUTH (when given) + INFO server; resolves the version and pid, rejects on -ERR/-NOAUTH. */
export async function probeRedis(opts: {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
  tls?: ConnectionOptions | undefined;
}): Promise<RedisInfo> {
  const auth = opts.password ? `AUTH ${opts.username ? `${opts.username} ` : ''}${opts.password}\r\n` : '';
  const reply = (
    await probe({ host: opts.host, port: opts.port, tls: opts.tls, request: `${auth}INFO server\r\n`, complete: bulkComplete })
  ).toString('latin1');
  const err = /^-(.*)\r\n/m.exec(reply);
  if (err) throw new Error(`redis replied: ${err[1]}`);
  const version = /redis_version:(\S+)/.exec(reply)?.[1];
  const pid = /process_id:(\d+)/.exec(reply)?.[1];
  if (!version || !pid) throw new Error(`unexpected INFO reply: ${JSON.stringify(reply.slice(0, 80))}`);
  return { version, pid: Number(pid) };
}

function redisConf(port: number, dir: string, opts: RedisOptions, tls: TlsFiles | undefined): string {
  const lines = [
    '# written by test/servers/redis.ts',
    'bind 127.0.0.1',
    // TLS servers listen on TLS only, so a test cannot reach them in clear by mistake.
    `port ${tls ? 0 : port}`,
    `dir ${dir}`,
    // No persistence: the data dir is thrown away anyway, and fork()ing for
    // BGSAVE under the memory-overcommit warning is a source of flakes.
    'save ""',
    'appendonly no',
    `unixsocket ${join(dir, 'redis.sock')}`,
    'unixsocketperm 700',
    'daemonize no',
    'logfile ""',
    'loglevel notice',
  ];
  if (tls) {
    lines.push(
      `tls-port ${port}`,
      `tls-cert-file ${tls.certFile}`,
      `tls-key-file ${tls.keyFile}`,
      `tls-ca-cert-file ${tls.caFile}`,
      'tls-auth-clients no',
    );
  }
  if (opts.password) lines.push(`requirepass ${opts.password}`);
  for (const u of opts.users ?? []) lines.push(`user ${u.username} on >${u.password} ${u.rules ?? '~* &* +@all'}`);
  lines.push(...(opts.config ?? []));
  return `${lines.join('\n')}\n`;
}

/** A redis-server on a free loopback port; call `start()` next. */
export function localRedis(command: string, opts: RedisOptions = {}): LocalServer & { tlsFiles?: TlsFiles } {
  let tlsFiles: TlsFiles | undefined;
  const confFile = (dir: string) => join(dir, 'redis.conf');
  const server: LocalServer & { tlsFiles?: TlsFiles } = new LocalServer({
    label: 'redis-server',
    command,
    prepare: async (dir) => {
      if (opts.tls) server.tlsFiles = tlsFiles = await generateTlsFiles(dir);
    },
    // The port is only known at start time, so the config is (re)written then.
    args: (port, dir) => {
      writeFileSync(confFile(dir), redisConf(port, dir, opts, tlsFiles));
      return [confFile(dir)];
    },
    ready: async ({ host, port, pid }) => {
      const info = await probeRedis({
        host,
        port,
        password: opts.password,
        tls: tlsFiles ? { ca: tlsFiles.ca, servername: tlsFiles.serverName } : undefined,
      });
      if (info.pid !== pid) throw new Error(`port ${port} is answered by another redis (pid ${info.pid})`);
    },
  });
  return server;
}
