// Starts private servers for benchmarks on free loopback ports (never the machine's own 6379).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Servers this process started; killed on any exit, so a crashing benchmark leaves none behind.
const liveChildren = new Set();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The FerretDB binary: on PATH, else where `go install` puts it. */
export function ferretdbBinary() {
  try {
    return execFileSync('sh', ['-c', 'command -v ferretdb || echo "$(go env GOPATH)/bin/ferretdb"']).toString().trim();
  } catch {
    return 'ferretdb';
  }
}

/** kind: 'redis' | 'memcached' | 'mongo'. `cpu` pins the server to a core with taskset when given. */
export async function startServer(kind, { cpu } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  let cmd;
  let args;
  if (kind === 'redis') {
    cmd = 'redis-server';
    args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  } else if (kind === 'memcached') {
    cmd = 'memcached';
    args = ['-p', String(port), '-l', '127.0.0.1', '-U', '0', '-m', '256', '-u', 'root'];
  } else {
    cmd = ferretdbBinary();
    args = [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--debug-addr=-',
      '--state-dir=-',
      '--log-level=error',
    ];
  }
  if (cpu !== undefined && hasTaskset()) {
    args = ['-c', String(cpu), cmd, ...args];
    cmd = 'taskset';
  }
  const child = spawn(cmd, args, { stdio: 'ignore' });
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  await waitForPort(port);
  return {
    host: '127.0.0.1',
    port,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
