import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { alias } from './vitest.aliases.js';

// The reliability tests count faults, hostile inputs and ledger writes per file here; the
// summary setup creates it, adds the counts up at the end of the run, prints them, removes it.
const reliabilityStats = join(tmpdir(), `cosocket-reliability-${process.pid}`);
// The global setup runs in this process and reads it from here; workers get it from `env`.
process.env.RELIABILITY_STATS_DIR = reliabilityStats;

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['./test/global-setup.ts', './test/reliability/summary-setup.ts'],
          env: { RELIABILITY_STATS_DIR: reliabilityStats },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
