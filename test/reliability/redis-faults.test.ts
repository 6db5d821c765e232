// Server and network faults under resty-redis, against a private redis-server: SIGKILL with
// commands in flight, SIGSTOP (a hung server), restart, and proxy faults (RST, half-close,
// corrupted bytes). Every pending promise settles within its timeout with a CosocketError (or a
// RedisProtocolError for corrupted bytes), no dead connection stays pooled, and the next command
// after the server is back succeeds.
import { configure } from 'cosocket';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CosocketError, Redis, RedisProtocolError } from 'resty-redis';
import { onDemandSkip, startRedis, type RedisServer } from '../servers/index.js';
import { faultProxy, type FaultProxy } from './fault-proxy.js';
import { eventually, pauseAndWait, expectTransportFailures, captureLogs, settleTimed, statsOf, TRANSPORT_CODES } from './support/outcomes.js';
import { count } from './support/stats.js';

const READ_TIMEOUT = 800;

describe.skipIf(onDemandSkip('redis-server'))('resty-redis under server faults', () => {
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

  async function client(pool: string, target: { host: string; port: number } = server): Promise<Redis> {
    const red = new Redis();
    red.setTimeouts(1000, 1000, READ_TIMEOUT);
    await red.connect(target.host, target.port, { pool, poolSize: 30 });
    return red;
  }

  /** Puts `n` fresh connections into `pool`. */
  async function fillPool(pool: string, n: number): Promise<void> {
    const clients = await Promise.all(Array.from({ length: n }, () => client(pool)));
    for (const red of clients) await red.setKeepalive();
    expect(statsOf(pool).idle).toBe(n);
  }

  it('SIGKILL with commands in flight: all fail fast with closed/reset, the pool empties, the next command succeeds', async () => {
    const pool = 'faults-kill';
    await fillPool(pool, 3);
    const busy = await Promise.all(Array.from({ length: 5 }, () => client(pool)));
    for (const red of busy) red.setTimeouts(1000, 1000, 10_000);
    // Handlers attached at once: the rejections arrive while kill() is still awaited.
    const settled = settleTimed(busy.map((red, i) => red.blpop(`never:${i}`, 0)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.kill();
    count('faultsInjected');
    expectTransportFailures(await settled, ['closed', 'connection reset by peer'], 3000);
    // The failed connections are closed, and the idle ones saw EOF and left the pool.
    for (const red of busy) expect(() => red.getReusedTimes()).toThrow(CosocketError);
    expect(await eventually(() => statsOf(pool).idle === 0 && statsOf(pool).inUse === 0)).toBe(true);

    // While the server is down: connection refused, and the slot is given back.
    const down = new Redis();
    down.setTimeout(1000);
    await expect(down.connect(server.host, server.port, { pool, poolSize: 30, backlog: 5 })).rejects.toMatchObject({ code: 'connection refused' });
    expect(statsOf(pool).inUse).toBe(0);

    await server.start();
    const next = await client(pool);
    expect(next.getReusedTimes()).toBe(0);
    expect(await next.ping()).toBe('PONG');
    await next.setKeepalive();
  });

  it('SIGSTOP: pending commands time out within the read timeout and are closed; after SIGCONT the next command succeeds', async () => {
    const pool = 'faults-pause';
    const busy = await Promise.all(Array.from({ length: 4 }, () => client(pool)));
    await fillPool(pool, 2);
    await pauseAndWait(server);
    count('faultsInjected');
    try {
      const started = Date.now();
      const outcomes = await settleTimed(
        busy.map((red) => red.get('k')),
        started,
      );
      expectTransportFailures(outcomes, ['timeout'], READ_TIMEOUT + 1500);
      // A timed-out command leaves its reply in flight: the connection is closed, never pooled.
      for (const red of busy) {
        expect(() => red.getReusedTimes()).toThrow(CosocketError);
        await expect(red.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
      }
      expect(statsOf(pool)).toMatchObject({ idle: 2, inUse: 0 });
    } finally {
      server.resume();
    }
    // The idle connections did nothing wrong: the server answers on them again.
    for (let i = 0; i < 4; i++) {
      const red = await client(pool);
      expect(await red.ping()).toBe('PONG');
      await red.setKeepalive();
    }
    expect(statsOf(pool).idle).toBeGreaterThanOrEqual(2);
  });

  it('restart: idle pooled connections are evicted, none is handed out dead', async () => {
    const pool = 'faults-restart';
    await fillPool(pool, 5);
    await server.restart();
    count('faultsInjected');
    expect(await eventually(() => statsOf(pool).idle === 0)).toBe(true);
    for (let i = 0; i < 10; i++) {
      const red = await client(pool);
      expect(await red.incr('after-restart')).toBe(i + 1);
      await red.setKeepalive();
    }
  });

  describe('network faults through the fault proxy', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await faultProxy(server);
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('RST mid-command: connection reset by peer, connection gone, next command succeeds', async () => {
      proxy.heal();
      const pool = 'faults-rst';
      const red = await client(pool, proxy);
      proxy.stall();
      const pending = red.get('k');
      await new Promise((resolve) => setTimeout(resolve, 30));
      proxy.cut();
      proxy.resume();
      const [o] = await settleTimed([pending]);
      expectTransportFailures([o!], ['connection reset by peer', 'closed'], READ_TIMEOUT + 1500);
      expect(() => red.getReusedTimes()).toThrow(CosocketError);
      const next = await client(pool, proxy);
      expect(await next.ping()).toBe('PONG');
      await next.close();
    });

    it('half-close: the pending command fails with closed and a pooled connection that sees FIN is evicted', async () => {
      proxy.heal();
      const pool = 'faults-fin';
      const idle = await client(pool, proxy);
      await idle.setKeepalive();
      const red = await client(pool, proxy);
      expect(red.getReusedTimes()).toBe(1);
      const other = await client(pool, proxy);
      await other.setKeepalive();
      proxy.stall();
      const pending = red.get('k');
      await new Promise((resolve) => setTimeout(resolve, 30));
      proxy.resume();
      proxy.halfClose();
      const [o] = await settleTimed([pending]);
      // The FIN may overtake the reply or not; either way a clear outcome.
      if (!o!.ok) expectTransportFailures([o!], ['closed'], READ_TIMEOUT + 1500);
      expect(await eventually(() => statsOf(pool).idle === 0)).toBe(true);
    });

    it('stall: a read timeout, then the late reply never reaches the next user', async () => {
      proxy.heal();
      const pool = 'faults-stall';
      const red = await client(pool, proxy);
      await red.set('stall-key', 'late');
      proxy.stall();
      const [o] = await settleTimed([red.get('stall-key')]);
      expectTransportFailures([o!], ['timeout'], READ_TIMEOUT + 1500);
      proxy.resume();
      const next = await client(pool, proxy);
      expect(next.getReusedTimes()).toBe(0);
      expect(await next.echo('mine')).toBe('mine');
      await next.setKeepalive();
    });

    it('a corrupted reply is a RedisProtocolError and the connection is closed', async () => {
      proxy.heal();
      const red = await client('faults-corrupt', proxy);
      proxy.corrupt('down');
      await expect(red.ping()).rejects.toBeInstanceOf(RedisProtocolError);
      expect(() => red.getReusedTimes()).toThrow(CosocketError);
      const next = await client('faults-corrupt', proxy);
      expect(await next.ping()).toBe('PONG');
      await next.close();
    });

    it('a dropped reply: the command times out instead of hanging, and is never resent', async () => {
      proxy.heal();
      const red = await client('faults-drop', proxy);
      const key = `dropped:${Date.now()}`;
      proxy.drop('down', 4); // all of `:1\r\n`
      const [o] = await settleTimed([red.incr(key)]);
      expectTransportFailures([o!], ['timeout'], READ_TIMEOUT + 1500);
      expect(() => red.getReusedTimes()).toThrow(CosocketError);
      proxy.heal();
      const check = await client('faults-drop-check');
      expect(await check.get(key)).toBe('1');
      await check.close();
    });
  });
});
