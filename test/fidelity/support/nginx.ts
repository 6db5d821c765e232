import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installHints, isCI, MissingServerError, which } from '../../servers/binaries.js';
import { ManagedProcess, makeTempDir, removeTempDir } from '../../servers/process.js';
import { freePort, probe, waitUntil } from '../../servers/ports.js';
import type { ScenarioConfig } from './scenario.js';

/**
 * A private nginx with lua-nginx-module (Debian's nginx-light + libnginx-mod-http-lua +
 * lua-resty-core) on a free loopback port: one process (`master_process off`), stopped by its
 * PID. `POST /run/<i>` runs the Lua chunk in the body with the i-th config's `lua_socket_*`
 * directives and answers the transcript lines it returns.
 */
const MODULES = '/usr/lib/nginx/modules';
const LUA_MODULE = join(MODULES, 'ngx_http_lua_module.so');
const NDK_MODULE = join(MODULES, 'ndk_http_module.so');

/** Why the suite cannot run here, or false. Under CI=true a missing piece fails the run. */
export function nginxSkip(): string | false {
  const missing = !which('nginx', { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin` })
    ? 'nginx'
    : !existsSync(LUA_MODULE) || !existsSync(NDK_MODULE)
      ? 'the lua module'
      : undefined;
  if (missing === undefined) return false;
  const message = `${missing} is not installed (${installHints.nginx})`;
  if (isCI()) throw new MissingServerError(`CI=true: ${message}`);
  return `skipped: ${message}`;
}

export interface PrivateNginx {
  /** lua-nginx-module's version, e.g. `0.10.23`. */
  readonly moduleVersion: string;
  /** `ngx_lua_version` as a number, e.g. 10023. */
  readonly moduleVersionNumber: number;
  /** Runs a Lua chunk under the given config; resolves its transcript lines. */
  run(lua: string, config: ScenarioConfig | undefined): Promise<string[]>;
  stop(): Promise<void>;
}

const DIRECTIVES: Record<keyof ScenarioConfig, (v: number) => string> = {
  bufferSize: (v) => `lua_socket_buffer_size ${v};`,
  readTimeout: (v) => `lua_socket_read_timeout ${v}ms;`,
  sendTimeout: (v) => `lua_socket_send_timeout ${v}ms;`,
  connectTimeout: (v) => `lua_socket_connect_timeout ${v}ms;`,
  poolSize: (v) => `lua_socket_pool_size ${v};`,
  keepaliveTimeout: (v) => `lua_socket_keepalive_timeout ${v}ms;`,
};

function configKey(config: ScenarioConfig | undefined): string {
  return JSON.stringify(Object.entries(config ?? {}).sort());
}

function location(index: number, config: ScenarioConfig | undefined): string {
  const lines = Object.entries(config ?? {}).map(([k, v]) => DIRECTIVES[k as keyof ScenarioConfig](v as number));
  return `
    location = /run/${index} {
      ${lines.join('\n      ')}
      content_by_lua_block {
        ngx.req.read_body()
        local chunk, err = loadstring(ngx.req.get_body_data(), "=scenario")
        if not chunk then ngx.status = 500; ngx.say(err); return end
        ngx.say(table.concat(chunk(), "\\n"))
      }
    }`;
}

function nginxConf(dir: string, port: number, configs: (ScenarioConfig | undefined)[]): string {
  const temp = join(dir, 'temp');
  return `user root;
daemon off;
master_process off;
error_log ${join(dir, 'error.log')} warn;
pid ${join(dir, 'nginx.pid')};
load_module ${NDK_MODULE};
load_module ${LUA_MODULE};
events { worker_connections 1024; }
http {
  access_log off;
  lua_package_path "/usr/share/lua/5.1/?.lua;;";
  lua_socket_log_errors off;
  client_body_buffer_size 1m;
  client_max_body_size 1m;
  client_body_temp_path ${temp}; proxy_temp_path ${temp}; fastcgi_temp_path ${temp};
  uwsgi_temp_path ${temp}; scgi_temp_path ${temp};
  server {
    listen 127.0.0.1:${port};
    location = /version { content_by_lua_block { ngx.print(ngx.config.ngx_lua_version) } }
    ${configs.map((c, i) => location(i, c)).join('\n')}
  }
}
`;
}

/** Starts nginx with one location per distinct config among `configs`. */
export async function startNginx(configs: (ScenarioConfig | undefined)[]): Promise<PrivateNginx> {
  const distinct = new Map<string, number>();
  const list: (ScenarioConfig | undefined)[] = [];
  for (const c of [undefined, ...configs]) {
    const key = configKey(c);
    if (!distinct.has(key)) {
      distinct.set(key, list.length);
      list.push(c);
    }
  }
  const dir = makeTempDir('nginx');
  mkdirSync(join(dir, 'temp'));
  const port = await freePort();
  const confFile = join(dir, 'nginx.conf');
  writeFileSync(confFile, nginxConf(dir, port, list));
  const command = which('nginx', { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin` }) ?? 'nginx';
  const proc = new ManagedProcess({ label: 'nginx', command, args: ['-p', dir, '-c', confFile], cwd: dir, logFile: join(dir, 'server.log') });
  const base = `http://127.0.0.1:${port}`;
  let version: string;
  try {
    version = await waitUntil(
      `nginx on 127.0.0.1:${port}`,
      async () => {
        const reply = await probe({ host: '127.0.0.1', port, request: 'GET /version HTTP/1.0\r\n\r\n', complete: () => false });
        const body = /\r\n\r\n(\d+)$/.exec(reply.toString('latin1'))?.[1];
        if (body === undefined) throw new Error(`unexpected reply ${JSON.stringify(reply.toString('latin1').slice(0, 80))}`);
        return body;
      },
      { timeoutMs: 10_000, gaveUp: () => (proc.running ? undefined : `exited: ${proc.logTail()}`) },
    );
  } catch (error) {
    await proc.kill();
    removeTempDir(dir);
    throw error;
  }
  const n = Number(version);
  return {
    moduleVersion: `${Math.floor(n / 1_000_000)}.${Math.floor(n / 1000) % 1000}.${n % 1000}`,
    moduleVersionNumber: n,
    async run(lua, config) {
      const index = distinct.get(configKey(config));
      if (index === undefined) throw new Error(`config ${configKey(config)} was not given to startNginx`);
      const response = await fetch(`${base}/run/${index}`, { method: 'POST', body: lua });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`nginx answered ${response.status}: ${text}\n${proc.logTail()}`);
      return text
        .replace(/\n$/, '')
        .split('\n')
        .filter((line) => line !== '');
    },
    async stop() {
      // By PID (ManagedProcess signals its own child), never by name.
      await proc.stop();
      removeTempDir(dir);
    },
  };
}
