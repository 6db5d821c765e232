// How hard the reliability suite pushes: the normal test run keeps its added time to about a
// minute; `pnpm soak` (vitest.soak.config.ts sets RELIABILITY_SOAK=1) runs the long version.

/** True under `pnpm soak`. */
export const SOAK = process.env.RELIABILITY_SOAK === '1';

/** fast-check runs per property: 1,000 in the test run, 100,000 in the soak. */
export const PROPERTY_RUNS = SOAK ? 100_000 : 1_000;

/** Picks the normal or the soak value. */
export function scale<T>(normal: T, soak: T): T {
  return SOAK ? soak : normal;
}
