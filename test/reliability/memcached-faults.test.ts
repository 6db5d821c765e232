// Server faults under resty-memcached, against a private memcached: SIGKILL with commands in
// flight (the server is stopped first, so they are truly pending), SIGSTOP, restart. Every
// pending promise settles within its timeout with a CosocketError, no dead connection stays
// pooled, and the next command after the server is back succeeds.
import { configure } from 'cosocket';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CosocketError, Memcached } from 'resty-memcached';
import { onDemandSkip, startMemcached, type OnDemandServer } from '../servers/index.js';
import { captureLogs, pauseAndWait, eventually, expectTransportFailures, settleTimed, statsOf } from './support/outcomes.js';
import { count } from './support/stats.js';

const READ_TIMEOUT = 800;

describe.skipIf(onDemandSkip('memcached'))('resty-memcached under server faults', () => {
  let server: OnDemandServer;
  beforeAll(async () => {
    captureLogs(configure);
    server = await startMemcached();
  });
  // A test that failed half-way must not leave the server down or stopped for the next one.
  beforeEach(async () => {
    server.resume();
    if (!server.running) await server.start();
  });

  async function client(pool: string, readMs = READ_TIMEOUT): Promise<Memcached> {
    const mc = new Memcached();
    mc.setTimeouts(1000, 1000, readMs);
    await mc.connect(server.host, server.port, { pool, poolSize: 30 });
    return mc;
  }

  it('SIGKILL with commands in flight: all fail with closed/reset, the pool empties, the next command succeeds', async () => {
    const pool = 'mc-kill';
    const busy = await Promise.all(Array.from({ length: 4 }, () => client(pool, 10_000)));
    const idle = await Promise.all(Array.from({ length: 3 }, () => client(pool)));
    for (const mc of idle) await mc.setKeepalive();
    await pauseAndWait(server);
    const settled = settleTimed(busy.map((mc, i) => mc.set(`k${i}`, 'v')));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.kill();
    count('faultsInjected');
    expectTransportFailures(await settled, ['closed', 'connection reset by peer'], 3000);
    for (const mc of busy) expect(() => mc.getReusedTimes()).toThrow(CosocketError);
    expect(await eventually(() => statsOf(pool).idle === 0 && statsOf(pool).inUse === 0)).toBe(true);
    await server.start();
    const next = await client(pool);
    expect(next.getReusedTimes()).toBe(0);
    expect(await next.set('after', '1')).toBe(true);
    await next.setKeepalive();
  });

  it('SIGSTOP: pending commands time out within the read timeout and are closed; after SIGCONT the next command succeeds', async () => {
    const pool = 'mc-pause';
    const busy = await Promise.all(Array.from({ length: 3 }, () => client(pool)));
    await pauseAndWait(server);
    count('faultsInjected');
    try {
      expectTransportFailures(await settleTimed(busy.map((mc) => mc.get('k'))), ['timeout'], READ_TIMEOUT + 1500);
      for (const mc of busy) expect(() => mc.getReusedTimes()).toThrow(CosocketError);
      expect(statsOf(pool).inUse).toBe(0);
    } finally {
      server.resume();
    }
    const next = await client(pool);
    expect(await next.version()).toMatch(/^1\./);
    await next.setKeepalive();
  });

  it('restart: idle pooled connections are evicted, none is handed out dead', async () => {
    const pool = 'mc-restart';
    const idle = await Promise.all(Array.from({ length: 4 }, () => client(pool)));
    for (const mc of idle) await mc.setKeepalive();
    await server.restart();
    count('faultsInjected');
    expect(await eventually(() => statsOf(pool).idle === 0)).toBe(true);
    for (let i = 0; i < 6; i++) {
      const mc = await client(pool);
      expect(await mc.set(`r${i}`, 'x')).toBe(true);
      await mc.setKeepalive();
    }
  });
});
