// Orchestrator helpers: fork one client variant per process, bounded in time; rotate the
// order of variants per round; run redis-benchmark with the shape of a scenario.
import { execFile, fork, spawn } from 'node:child_process';
import { once } from 'node:events';

/** A B C, then C A B, then B C A, ...: every variant runs first, middle and last. */
export function rotation(items, round) {
  const k = round % items.length;
  return [...items.slice(items.length - k), ...items.slice(0, items.length - k)];
}

/**
 * Runs `script` as one variant in a child process; resolves { results, done } or
 * { error } (a reply mismatch, a crash, or the time bound). `node` = { execArgv, env } for the
 * child (the profiler's baseline variant loads our packages from another checkout).
 */
export function runVariant(script, args, limitMs, node = {}) {
  return new Promise((resolve) => {
    const child = fork(script, [JSON.stringify(args)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: node.execArgv ?? process.execArgv,
      env: { ...process.env, ...node.env },
    });
    const results = {};
    let done = null;
    let error = null;
    const timer = setTimeout(() => {
      error = `variant ${args.variant} exceeded its time bound (${Math.round(limitMs / 1000)} s) and was killed`;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('message', (m) => {
      if (m.type === 'result') {
        const { type, scenario, ...figures } = m;
        results[scenario] = figures;
      } else if (m.type === 'done') done = m;
      else if (m.type === 'error') error = m.message;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (error === null && (code !== 0 || done === null)) error = `variant ${args.variant} exited with code ${code}`;
      resolve(error === null ? { results, done } : { results, error });
    });
  });
}

/** ops/s of redis-benchmark for one shape (`command` run as given), pinned to `cpu`. */
export async function redisBenchmark({ host, port }, { command, clients = 1, pipeline = 1, n }, cpu, pinned) {
  const args = ['-h', host, '-p', String(port), '-n', String(n), '-c', String(clients), '-P', String(pipeline), '--csv', ...command];
  const [cmd, argv] = pinned ? ['taskset', ['-c', String(cpu), 'redis-benchmark', ...args]] : ['redis-benchmark', args];
  const out = await new Promise((resolve, reject) =>
    execFile(cmd, argv, { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  const line = out.trim().split('\n').pop() ?? '';
  const fields = line.split('","');
  const rps = Number((fields[1] ?? '').replace(/"/g, ''));
  if (!Number.isFinite(rps) || rps <= 0) throw new Error(`cannot parse redis-benchmark output: ${out.slice(0, 200)}`);
  return rps;
}

/** Starts a bench/peers/sender.mjs peer in `mode`, pinned to `cpu` when possible. */
export async function startSender(mode, cpu, pinned) {
  const script = new URL('../peers/sender.mjs', import.meta.url).pathname;
  const child = pinned
    ? spawn('taskset', ['-c', String(cpu), process.execPath, script, mode], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, [script, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [data] = await once(child.stdout, 'data');
  process.once('exit', () => child.kill('SIGKILL'));
  return { port: Number(String(data).trim()), pid: child.pid, stop: () => child.kill() };
}
