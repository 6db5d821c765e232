// Global setup of the integration run and of `pnpm soak`: at the end of the run, add up the
// per-file counters the reliability tests wrote (support/stats.ts) and print the summary.
// A lost acknowledged write or a duplicate fails the run here too, whatever the tests said.
import { mkdirSync, rmSync } from 'node:fs';
import { collectStats, formatStats } from './support/stats.js';

export default function setup(): () => void {
  const dir = process.env.RELIABILITY_STATS_DIR;
  if (dir === undefined) throw new Error('RELIABILITY_STATS_DIR is not set (set by vitest.config.ts and vitest.soak.config.ts)');
  mkdirSync(dir, { recursive: true });
  return () => {
    const stats = collectStats(dir);
    console.log(`\n${formatStats(stats)}\n`);
    rmSync(dir, { recursive: true, force: true });
    if (stats.acknowledgedLost > 0 || stats.duplicates > 0) {
      process.exitCode = 1;
      console.log('FAIL: acknowledged writes were lost or applied twice');
    }
  };
}
