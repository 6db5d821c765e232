// RedisMultiplexed: one connection shared by many concurrent callers, against real servers.
import { beforeAll, describe, expect, it } from 'vitest';
import { CosocketError, poolStats, withContext } from 'cosocket';
import { RedisClientError, RedisMultiplexed, RedisReplyError } from 'resty-redis';
import { describeServer, onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';
import { closeAfterEach } from '@cosocket/test-kit';
import { killMidFlight } from '../multiplexed-kill.js';
import { client, key } from './helpers.js';

const open = closeAfterEach<RedisMultiplexed>();
async function mux(server: { host: string; port: number }, options = {}, connectOptions = {}): Promise<RedisMultiplexed> {
  const m = new RedisMultiplexed(options);
  m.setTimeout(5000);
  open.push(m);
  await m.connect(server.host, server.port, connectOptions);
  return m;
}

describeServer('redis', 'RedisMultiplexed', (server) => {
  it('256 concurrent callers each get their own replies, in order, over one connection', async () => {
    const m = await mux(server);
    const prefix = key('order');
    const seen = new Set<number>();
    const before = await client(server);
    const connectionsBefore = Number(/connected_clients:(\d+)/.exec(String(await before.info('clients')))![1]);
    await Promise.all(
      Array.from({ length: 256 }, async (_, caller) => {
        for (let i = 0; i < 20; i++) {
          const k = `${prefix}:${caller}`;
          expect(await m.set(k, `${caller}:${i}`)).toBe('OK');
          expect(await m.incr(`${k}:n`)).toBe(i + 1);
          expect(await m.get(k)).toBe(`${caller}:${i}`);
        }
        seen.add(caller);
      }),
    );
    expect(seen.size).toBe(256);
    const connectionsAfter = Number(/connected_clients:(\d+)/.exec(String(await before.info('clients')))![1]);
    expect(connectionsAfter).toBe(connectionsBefore);
    await before.close();
  });

  it("its connection is in no cosocket pool: no pool name of its own, not among the server's open connections", async () => {
    const name = `${server.host}:${server.port}`;
    const openBefore = poolStats()[name]?.open ?? 0;
    const m = await mux(server);
    expect(await m.ping()).toBe('PONG');
    expect(Object.keys(poolStats()).filter((k) => k.startsWith('mux:'))).toEqual([]);
    expect(poolStats()[name]?.open ?? 0).toBe(openBefore);
  });

  it('500 commands issued in one tick all get their own reply', async () => {
    const m = await mux(server);
    const k = key('batch');
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => m.set(`${k}:${i}`, String(i))));
    expect(replies.every((r) => r === 'OK')).toBe(true);
    const values = await Promise.all(Array.from({ length: 500 }, (_, i) => m.get(`${k}:${i}`)));
    expect(values).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
  });

  it('an error reply rejects that caller only, as a RedisReplyError value', async () => {
    const m = await mux(server);
    const k = key('err');
    await m.set(k, 'text');
    const outcomes = await Promise.allSettled([m.get(k), m.incr(k), m.get(k), m.call('NOSUCHCOMMAND'), m.ping()]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'text' });
    expect(outcomes[1].status).toBe('rejected');
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(RedisReplyError);
    expect(((outcomes[1] as PromiseRejectedResult).reason as RedisReplyError).code).toBe('ERR');
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 'text' });
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(RedisReplyError);
    expect(outcomes[4]).toEqual({ status: 'fulfilled', value: 'PONG' });
    expect(m.connected).toBe(true);
  });

  it('refuses state-changing and blocking commands with a rejection, before anything is queued', async () => {
    const m = await mux(server);
    for (const [what, run] of [
      ['select', () => m.select(1)],
      ['multi', () => m.multi()],
      ['watch', () => m.watch('k')],
      ['subscribe', () => m.subscribe('c')],
      ['blpop', () => m.blpop('k', 1)],
      ['auth', () => m.call('AUTH', 'x')],
      ['client', () => m.client('setname', 'x')],
      ['xread', () => m.xread('BLOCK', 10, 'STREAMS', 'k', '$')],
    ] as const) {
      await expect(run(), what).rejects.toThrow(RedisClientError);
    }
    await expect(m.get(null as unknown as string)).rejects.toThrow(TypeError);
    expect(m.pendingCount).toBe(0);
    expect(await m.xread('COUNT', 1, 'STREAMS', key('stream'), '0')).toBeNull();
    expect(await m.client('id')).toEqual(expect.any(Number));
  });

  it('connect({ database }) SELECTs on every connection it opens', async () => {
    const m = await mux(server, {}, { database: 3 });
    const k = key('db');
    await m.set(k, 'in 3');
    const red = await client(server, { database: 3 });
    expect(await red.get(k)).toBe('in 3');
    await red.close();
    const info = String(await m.client('info'));
    expect(info).toMatch(/ db=3 /);
  });

  it('a connection the server dropped while idle (CLIENT KILL, a timeout) is redialled: the next commands succeed, SELECT again', async () => {
    const m = await mux(server, {}, { database: 4 });
    const k = key('killed');
    await m.set(k, 'v');
    const id = await m.client('id');
    const admin = await client(server);
    expect(await admin.client('kill', 'id', id as number)).toBe(1);
    await admin.close();
    await new Promise((r) => setTimeout(r, 50)); // the EOF reaches the idle socket
    expect(await Promise.all([m.get(k), m.exists(k)])).toEqual(['v', 1]);
    expect(await m.client('id')).not.toBe(id);
    expect(String(await m.client('info'))).toMatch(/ db=4 /);
  });

  it('a full queue rejects the extra command with "too many pending commands"; the others complete', async () => {
    const m = await mux(server, { maxPending: 100 });
    const k = key('full');
    const accepted = Array.from({ length: 100 }, (_, i) => m.set(`${k}:${i}`, 'v'));
    const extra = m.get(k);
    await expect(extra).rejects.toBeInstanceOf(CosocketError);
    await expect(extra).rejects.toMatchObject({ code: 'too many pending commands' });
    expect((await Promise.all(accepted)).every((r) => r === 'OK')).toBe(true);
    expect(await m.get(`${k}:99`)).toBe('v');
  });

  it('is usable from any request context, and a context ending does not close it', async () => {
    const m = await mux(server);
    const k = key('ctx');
    await withContext(async () => {
      expect(await m.set(k, '1')).toBe('OK');
    });
    await withContext(async () => {
      expect(await m.incr(k)).toBe(2);
    });
    expect(await m.get(k)).toBe('2');
  });
});

describe.skipIf(onDemandSkip('redis-server'))('RedisMultiplexed against a server that dies', () => {
  let srv: RedisServer;
  beforeAll(async () => {
    srv = await startRedis();
  });

  it('server killed mid-flight: every pending promise settles with a CosocketError; the next use reconnects', async () => {
    const m = await mux(srv);
    m.setTimeouts(2000, 2000, 2000);
    const k = key('kill');
    expect(await m.set(k, 'v')).toBe('OK');
    await killMidFlight(
      m,
      srv,
      () => Array.from({ length: 300 }, () => m.get(k)),
      () => m.get(k),
    );
    expect(await m.set(k, 'again')).toBe('OK');
    expect(await m.get(k)).toBe('again');
    expect(m.connected).toBe(true);
  });

  it('a read timeout fails every pending command and closes; the next command reconnects', async () => {
    const m = new RedisMultiplexed();
    open.push(m);
    m.setTimeouts(2000, 2000, 150);
    await m.connect(srv.host, srv.port);
    const k = key('rt');
    expect(await m.set(k, 'v')).toBe('OK');
    const idBefore = Number(await m.client('id'));
    srv.pause();
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => m.get(k)));
      // One error for every pending command, naming the command whose reply was awaited.
      const address = `${srv.host}:${srv.port}`;
      for (const o of outcomes) {
        expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'timeout', address, command: 'GET', message: `timeout (${address}, GET)` });
      }
      expect(m.connected).toBe(false);
    } finally {
      srv.resume();
    }
    // A new connection: the stale replies of the timed-out one can never be read as ours.
    expect(await m.get(k)).toBe('v');
    expect(Number(await m.client('id'))).not.toBe(idBefore);
  });

  it('close() waits for pending commands, then later commands reject with closed', async () => {
    const m = await mux(srv);
    const k = key('close');
    const pending = [m.set(k, '1'), m.incr(k), m.get(k)];
    await m.close();
    expect(await Promise.all(pending)).toEqual(['OK', 2, '2']);
    await expect(m.get(k)).rejects.toMatchObject({ code: 'closed' });
  });
});
