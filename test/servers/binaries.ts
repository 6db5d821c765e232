// Finding server binaries on PATH, reading their versions, and the install hints
// that a CI failure prints.
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type Binary = 'redis-server' | 'memcached' | 'ferretdb' | 'mongod' | 'openssl' | 'nginx';

/** How to get each binary; shown when CI=true and it is missing. */
export const installHints: Record<Binary, string> = {
  'redis-server': 'apt-get install -y redis-server',
  memcached: 'apt-get install -y memcached',
  openssl: 'apt-get install -y openssl',
  // nginx with lua-nginx-module, for the fidelity suite (test/fidelity).
  nginx: 'apt-get install -y nginx-light libnginx-mod-http-lua lua-resty-core',
  ferretdb: 'run scripts/setup.sh (it builds FerretDB v1.24.2 with Go into $(go env GOPATH)/bin)',
  mongod: 'install MongoDB Community Server (mongod) from https://www.mongodb.com/try/download',
};

/** Where scripts/setup.sh puts FerretDB: $GOPATH/bin, or $HOME/go/bin. */
function goBinDir(env: NodeJS.ProcessEnv): string | undefined {
  const gopath = env.GOPATH?.split(delimiter)[0] || (env.HOME ? join(env.HOME, 'go') : undefined);
  return gopath === undefined ? undefined : join(gopath, 'bin');
}

/**
 * Absolute path of `name` on the PATH of `env` (default: this process's), or undefined.
 * FerretDB is also looked for in Go's bin dir, so `pnpm test` works right after
 * scripts/setup.sh without a PATH change.
 */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? '').split(delimiter);
  const goBin = name === 'ferretdb' ? goBinDir(env) : undefined;
  if (goBin !== undefined) dirs.push(goBin);
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5000 }, (_err, stdout, stderr) => resolve(`${stdout}\n${stderr}`));
  });
}

const versionPatterns: Record<Binary, [string[], RegExp]> = {
  'redis-server': [['--version'], /v=(\d+\.\d+\.\d+)/],
  memcached: [['-V'], /memcached (\d+\.\d+\.\d+)/],
  ferretdb: [['--version'], /version: v?(\d+\.\d+\.\d+\S*)/],
  mongod: [['--version'], /db version v(\d+\.\d+\.\d+)/],
  openssl: [['version'], /OpenSSL (\d+\.\d+\.\d+)/],
  nginx: [['-v'], /nginx\/(\d+\.\d+\.\d+)/],
};

/** `7.0.15` for redis-server etc.; undefined when the binary does not say. */
export async function binaryVersion(binary: Binary, path: string): Promise<string | undefined> {
  const [args, re] = versionPatterns[binary];
  return re.exec(await run(path, args))?.[1];
}

/** Thrown when CI=true and a server or binary the tests need is not available. */
export class MissingServerError extends Error {
  override name = 'MissingServerError';
}

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').toLowerCase();
  return v !== '' && v !== 'false' && v !== '0';
}
