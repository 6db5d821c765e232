// Server and network faults under each client, against its own private server: SIGKILL with
// commands in flight, SIGSTOP (a hung server), restart, and proxy faults (RST, half-close,
// stall, corrupted and dropped bytes). Every pending promise settles within its timeout with a
// CosocketError (the protocol's own error for corrupted bytes), no dead connection stays
// pooled, and the next command after the server is back succeeds. One body, run per protocol
// (support/protocols.ts says how each client connects, writes and reads).
import { configure, CosocketError } from 'cosocket';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, sleep, type FaultProxy } from '@cosocket/test-kit';
import { onDemandSkip, type OnDemandServer } from '../servers/index.js';
import { captureLogs, expectTransportFailures, pauseAndWait, settleTimed, statsOf } from './support/outcomes.js';
import { PROTOCOLS, type Client } from './support/protocols.js';
import { countedFaultProxy } from './support/proxy.js';
import { count } from './support/stats.js';

/** How late past its read timeout a failure may settle. */
const SLACK = 1500;

for (const p of PROTOCOLS) {
  describe.skipIf(onDemandSkip(p.binary))(`${p.name} under server faults`, () => {
    let server: OnDemandServer;
    beforeAll(async () => {
      captureLogs(configure);
      server = await p.start();
    }, p.startMs);
    // A test that failed half-way must not leave the server down or stopped for the next one.
    beforeEach(async () => {
      server.resume();
      if (!server.running) await server.start();
    });

    async function client(pool: string, target: { host: string; port: number } = server, readMs = p.readMs): Promise<Client> {
      const c = p.create();
      c.setTimeouts(p.connectMs, p.sendMs, readMs);
      await c.connect(target.host, target.port, { pool, poolSize: 30 });
      return c;
    }

    /** Puts `n` fresh connections into `pool`. */
    async function fillPool(pool: string, n: number): Promise<void> {
      const clients = await Promise.all(Array.from({ length: n }, () => client(pool)));
      for (const c of clients) await c.setKeepalive();
      expect(statsOf(pool).idle).toBe(n);
    }

    /** A key of this run: FerretDB keeps its data across restarts. */
    const key = (name: string) => `${name}:${process.pid}:${Date.now()}`;

    it('SIGKILL with commands in flight: all fail fast with closed/reset, the pool empties, the next command succeeds', async () => {
      const pool = `${p.name}-kill`;
      await fillPool(pool, 3);
      const busy = await Promise.all(Array.from({ length: 5 }, () => client(pool, server, 10_000)));
      // Truly pending: the server holds them (BLPOP), or it is stopped before they are sent.
      const hold = p.hold;
      if (hold === undefined) await pauseAndWait(server);
      // Handlers attached at once: the rejections arrive while kill() is still awaited.
      const settled = settleTimed(busy.map((c, i) => (hold !== undefined ? hold(c, i) : p.read(c, `k${i}`))));
      await sleep(50);
      await server.kill();
      count('faultsInjected');
      expectTransportFailures(await settled, ['closed', 'connection reset by peer'], 3000);
      // The failed connections are closed, and the idle ones saw EOF and left the pool.
      for (const c of busy) expect(() => c.getReusedTimes()).toThrow(CosocketError);
      expect(await eventually(() => statsOf(pool).idle === 0 && statsOf(pool).inUse === 0)).toBe(true);

      // While the server is down: connection refused, and the slot is given back.
      const down = p.create();
      down.setTimeouts(1000, 1000, 1000);
      await expect(down.connect(server.host, server.port, { pool, poolSize: 30, backlog: 5 })).rejects.toMatchObject({ code: 'connection refused' });
      expect(statsOf(pool).inUse).toBe(0);

      await server.start();
      const next = await client(pool);
      expect(next.getReusedTimes()).toBe(0);
      await p.ping(next);
      await next.setKeepalive();
    });

    it('SIGSTOP: pending commands time out within the read timeout and are closed; after SIGCONT the next command succeeds', async () => {
      const pool = `${p.name}-pause`;
      const busy = await Promise.all(Array.from({ length: 4 }, () => client(pool)));
      await fillPool(pool, 2);
      await pauseAndWait(server);
      count('faultsInjected');
      try {
        const outcomes = await settleTimed(busy.map((c) => p.read(c, 'k')));
        expectTransportFailures(outcomes, ['timeout'], p.readMs + SLACK);
        // A timed-out command leaves its reply in flight: the connection is closed, never pooled.
        for (const c of busy) {
          expect(() => c.getReusedTimes()).toThrow(CosocketError);
          await expect(c.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
        }
        expect(statsOf(pool)).toMatchObject({ idle: 2, inUse: 0 });
      } finally {
        server.resume();
      }
      // The idle connections did nothing wrong: the server answers on them again.
      for (let i = 0; i < 4; i++) {
        const c = await client(pool);
        await p.ping(c);
        await c.setKeepalive();
      }
      expect(statsOf(pool).idle).toBeGreaterThanOrEqual(2);
    });

    it('restart: idle pooled connections are evicted, none is handed out dead', async () => {
      const pool = `${p.name}-restart`;
      await fillPool(pool, 5);
      await server.restart();
      count('faultsInjected');
      expect(await eventually(() => statsOf(pool).idle === 0)).toBe(true);
      const counter = key('after-restart');
      for (let i = 0; i < 10; i++) {
        const c = await client(pool);
        if (i === 0) await p.write(c, counter, '0');
        await p.incr(c, counter);
        expect(await p.counter(c, counter)).toBe(i + 1);
        await c.setKeepalive();
      }
    });

    describe('network faults through the fault proxy', () => {
      let proxy: FaultProxy;
      beforeAll(async () => {
        proxy = await countedFaultProxy(server);
      });
      afterAll(async () => {
        await proxy.close();
      });

      it('RST mid-command: connection reset by peer, connection gone, next command succeeds', async () => {
        proxy.heal();
        const pool = `${p.name}-rst`;
        const c = await client(pool, proxy);
        proxy.stall();
        const pending = p.read(c, 'k');
        await sleep(30);
        proxy.cut();
        proxy.resume();
        const [o] = await settleTimed([pending]);
        expectTransportFailures([o!], ['connection reset by peer', 'closed'], p.readMs + SLACK);
        expect(() => c.getReusedTimes()).toThrow(CosocketError);
        const next = await client(pool, proxy);
        expect(next.getReusedTimes()).toBe(0);
        await p.ping(next);
        await next.close();
      });

      it('half-close: the pending command fails with closed and a pooled connection that sees FIN is evicted', async () => {
        proxy.heal();
        const pool = `${p.name}-fin`;
        const idle = await client(pool, proxy);
        await idle.setKeepalive();
        const c = await client(pool, proxy);
        expect(c.getReusedTimes()).toBe(1);
        const other = await client(pool, proxy);
        await other.setKeepalive();
        proxy.stall();
        const pending = p.read(c, 'k');
        await sleep(30);
        proxy.resume();
        proxy.halfClose();
        const [o] = await settleTimed([pending]);
        // The FIN may overtake the reply or not; either way a clear outcome.
        if (!o!.ok) expectTransportFailures([o!], ['closed'], p.readMs + SLACK);
        expect(await eventually(() => statsOf(pool).idle === 0)).toBe(true);
      });

      it('stall: a read timeout closes the connection, so the late reply never reaches the next user', async () => {
        proxy.heal();
        const pool = `${p.name}-stall`;
        const late = key('stall-late');
        const mine = key('stall-mine');
        const c = await client(pool, proxy);
        await p.write(c, late, 'late');
        await p.write(c, mine, 'mine');
        proxy.stall();
        const [o] = await settleTimed([p.read(c, late)]);
        expectTransportFailures([o!], ['timeout'], p.readMs + SLACK);
        proxy.resume();
        const next = await client(pool, proxy);
        expect(next.getReusedTimes()).toBe(0);
        expect(await p.read(next, mine)).toBe('mine');
        await next.setKeepalive();
      });

      it('a corrupted reply is a protocol error and the connection is closed', async () => {
        proxy.heal();
        const pool = `${p.name}-corrupt`;
        const c = await client(pool, proxy);
        proxy.corrupt('down', p.corruptReply);
        await expect(p.ping(c)).rejects.toBeInstanceOf(p.ProtocolError);
        expect(() => c.getReusedTimes()).toThrow(CosocketError);
        proxy.heal();
        const next = await client(pool, proxy);
        await p.ping(next);
        await next.close();
      });

      it('a dropped reply: the command times out instead of hanging, and is never resent', async () => {
        proxy.heal();
        const pool = `${p.name}-drop`;
        const counter = key('dropped');
        const c = await client(pool, proxy);
        await p.write(c, counter, '0');
        proxy.drop('down', 1 << 20); // the whole reply, whatever its size
        const [o] = await settleTimed([p.incr(c, counter)]);
        expectTransportFailures([o!], ['timeout'], p.readMs + SLACK);
        expect(() => c.getReusedTimes()).toThrow(CosocketError);
        proxy.heal();
        const check = await client(`${pool}-check`);
        expect(await p.counter(check, counter)).toBe(1);
        await check.close();
      });
    });
  });
}
