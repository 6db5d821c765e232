// No lost or duplicated writes (Memcached). memcached keeps nothing across a restart, so the
// ledger is checked per epoch: writers `incr` the epoch's counter through the fault proxy;
// at a random moment the proxy resets every connection and refuses new ones (the fault the
// clients see), the counter is audited directly on the server, then the server is SIGKILLed and
// restarted and a new epoch begins. Per epoch: acknowledged <= value <= acknowledged + failed
// (below: an acknowledged incr is missing; above: an incr was applied twice by a resend), and
// the values the acknowledged incrs returned are distinct.
import { configure } from 'cosocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Memcached, MemcachedError } from 'resty-memcached';
import { onDemandSkip, startMemcached, type OnDemandServer } from '../servers/index.js';
import { faultProxy, type FaultProxy } from './fault-proxy.js';
import { between, sleep } from './support/ledger.js';
import { captureLogs } from './support/outcomes.js';
import { scale } from './support/runs.js';
import { count, peak } from './support/stats.js';

const EPOCHS = scale(4, 40);

interface Epoch {
  acked: number[];
  failed: number;
}

describe.skipIf(onDemandSkip('memcached'))('Memcached ledger: incr per epoch under RST + kill/restart', () => {
  let server: OnDemandServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    captureLogs(configure);
    server = await startMemcached();
    proxy = await faultProxy(server);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  async function direct<T>(fn: (mc: Memcached) => Promise<T>): Promise<T> {
    const mc = new Memcached();
    mc.setTimeout(2000);
    await mc.connect(server.host, server.port);
    try {
      return await fn(mc);
    } finally {
      await mc.close();
    }
  }

  it(`acknowledged incrs == counter value per epoch, over ${EPOCHS} epochs`, async () => {
    const epochs: Epoch[] = [];
    let epoch = 0;
    let stop = false;
    let inFlight = 0;
    const startEpoch = async () => {
      epochs[epoch] = { acked: [], failed: 0 };
      await direct((mc) => mc.set(`ctr:${epoch}`, '0'));
    };
    await startEpoch();

    const writer = async () => {
      while (!stop) {
        const mc = new Memcached();
        mc.setTimeouts(500, 1000, 1000);
        try {
          await mc.connect(proxy.host, proxy.port, { pool: 'mc-ledger', poolSize: 30, backlog: 100 });
        } catch {
          await sleep(10);
          continue;
        }
        const e = epoch;
        inFlight++;
        peak('peakConcurrentTasks', inFlight);
        count('ledgerWrites');
        try {
          const value = await mc.incr(`ctr:${e}`, 1);
          if (value === null) epochs[e]!.failed++;
          else epochs[e]!.acked.push(value);
          await mc.setKeepalive().catch(() => undefined);
        } catch (error) {
          epochs[e]!.failed++;
          if (error instanceof MemcachedError) await mc.setKeepalive().catch(() => undefined);
          else await mc.close().catch(() => undefined);
        } finally {
          inFlight--;
        }
      }
    };
    const writers = Array.from({ length: 10 }, writer);

    let checked = 0;
    for (let i = 0; i < EPOCHS; i++) {
      await sleep(between(100, 400));
      proxy.refuse(true);
      proxy.cut();
      await sleep(50); // in-flight incrs already forwarded are processed by now
      const value = await direct((mc) => mc.get(`ctr:${epoch}`));
      const { acked, failed } = epochs[epoch]!;
      const v = Number(value?.value);
      count('acknowledgedWrites', acked.length);
      if (v < acked.length) count('acknowledgedLost', acked.length - v);
      if (v > acked.length + failed) count('duplicates', v - acked.length - failed);
      expect(v).toBeGreaterThanOrEqual(acked.length);
      expect(v).toBeLessThanOrEqual(acked.length + failed);
      expect(new Set(acked).size).toBe(acked.length);
      expect(Math.max(0, ...acked)).toBeLessThanOrEqual(v);
      checked += acked.length;
      await server.kill();
      count('faultsInjected');
      await server.start();
      epoch++;
      await startEpoch();
      proxy.refuse(false);
    }
    stop = true;
    await Promise.all(writers);
    expect(checked).toBeGreaterThan(100);
  }, 120_000);
});
