// RedisMultiplexed (one connection shared by every caller, reconnecting on the next command)
// under a hung server: every pending command rejects within the read timeout. Its ledger (a
// reconnect never resends a command that may have reached the server) is in ledger.test.ts.
import { configure } from 'cosocket';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisMultiplexed } from 'resty-redis';
import { onDemandSkip, startRedis, type RedisServer } from '../servers/index.js';
import { captureLogs, pauseAndWait, expectTransportFailures, settleTimed } from './support/outcomes.js';
import { count } from './support/stats.js';

describe.skipIf(onDemandSkip('redis-server'))('RedisMultiplexed under server faults', () => {
  let server: RedisServer;
  beforeAll(async () => {
    captureLogs(configure);
    server = await startRedis();
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
});
