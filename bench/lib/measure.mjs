import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
// Timing helpers: every figure is measured in this run, and peers are reported as ratios.

/**
 * Runs `op` (async, returns nothing) repeatedly for about `ms`; returns ops/s and CPU µs/op.
 * `serverCpuUs` (optional) reads the server process's CPU time in µs; with it the result also
 * has the server's CPU µs/op and how busy it was (1 = one core saturated), over the measured
 * period only.
 */
export async function measure(op, { ms = 2000, warmupMs = 300, batch = 1, serverCpuUs } = {}) {
  const warmEnd = performance.now() + warmupMs;
  while (performance.now() < warmEnd) await op();
  const server0 = serverCpuUs?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await op();
    n += batch;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const result = { opsPerSec: n / seconds, cpuUsPerOp: (cpu.user + cpu.system) / n };
  if (server0 !== undefined && server0 !== null) {
    const serverUs = serverCpuUs() - server0;
    result.serverCpuUsPerOp = serverUs / n;
    result.serverBusy = serverUs / (seconds * 1e6);
  }
  return result;
}

/**
 * A reader of another process's CPU time (user + system, all threads) in µs, from
 * /proc/<pid>/stat; null where /proc is not there. Its resolution is one clock tick (10 ms),
 * about 1% of a 1.5 s measurement.
 */
export function processCpuReader(pid) {
  if (!pid) return null;
  const path = `/proc/${pid}/stat`;
  let tickUs;
  try {
    readFileSync(path);
    tickUs = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);
  } catch {
    return null;
  }
  return () => {
    const stat = readFileSync(path, 'latin1');
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * tickUs;
  };
}

/**
 * Prints a table: one row per scenario, one column per client with ops/s, and the ratio of
 * `ours` to each peer. `results` is { scenario: { client: { opsPerSec, cpuUsPerOp } } }.
 */
export function printTable(title, results, ours) {
  const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
  console.log(`\n## ${title}\n`);
  const clients = [...new Set(Object.values(results).flatMap((r) => Object.keys(r)))];
  const peers = clients.filter((c) => c !== ours);
  const header = ['scenario', ...clients.map((c) => `${c} ops/s`), ...peers.map((p) => `${ours}/${p}`), ...clients.map((c) => `${c} cpu µs/op`)];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const [scenario, row] of Object.entries(results)) {
    const cells = [scenario];
    for (const c of clients) cells.push(row[c] ? fmt(row[c].opsPerSec) : '-');
    for (const p of peers) cells.push(row[ours] && row[p] ? `${(row[ours].opsPerSec / row[p].opsPerSec).toFixed(2)}×` : '-');
    for (const c of clients) cells.push(row[c] ? row[c].cpuUsPerOp.toFixed(1) : '-');
    console.log(`| ${cells.join(' | ')} |`);
  }
}

/** Throws when a reply does not match: a benchmark with wrong answers is void. */
export function check(actual, expected, what) {
  const a = Buffer.isBuffer(actual) ? actual.toString() : actual;
  if (a !== expected) throw new Error(`benchmark reply mismatch in ${what}: got ${String(a).slice(0, 80)}`);
}
