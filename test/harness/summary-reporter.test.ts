// The `N passed, N failed[, N skipped]` line: test cases are counted, and
// errors outside tests count as failures so a crash never reads as green.
import type { TestModule } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import { formatSummary, summarize } from '../summary-reporter.js';

type State = 'passed' | 'failed' | 'skipped' | 'pending';

// Just the parts of vitest's TestModule that summarize() reads.
function fakeModule(states: State[], opts: { moduleErrors?: number; suiteErrors?: number } = {}): TestModule {
  const errors =
    (n = 0) =>
    () =>
      Array.from({ length: n }, () => ({ message: 'boom' }));
  const suite = { errors: errors(opts.suiteErrors) };
  return {
    errors: errors(opts.moduleErrors),
    children: {
      *allTests() {
        for (const state of states) yield { result: () => ({ state }) };
      },
      *allSuites() {
        yield suite;
      },
    },
  } as unknown as TestModule;
}

describe('summary reporter', () => {
  it('counts test cases', () => {
    const s = summarize([fakeModule(['passed', 'passed', 'skipped']), fakeModule(['failed', 'passed'])], []);
    expect(s).toEqual({ passed: 3, failed: 1, skipped: 1 });
    expect(formatSummary(s)).toBe('3 passed, 1 failed, 1 skipped');
  });

  it('omits the skipped part when nothing was skipped', () => {
    expect(formatSummary({ passed: 2, failed: 0, skipped: 0 })).toBe('2 passed, 0 failed');
  });

  it('counts module, suite and unhandled errors as failures', () => {
    const s = summarize([fakeModule([], { moduleErrors: 1 }), fakeModule(['passed'], { suiteErrors: 1 })], [{ message: 'x' }]);
    expect(s).toEqual({ passed: 1, failed: 3, skipped: 0 });
  });

  it('counts tests left pending by an interrupted run as failed', () => {
    expect(summarize([fakeModule(['passed', 'pending'])], [])).toEqual({ passed: 1, failed: 1, skipped: 0 });
  });
});
