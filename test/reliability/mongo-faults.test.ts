// Server and network faults under resty-mongo, against a private FerretDB: SIGKILL with
// commands in flight (the server is stopped first, so they are truly pending), SIGSTOP,
// restart, and proxy faults. Every pending promise settles within its timeout with a
// CosocketError (a MongoProtocolError for corrupted bytes), no dead connection stays pooled,
// and the next command after the server is back succeeds.
import { configure } from 'cosocket';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CosocketError, Mongo, MongoProtocolError } from 'resty-mongo';
import { onDemandSkip, startFerretDB, type FerretDBServer } from '../servers/index.js';
import { faultProxy, type FaultProxy } from './fault-proxy.js';
import { eventually, pauseAndWait, expectTransportFailures, captureLogs, settleTimed, statsOf } from './support/outcomes.js';
import { count } from './support/stats.js';

const READ_TIMEOUT = 1000;

describe.skipIf(onDemandSkip('ferretdb'))('resty-mongo under server faults', () => {
  let server: FerretDBServer;
  beforeAll(async () => {
    captureLogs(configure);
    server = await startFerretDB();
  }, 60_000);
  // A test that failed half-way must not leave the server down or stopped for the next one.
  beforeEach(async () => {
    server.resume();
    if (!server.running) await server.start();
  });

  async function client(pool: string, target: { host: string; port: number } = server, readMs = READ_TIMEOUT): Promise<Mongo> {
    const m = new Mongo();
    m.setTimeouts(2000, 2000, readMs);
    await m.connect(target.host, target.port, { pool, poolSize: 30 });
    return m;
  }

  const ping = (m: Mongo) => m.db('admin').command({ ping: 1 });

  it('SIGKILL with commands in flight: all fail with closed/reset, the pool empties, the next command succeeds', async () => {
    const pool = 'mongo-kill';
    const busy = await Promise.all(Array.from({ length: 4 }, () => client(pool, server, 10_000)));
    const idle = await Promise.all(Array.from({ length: 3 }, () => client(pool)));
    for (const m of idle) await m.setKeepalive();
    await pauseAndWait(server);
    const settled = settleTimed(busy.map((m) => m.db('faults').collection('c').findOne({})));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.kill();
    count('faultsInjected');
    expectTransportFailures(await settled, ['closed', 'connection reset by peer'], 3000);
    for (const m of busy) expect(() => m.getReusedTimes()).toThrow(CosocketError);
    expect(await eventually(() => statsOf(pool).idle === 0 && statsOf(pool).inUse === 0)).toBe(true);
    await server.start();
    const next = await client(pool);
    expect(next.getReusedTimes()).toBe(0);
    expect((await ping(next)).ok).toBe(1);
    await next.setKeepalive();
  });

  it('SIGSTOP: pending commands time out within the read timeout and are closed; after SIGCONT the next command succeeds', async () => {
    const pool = 'mongo-pause';
    const busy = await Promise.all(Array.from({ length: 3 }, () => client(pool)));
    await pauseAndWait(server);
    count('faultsInjected');
    try {
      const outcomes = await settleTimed(busy.map((m) => ping(m)));
      expectTransportFailures(outcomes, ['timeout'], READ_TIMEOUT + 1500);
      for (const m of busy) expect(() => m.getReusedTimes()).toThrow(CosocketError);
      expect(statsOf(pool).inUse).toBe(0);
    } finally {
      server.resume();
    }
    const next = await client(pool);
    expect((await ping(next)).ok).toBe(1);
    await next.setKeepalive();
  });

  it('restart: idle pooled connections are evicted, none is handed out dead', async () => {
    const pool = 'mongo-restart';
    const idle = await Promise.all(Array.from({ length: 4 }, () => client(pool)));
    for (const m of idle) await m.setKeepalive();
    await server.restart();
    count('faultsInjected');
    expect(await eventually(() => statsOf(pool).idle === 0)).toBe(true);
    for (let i = 0; i < 6; i++) {
      const m = await client(pool);
      expect((await ping(m)).ok).toBe(1);
      await m.setKeepalive();
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

    it('RST mid-command: connection reset by peer, then a fresh connection works', async () => {
      proxy.heal();
      const m = await client('mongo-rst', proxy);
      proxy.stall();
      const settled = settleTimed([ping(m)]);
      await new Promise((resolve) => setTimeout(resolve, 30));
      proxy.cut();
      proxy.resume();
      expectTransportFailures(await settled, ['connection reset by peer', 'closed'], READ_TIMEOUT + 1500);
      const next = await client('mongo-rst', proxy);
      expect(next.getReusedTimes()).toBe(0);
      expect((await ping(next)).ok).toBe(1);
      await next.close();
    });

    it('stall: a read timeout closes the connection, so the late reply never reaches the next user', async () => {
      proxy.heal();
      const m = await client('mongo-stall', proxy);
      proxy.stall();
      expectTransportFailures(await settleTimed([ping(m)]), ['timeout'], READ_TIMEOUT + 1500);
      proxy.resume();
      const next = await client('mongo-stall', proxy);
      expect(next.getReusedTimes()).toBe(0);
      expect((await next.db('admin').command({ buildInfo: 1 })).ok).toBe(1);
      await next.close();
    });

    it('a corrupted reply header is a MongoProtocolError and the connection is closed', async () => {
      proxy.heal();
      const m = await client('mongo-corrupt', proxy);
      // Byte 8 is inside responseTo: the reply no longer answers our request.
      proxy.corrupt('down', (chunk) => {
        chunk[8] = chunk[8]! ^ 0x55;
        return chunk;
      });
      await expect(ping(m)).rejects.toBeInstanceOf(MongoProtocolError);
      expect(() => m.getReusedTimes()).toThrow(CosocketError);
      proxy.heal();
    });

    it('half-close during a command: a clear closed error, and the pool never keeps the socket', async () => {
      proxy.heal();
      const pool = 'mongo-fin';
      const m = await client(pool, proxy);
      proxy.stall();
      const settled = settleTimed([ping(m)]);
      await new Promise((resolve) => setTimeout(resolve, 30));
      proxy.halfClose();
      proxy.resume();
      const [o] = await settled;
      if (!o!.ok) expectTransportFailures([o!], ['closed'], READ_TIMEOUT + 1500);
      expect(statsOf(pool).idle).toBe(0);
    });
  });
});
