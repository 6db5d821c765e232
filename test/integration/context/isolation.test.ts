import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllPools, CosocketError, named, spawn, tcp, timerAt, wait, waitAll, withContext, type TcpSocket } from 'cosocket';
import { onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';

/**
 * The production story behind per-name isolation (issue 5), against a real redis-server spoken
 * to through raw cosockets: two light threads sharing one connection collide with
 * `socket busy reading`; through `named` each gets its own, and both go back to the pool.
 */
let redis: RedisServer;
/** One connection for reading the server's counters, opened before anything is counted. */
let admin: TcpSocket;

beforeAll(async () => {
  redis = await startRedis();
  admin = tcp();
  await admin.connect(redis.host, redis.port, { pool: 'admin' });
});
afterAll(() => closeAllPools());

type Sock = TcpSocket;

async function command(sock: Sock, ...args: string[]): Promise<string> {
  await sock.send([`*${args.length}\r\n`, ...args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`)]);
  const head = (await sock.receive()).toString();
  if (head.startsWith('$')) {
    const len = Number(head.slice(1));
    return len < 0 ? '' : (await sock.receive(len + 2)).subarray(0, len).toString();
  }
  return head;
}

/** Connections the server has accepted so far, and how many are open now, from the server itself. */
async function serverCounts(): Promise<{ received: number; connected: number }> {
  const info = await command(admin, 'INFO', 'clients');
  const stats = await command(admin, 'INFO', 'stats');
  return {
    received: Number(/total_connections_received:(\d+)/.exec(stats)![1]),
    connected: Number(/connected_clients:(\d+)/.exec(info)![1]),
  };
}

describe.skipIf(onDemandSkip('redis-server'))('per-name connection isolation against a real redis-server', () => {
  const open = async (): Promise<Sock> => {
    const sock = tcp();
    sock.setTimeout(2000);
    await sock.connect(redis.host, redis.port, { pool: 'app' });
    return sock;
  };

  it('two light threads sharing one socket fail with socket busy reading', async () => {
    const outcomes = await withContext(async () => {
      const shared = await open();
      const query = async (key: string, delayMs: number) => {
        await new Promise((r) => setTimeout(r, delayMs));
        return command(shared, 'BLPOP', key, '0.2'); // holds the read for ~200 ms
      };
      const results = await Promise.allSettled([wait(spawn(query, 'q1', 0)), wait(spawn(query, 'q2', 20))]);
      await shared.close();
      return results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as CosocketError).code));
    });
    expect(outcomes.sort()).toEqual(['ok', 'socket busy reading']);
  });

  it('with named() each thread gets its own connection, and both return to the pool', async () => {
    const before = await serverCounts();
    const values = await withContext(async () => {
      const worker = async (key: string) => {
        const db = await named('db', open);
        expect(await named('db', open)).toBe(db);
        await command(db, 'SET', key, `value of ${key}`);
        await command(db, 'BLPOP', `${key}:list`, '0.1');
        return command(db, 'GET', key);
      };
      return waitAll(spawn(worker, 'k1'), spawn(worker, 'k2'));
    });
    expect(values).toEqual(['value of k1', 'value of k2']);
    const after = await serverCounts();
    expect(after.received - before.received).toBe(2);

    // The next context reuses one of them instead of connecting.
    const reused = await withContext(async () => (await named('db', open)).getReusedTimes());
    expect(reused).toBeGreaterThan(0);
    expect((await serverCounts()).received - before.received).toBe(2);
  });

  it('a context that forgets to close a socket leaves no open socket behind', async () => {
    closeAllPools();
    await new Promise((r) => setTimeout(r, 50));
    const before = await serverCounts();
    await withContext(async () => {
      const forgotten = tcp();
      await forgotten.connect(redis.host, redis.port, { pool: 'forgotten' });
      expect(await command(forgotten, 'PING')).toBe('+PONG');
    });
    await new Promise((r) => setTimeout(r, 50));
    const after = await serverCounts();
    expect(after.received - before.received).toBe(1);
    expect(after.connected).toBe(before.connected);
  });

  it('a timer cannot use a request’s socket (bad request) but can connect its own', async () => {
    const result = await new Promise<string[]>((resolve) => {
      void withContext(async () => {
        const mine = await open();
        timerAt(0, async () => {
          const seen: string[] = [];
          seen.push(await command(mine, 'PING').catch((e: CosocketError) => e.code));
          const own = await open();
          seen.push(await command(own, 'PING'));
          await own.setKeepalive();
          resolve(seen);
        });
        await new Promise((r) => setTimeout(r, 50));
        await mine.setKeepalive();
      });
    });
    expect(result).toEqual(['bad request', '+PONG']);
  });
});
