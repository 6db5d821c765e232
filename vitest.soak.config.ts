// `pnpm soak`: the reliability suite (test/reliability) at full strength — 100,000 fast-check
// runs per in-memory property, long ledger runs with many kill/restart cycles, 30,000-task load
// — then the summary (faults injected, hostile inputs, peak concurrency, acknowledged writes
// lost, duplicates) printed by test/reliability/summary-setup.ts. Bounded to ~15 minutes on a
// 2-core machine.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { alias } from './vitest.aliases.js';

// Per-file counters go here; the global setup's teardown sums them.
const statsDir = mkdtempSync(join(tmpdir(), 'cosocket-reliability-'));
process.env.RELIABILITY_STATS_DIR = statsDir;

export default defineConfig({
  resolve: { alias },
  test: {
    name: 'soak',
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['./test/reliability/summary-setup.ts'],
    env: { RELIABILITY_SOAK: '1', RELIABILITY_STATS_DIR: statsDir },
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
