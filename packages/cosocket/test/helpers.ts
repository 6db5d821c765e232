import { expect } from 'vitest';
import { CosocketError } from '../src/index.js';

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
