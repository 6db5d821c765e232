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
 * Runs `op` exactly `ops` times after a discarded warm-up of a quarter as many (the profiler's
 * measurement: the same work in every run, so CPU per op compares across variants and runs);
 * returns client CPU (user, system) and wall µs per operation, `batch` operations per call.
 * `around` = { start, stop } (optional) brackets the measured loop only: the V8 CPU profiler.
 */
export async function measureCount(op, { ops, batch = 1, around }) {
  const warm = Math.max(2, Math.ceil(ops / 4));
  for (let i = 0; i < warm; i++) await op();
  if (around) await around.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) await op();
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  if (around) await around.stop();
  const n = ops * batch;
  return { ops: n, cpuUsPerOp: (cpu.user + cpu.system) / n, userUsPerOp: cpu.user / n, sysUsPerOp: cpu.system / n, wallUsPerOp: wallUs / n };
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

/** Throws when a reply does not match: a benchmark with wrong answers is void. */
export function check(actual, expected, what) {
  const a = Buffer.isBuffer(actual) ? actual.toString() : actual;
  if (a !== expected) throw new Error(`benchmark reply mismatch in ${what}: got ${String(a).slice(0, 80)}`);
}
