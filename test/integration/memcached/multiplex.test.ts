// MemcachedMultiplexed: one connection shared by many concurrent callers, against real servers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { poolStats, withContext } from 'cosocket';
import { CosocketError, MemcachedError, MemcachedMultiplexed, MemcachedProtocolError, type MemcachedMultiplexedOptions } from 'resty-memcached';
import { describeServer, onDemandSkip, startMemcached } from '../../servers/index.js';
import { closeAfterEach, scriptedServer, type ScriptedServer } from '@cosocket/test-kit';
import { killMidFlight } from '../multiplexed-kill.js';
import { connected, prefix } from './helpers.js';

const open = closeAfterEach<MemcachedMultiplexed<boolean>>();
async function mux<B extends boolean = false>(
  server: { host: string; port: number },
  options: MemcachedMultiplexedOptions<B> = {},
): Promise<MemcachedMultiplexed<B>> {
  const m = new MemcachedMultiplexed<B>(options);
  m.setTimeout(5000);
  open.push(m);
  await m.connect(server.host, server.port);
  return m;
}

async function connectionCount(server: { host: string; port: number }): Promise<number> {
  const memc = await connected(server);
  const n = Number((await memc.stats()).curr_connections);
  await memc.close();
  return n;
}

describeServer('memcached', 'MemcachedMultiplexed', (server) => {
  it("its connection is in no cosocket pool: no pool name of its own, not among the server's open connections", async () => {
    const name = `${server.host}:${server.port}`;
    const openBefore = poolStats()[name]?.open ?? 0;
    const m = await mux(server);
    expect(await m.version()).toMatch(/\d/);
    expect(Object.keys(poolStats()).filter((k) => k.startsWith('mux:'))).toEqual([]);
    expect(poolStats()[name]?.open ?? 0).toBe(openBefore);
  });

  it('256 concurrent callers each get their own values, over one connection', async () => {
    const m = await mux(server);
    const p = prefix('mux');
    const before = await connectionCount(server);
    const seen = new Set<number>();
    await Promise.all(
      Array.from({ length: 256 }, async (_, caller) => {
        const k = `${p}${caller}`;
        for (let i = 0; i < 10; i++) {
          expect(await m.set(k, `${caller}:${i}`, 0, caller)).toBe(true);
          expect(await m.get(k)).toEqual({ value: `${caller}:${i}`, flags: caller });
          expect(await m.incr(`${k}:n`, 1)).toBe(i === 0 ? null : i + 1);
          if (i === 0) expect(await m.add(`${k}:n`, '1')).toBe(true);
        }
        seen.add(caller);
      }),
    );
    expect(seen.size).toBe(256);
    expect(await connectionCount(server)).toBe(before);
  });

  it('every command has the pooled result shapes, multi-key get and gets included', async () => {
    const m = await mux(server);
    const p = prefix('shape');
    const [a, b] = [`${p}a`, `${p}b ü`];
    const results = await Promise.all([
      m.set(a, 'x', 0, 7),
      m.add(a, 'y'),
      m.replace(`${p}missing`, 'y'),
      m.append(a, '>'),
      m.prepend(a, '<'),
      m.set(b, 'two'),
      m.get([a, b, `${p}missing`]),
      m.get([]),
      m.get(`${p}missing`),
      m.touch(a, 100),
      m.touch(`${p}missing`, 100),
      m.delete(`${p}missing`),
    ]);
    expect(results).toEqual([
      true,
      false,
      false,
      true,
      true,
      true,
      { [a]: { value: '<x>', flags: 7 }, [b]: { value: 'two', flags: 0 } },
      {},
      null,
      true,
      false,
      false,
    ]);
    const entry = (await m.gets(a))!;
    expect(entry).toEqual({ value: '<x>', flags: 7, cas: expect.stringMatching(/^\d+$/) });
    const [won, lost] = await Promise.all([m.cas(a, 'new', entry.cas), m.cas(a, 'newer', entry.cas)]);
    expect([won, lost]).toEqual([true, false]);
    const many = await m.gets([a, b]);
    expect(Object.keys(many).sort()).toEqual([a, b].sort());
    expect(many[a]!.value).toBe('new');
    expect(await m.delete(a)).toBe(true);
    await m.set(`${p}n`, '10');
    expect(await Promise.all([m.incr(`${p}n`, 5n), m.decr(`${p}n`, '20')])).toEqual([15, 0]);
    expect(await m.version()).toMatch(/^\d+\.\d+/);
    expect((await m.stats()).pid).toMatch(/^\d+$/);
  });

  it('returnBuffers gives Buffers, binary-safe', async () => {
    const m = await mux(server, { returnBuffers: true });
    const k = `${prefix('buf')}k`;
    const bytes = Buffer.from([0, 13, 10, 255, 69, 78, 68, 13, 10]);
    expect(await m.set(k, bytes)).toBe(true);
    expect((await m.get(k))!.value.equals(bytes)).toBe(true);
  });

  it('a server error rejects that caller only, as a MemcachedError; its neighbours succeed', async () => {
    const m = await mux(server);
    const p = prefix('err');
    await m.set(`${p}text`, 'not a number');
    const outcomes = await Promise.allSettled([m.get(`${p}text`), m.incr(`${p}text`, 1), m.set(`${p}b`, 'v'), m.get(`${p}b`)]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: { value: 'not a number', flags: 0 } });
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(MemcachedError);
    expect(((outcomes[1] as PromiseRejectedResult).reason as MemcachedError).code).toBe('CLIENT_ERROR');
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: true });
    expect(outcomes[3]).toEqual({ status: 'fulfilled', value: { value: 'v', flags: 0 } });
    expect(m.connected).toBe(true);
  });

  it('bad arguments and quit() reject (never throw), before anything is queued', async () => {
    const m = await mux(server);
    expect(() => m.get('bad key')).not.toThrow(); // escaped by the default transform
    await expect(m.get(null as unknown as string)).rejects.toThrow(TypeError);
    await expect(m.set('k', 'v', 1.5)).rejects.toThrow(TypeError);
    await expect(m.incr('k', -1)).rejects.toThrow(RangeError);
    await expect(m.quit()).rejects.toThrow(/use close\(\)/);
    await m.get('bad key');
    expect(m.pendingCount).toBe(0);
  });

  it('a full queue rejects the extra command with "too many pending commands"; the others complete', async () => {
    const m = await mux(server, { maxPending: 100 });
    const p = prefix('full');
    const accepted = Array.from({ length: 100 }, (_, i) => m.set(`${p}${i}`, 'v'));
    const extra = m.get(`${p}0`);
    await expect(extra).rejects.toBeInstanceOf(CosocketError);
    await expect(extra).rejects.toMatchObject({ code: 'too many pending commands' });
    expect((await Promise.all(accepted)).every((r) => r === true)).toBe(true);
    expect(await m.get(`${p}99`)).toEqual({ value: 'v', flags: 0 });
  });

  it('is usable from any request context, and a context ending does not close it', async () => {
    const m = await mux(server);
    const k = `${prefix('ctx')}k`;
    await withContext(async () => {
      expect(await m.set(k, '1')).toBe(true);
    });
    await withContext(async () => {
      expect(await m.incr(k, 1)).toBe(2);
    });
    expect(await m.get(k)).toEqual({ value: '2', flags: 0 });
  });
});

describe.skipIf(onDemandSkip('memcached'))('MemcachedMultiplexed against a server that dies', () => {
  let srv: Awaited<ReturnType<typeof startMemcached>>;
  beforeAll(async () => {
    srv = await startMemcached();
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('server killed mid-flight: every pending promise settles with a CosocketError; the next use reconnects', async () => {
    const m = await mux(srv);
    m.setTimeouts(2000, 2000, 2000);
    expect(await m.set('k', 'v')).toBe(true);
    await killMidFlight(
      m,
      srv,
      () => Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? m.get('k') : m.set(`k${i}`, 'v'))),
      () => m.get('k'),
    );
    expect(await m.set('k', 'again')).toBe(true);
    expect(await m.get('k')).toEqual({ value: 'again', flags: 0 });
    expect(m.connected).toBe(true);
  });

  it('a read timeout fails every pending command and closes; the next command reconnects', async () => {
    const m = new MemcachedMultiplexed();
    open.push(m);
    m.setTimeouts(2000, 2000, 150);
    await m.connect(srv.host, srv.port);
    expect(await m.set('rt', 'v')).toBe(true);
    srv.pause();
    await new Promise((r) => setTimeout(r, 50));
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => m.get('rt')));
      for (const o of outcomes) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'timeout' });
      expect(m.connected).toBe(false);
    } finally {
      srv.resume();
    }
    expect(await m.get('rt')).toEqual({ value: 'v', flags: 0 });
    expect(m.connected).toBe(true);
  });

  it('flushAll and verbosity work on the shared connection (private server: flushAll wipes it)', async () => {
    const m = await mux(srv);
    await m.set('f', '1');
    expect(await Promise.all([m.verbosity(0), m.flushAll(), m.get('f')])).toEqual([true, true, null]);
  });

  it('close() waits for pending commands, then later commands reject with closed', async () => {
    const m = await mux(srv);
    const pending = [m.set('c', '1'), m.incr('c', 1), m.get('c')];
    await m.close();
    expect(await Promise.all(pending)).toEqual([true, 2, { value: '2', flags: 0 }]);
    await expect(m.get('c')).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('MemcachedMultiplexed against hostile bytes (scripted server)', () => {
  let fake: ScriptedServer | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('a malformed reply fails that command and every one behind it, closes, and the next command reconnects', async () => {
    let connection = 0;
    fake = await scriptedServer(async (conn) => {
      const n = ++connection;
      await conn.readUntil('get c\r\n');
      if (n === 1) await conn.write('VALUE a 0 1\r\n1\r\nEND\r\nGARBAGE\r\n');
      else await conn.write('END\r\n'.repeat(3));
    });
    const m = new MemcachedMultiplexed();
    open.push(m);
    m.setTimeout(2000);
    await m.connect(fake.host, fake.port);
    const outcomes = await Promise.allSettled([m.get('a'), m.get('b'), m.get('c')]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: { value: '1', flags: 0 } });
    for (const o of outcomes.slice(1)) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(MemcachedProtocolError);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toMatch(/GARBAGE/);
    expect(m.connected).toBe(false);
    expect(m.pendingCount).toBe(0);
    // A fresh connection, not the desynchronised one.
    expect(await Promise.all([m.get('a'), m.get('b'), m.get('c')])).toEqual([null, null, null]);
    expect(fake.accepted).toBe(2);
  });

  it('bytes after the last owed reply are a protocol error that closes the connection', async () => {
    fake = await scriptedServer(async (conn) => {
      await conn.readUntil('\r\n');
      await conn.write('END\r\nEND\r\n');
    });
    const m = new MemcachedMultiplexed();
    open.push(m);
    m.setTimeout(2000);
    await m.connect(fake.host, fake.port);
    // Both ENDs arrive in one chunk: the miss is answered, the surplus closes the connection.
    expect(await m.get('a')).toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    expect(m.connected).toBe(false);
  });
});
