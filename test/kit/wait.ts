// Waiting and cleaning up in tests: a plain sleep, polling for a condition that is reached by
// events, awaiting a promise that must fail, closing what a test opened.
import { afterEach, expect } from 'vitest';
import { CosocketError } from 'cosocket';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 10 ms until it holds or `ms` passed; returns whether it held. */
export async function eventually(check: () => boolean, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
}

/** Awaits a promise that must reject with an instance of `type` (CosocketError by default). */
export async function failure<E extends Error = CosocketError>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E = CosocketError as unknown as new (...args: never[]) => E,
): Promise<E> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

/**
 * A list for the clients a test opens: whatever is in it is closed after each test (a close
 * that fails is ignored), so a failing test leaks no connection into the next.
 */
export function closeAfterEach<T extends { close(): Promise<unknown> }>(): T[] {
  const open: T[] = [];
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((c) => c.close()));
  });
  return open;
}
