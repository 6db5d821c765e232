// Counters for the reliability summary: faults injected, hostile inputs tried, peak concurrent
// tasks, acknowledged writes, and the two that must stay 0 (acknowledged writes lost,
// duplicates). Each test-file module instance writes its own JSON file into
// RELIABILITY_STATS_DIR (set by vitest.soak.config.ts); summary-setup.ts adds them up at the
// end of the run. Without that variable the counters stay in memory (normal `pnpm test` run).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const COUNTERS = ['faultsInjected', 'hostileInputs', 'ledgerWrites', 'acknowledgedWrites', 'acknowledgedLost', 'duplicates'] as const;
export const PEAKS = ['peakConcurrentTasks', 'peakServerConnections'] as const;
export type CounterName = (typeof COUNTERS)[number];
export type PeakName = (typeof PEAKS)[number];
export type Stats = Record<CounterName | PeakName, number>;

export function emptyStats(): Stats {
  const out = {} as Stats;
  for (const name of [...COUNTERS, ...PEAKS]) out[name] = 0;
  return out;
}

const stats = emptyStats();
const file =
  process.env.RELIABILITY_STATS_DIR === undefined ? undefined : join(process.env.RELIABILITY_STATS_DIR, `${process.pid}-${randomUUID()}.json`);

let dirty = false;
let timer: NodeJS.Timeout | null = null;

function flush(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (file === undefined || !dirty) return;
  dirty = false;
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(stats));
}

/** Counting sits in hot property loops: write the file at most every 200 ms, and at file end. */
function scheduleFlush(): void {
  dirty = true;
  if (file === undefined || timer !== null) return;
  timer = setTimeout(flush, 200);
  timer.unref();
}

if (file !== undefined) {
  process.once('exit', flush);
  try {
    afterAll(flush);
  } catch {
    // Imported outside a test file's collection phase: the exit hook writes the file.
  }
}

/** Adds `n` to a counter. */
export function count(name: CounterName, n = 1): void {
  stats[name] += n;
  scheduleFlush();
}

/** Raises a peak to `value` if it is higher. */
export function peak(name: PeakName, value: number): void {
  if (value <= stats[name]) return;
  stats[name] = value;
  scheduleFlush();
}

/** This module instance's counters (one test file). */
export function localStats(): Readonly<Stats> {
  return stats;
}

/** Sums every file in `dir` (peaks: the maximum). */
export function collectStats(dir: string): Stats {
  const total = emptyStats();
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return total;
  }
  for (const name of names) {
    const one = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Partial<Stats>;
    for (const c of COUNTERS) total[c] += one[c] ?? 0;
    for (const p of PEAKS) total[p] = Math.max(total[p], one[p] ?? 0);
  }
  return total;
}

/** The printed summary. */
export function formatStats(s: Stats): string {
  return [
    'reliability summary',
    `  faults injected:              ${s.faultsInjected}`,
    `  hostile inputs tried:         ${s.hostileInputs}`,
    `  peak concurrent tasks:        ${s.peakConcurrentTasks}`,
    `  peak server-side connections: ${s.peakServerConnections}`,
    `  ledger writes attempted:      ${s.ledgerWrites}`,
    `  acknowledged writes:          ${s.acknowledgedWrites}`,
    `  acknowledged writes lost:     ${s.acknowledgedLost}`,
    `  duplicates:                   ${s.duplicates}`,
  ].join('\n');
}
