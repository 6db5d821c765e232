// Helpers for fault tests: settle pending operations with their timing, check that each
// failure is a clear CosocketError, read pool stats, wait for a stopped server.
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { CosocketError, poolStats, type PoolStats } from 'cosocket';
import { eventually } from '@cosocket/test-kit';

export interface Outcome<T> {
  ok: boolean;
  value?: T;
  error?: unknown;
  /** Milliseconds from `started` until the promise settled. */
  ms: number;
}

/** Awaits every promise, recording how long each took to settle after `started`. */
export async function settleTimed<T>(promises: Promise<T>[], started = Date.now()): Promise<Outcome<T>[]> {
  return Promise.all(
    promises.map((p) =>
      p.then(
        (value) => ({ ok: true, value, ms: Date.now() - started }),
        (error: unknown) => ({ ok: false, error, ms: Date.now() - started }),
      ),
    ),
  );
}

/** The failure codes a dead or hung server may legitimately produce. */
export const TRANSPORT_CODES = ['timeout', 'closed', 'connection reset by peer', 'broken pipe', 'connection refused'];

/** Each outcome failed with a CosocketError whose code is in `codes`, within `withinMs`. */
export function expectTransportFailures(outcomes: Outcome<unknown>[], codes: string[], withinMs: number): void {
  for (const o of outcomes) {
    expect(o.ok, `expected a failure, got ${JSON.stringify(o.value)}`).toBe(false);
    expect(o.error, String(o.error)).toBeInstanceOf(CosocketError);
    expect(codes).toContain((o.error as CosocketError).code);
    expect(o.ms).toBeLessThanOrEqual(withinMs);
  }
}

/** The stats of one pool (zeros when it does not exist). */
export function statsOf(pool: string): PoolStats {
  return poolStats()[pool] ?? { size: 0, backlog: null, idle: 0, inUse: 0, waiting: 0, created: 0, reused: 0, evicted: 0, open: 0 };
}

/** Routes cosocket's transport-error log lines into an array instead of process warnings. */
export function captureLogs(configureFn: (options: { logger: (message: string, error?: unknown) => void }) => unknown): string[] {
  const lines: string[] = [];
  configureFn({ logger: (message, error) => lines.push(error instanceof Error ? `${message} ${error.message}` : message) });
  return lines;
}

/**
 * SIGSTOP is delivered asynchronously: a thread of the server may still run for a moment after
 * `kill()` returns. Waits until /proc says every thread is stopped (Linux; elsewhere a pause).
 */
export async function pauseAndWait(server: { pause(): void; pid: number | undefined }): Promise<void> {
  server.pause();
  const pid = server.pid;
  const stopped = (): boolean => {
    try {
      const tasks = readdirSync(`/proc/${pid}/task`);
      return tasks.every((t) => /^\d+ \(.*\) [tT] /.test(readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8')));
    } catch {
      return true;
    }
  };
  if (!(await eventually(stopped, 2000))) throw new Error(`server ${pid} did not stop after SIGSTOP`);
}
