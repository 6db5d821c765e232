// RedisMultiplexed and MemcachedMultiplexed when their server dies with commands in flight:
// the same check for both, written once.
import { expect } from 'vitest';
import { CosocketError } from 'cosocket';
import { sleep } from '@cosocket/test-kit';
import type { OnDemandServer } from '../servers/index.js';

interface Multiplexed {
  readonly pendingCount: number;
  readonly connected: boolean;
}

/**
 * Stops the server, sends `issue()`'s 300 commands, then kills it: every one settles with a
 * CosocketError, nothing stays pending and the connection is gone; while the server is down
 * `probe()` fails with `connection refused` at once. Then starts the server again.
 */
export async function killMidFlight(
  m: Multiplexed,
  srv: OnDemandServer,
  issue: () => Promise<unknown>[],
  probe: () => Promise<unknown>,
): Promise<void> {
  srv.pause();
  await sleep(50);
  const settled = Promise.allSettled(issue());
  await sleep(50);
  expect(m.pendingCount).toBe(300);
  await srv.kill();
  const outcomes = await settled;
  for (const o of outcomes) {
    expect(o.status).toBe('rejected');
    expect((o as PromiseRejectedResult).reason).toBeInstanceOf(CosocketError);
  }
  expect(m.pendingCount).toBe(0);
  expect(m.connected).toBe(false);

  // While the server is down, commands fail with the connect error and nothing hangs.
  await expect(probe()).rejects.toMatchObject({ code: 'connection refused' });
  await srv.start();
}
