// Prints, as the very last line of a run, `N passed, N failed` (plus
// `, N skipped` when any were skipped). .ci/run and humans read this line, so a
// crash must never look green: errors outside any test (unhandled errors, a
// module that failed to load, a failing beforeAll/afterAll, a global setup that
// threw) count as failures.
import type { Reporter, SerializedError, TestModule, TestRunEndReason, TestSuite, Vitest } from 'vitest/node';

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

/** Count test cases, plus suite-level and unhandled errors as failures. */
export function summarize(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): Summary {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const mod of testModules) {
    for (const test of mod.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') passed++;
      else if (state === 'skipped') skipped++;
      // 'failed', or 'pending' after an interrupted run: the test never passed.
      else failed++;
    }
    // Collection/import failures and hook failures that no single test carries.
    const suites: Array<TestModule | TestSuite> = [mod, ...mod.children.allSuites()];
    for (const suite of suites) failed += suite.errors().length;
  }
  failed += unhandledErrors.length;
  return { passed, failed, skipped };
}

export function formatSummary({ passed, failed, skipped }: Summary): string {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

export default class SummaryReporter implements Reporter {
  private summary: Summary = { passed: 0, failed: 0, skipped: 0 };
  private watch = false;

  onInit(vitest: Vitest): void {
    this.watch = Boolean(vitest.config.watch);
    if (this.watch) return;
    // In a single run, print from the exit hook: vitest reports global-setup
    // errors and teardown problems *after* onTestRunEnd, and the summary must
    // still be the last line. Writes to files and pipes are synchronous on
    // POSIX, so nothing is lost at exit.
    process.once('exit', (code) => {
      const s = { ...this.summary };
      // Whatever made the run fail (no test files, a global setup error, an
      // error vitest printed after the run) must not read as "0 failed".
      if (code !== 0 && s.failed === 0) s.failed = 1;
      process.stdout.write(`\n${formatSummary(s)}\n`);
    });
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    this.summary = summarize(testModules, unhandledErrors);
    if (reason !== 'passed' && this.summary.failed === 0) this.summary.failed = 1;
    if (this.watch) process.stdout.write(`\n${formatSummary(this.summary)}\n`);
  }
}
