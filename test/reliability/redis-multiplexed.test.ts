// RedisMultiplexed (one connection shared by every caller, reconnecting on the next command)
// under faults: a hung server rejects every pending command within the read timeout, and the
// ledger holds under SIGKILL/restart — a reconnect never resends a command that may have
// reached the server. Same ledger design as redis-ledger.test.ts (appendfsync always).
import { configure } from 'cosocket';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisMultiplexed } from 'resty-redis';
import { onDemandSkip, startRedis, type RedisServer } from '../servers/index.js';
import { between, judge, runLedger, sleep } from './support/ledger.js';
import { captureLogs, pauseAndWait, expectTransportFailures, settleTimed } from './support/outcomes.js';
import { scale } from './support/runs.js';
import { count } from './support/stats.js';

const CYCLES = scale(3, 30);
const PREFIX = 'mux-ledger:';

describe.skipIf(onDemandSkip('redis-server'))('RedisMultiplexed under server faults', () => {
  let server: RedisServer;
  beforeAll(async () => {
    captureLogs(configure);
    server = await startRedis({ config: ['appendonly yes', 'appendfsync always', 'aof-use-rdb-preamble no'] });
  });
  // A test that failed half-way must not leave the server down or stopped for the next one.
  beforeEach(async () => {
    server.resume();
    if (!server.running) await server.start();
  });

  it('SIGSTOP: every pending command rejects within the read timeout; after SIGCONT the next one works', async () => {
    const mux = new RedisMultiplexed();
    mux.setTimeouts(1000, 1000, 800);
    await mux.connect(server.host, server.port);
    expect(await mux.ping()).toBe('PONG');
    await pauseAndWait(server);
    count('faultsInjected');
    try {
      const outcomes = await settleTimed(Array.from({ length: 50 }, (_, i) => mux.get(`k${i}`)));
      expectTransportFailures(outcomes, ['timeout'], 800 + 1500);
    } finally {
      server.resume();
    }
    expect(await mux.ping()).toBe('PONG');
    await mux.close();
  });

  it(`ledger: every acknowledged INCR survives ${CYCLES} SIGKILL/restart cycles, none is applied twice`, async () => {
    const mux = new RedisMultiplexed();
    mux.setTimeouts(500, 1000, 1000);
    await mux.connect(server.host, server.port);
    const run = await runLedger({
      writers: 40,
      pauseMs: 5,
      write: async (id) => {
        try {
          return (await mux.incr(PREFIX + id)) === 1 ? 'ack' : 'failed';
        } catch {
          return 'failed';
        }
      },
      chaos: async () => {
        for (let i = 0; i < CYCLES; i++) {
          await sleep(between(100, 500));
          await server.kill();
          count('faultsInjected');
          await sleep(between(0, 150));
          await server.start();
        }
        await sleep(200);
      },
    });
    await mux.close().catch(() => undefined);
    const check = new RedisMultiplexed();
    check.setTimeout(5000);
    await check.connect(server.host, server.port);
    // After the last restart Redis may still be loading its AOF (-LOADING): wait for it.
    let keys: string[] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        keys = (await check.keys(`${PREFIX}*`)) as string[];
        break;
      } catch (error) {
        if (!/^LOADING/.test((error as Error).message) || attempt > 100) throw error;
        await sleep(100);
      }
    }
    const values: (string | null)[] = [];
    // MGET in slices: a soak run leaves hundreds of thousands of keys.
    for (let i = 0; i < keys.length; i += 1000) values.push(...((await check.mget(...keys.slice(i, i + 1000))) as (string | null)[]));
    await check.close();
    const verdict = judge(run, new Map(keys.map((k, i) => [k.slice(PREFIX.length), Number(values[i])])));
    expect(run.acked.length).toBeGreaterThan(100);
    expect(verdict).toEqual({ lost: [], duplicated: [], foreign: [] });
  });
});
