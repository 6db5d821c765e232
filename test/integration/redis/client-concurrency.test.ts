// One client shared by 500 concurrent callers mixing every route (multiplexed commands,
// pipelines, transactions, blocking pops, withConnection, a subscription): no error, and the
// server never sees more of the client's connections than poolSize. A private server, so its
// connection count is this file's alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, Redis } from 'resty-redis';
import { onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';
import { eventually } from '@cosocket/test-kit';
import { key } from './helpers.js';

describe.skipIf(onDemandSkip('redis-server'))('createClient: 500 concurrent callers', () => {
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis();
    admin.setTimeout(5000);
    await admin.connect(server.host, server.port);
  });
  afterAll(() => admin.close());

  /** Connections open at the server now, the admin's own left out. */
  const serverConnections = async () => Number(/connected_clients:(\d+)/.exec(String(await admin.info('clients')))![1]) - 1;

  it.each([10, 3])('poolSize %i: every caller succeeds and the connection count stays within the cap', { timeout: 60_000 }, async (poolSize) => {
    expect(await serverConnections()).toBe(0);
    const client = createClient(server.url, { poolSize, commandTimeout: 5000, waitTimeout: 20_000 });
    const list = key('list');
    const counter = key('counter');
    const got: string[] = [];
    const ch = key('ch');
    const sub = await client.subscribe(ch, (m) => got.push(m));

    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await serverConnections());
        await new Promise((r) => setTimeout(r, 2));
      }
    })();

    const caller = async (i: number) => {
      const k = key(`c${i}`);
      for (let round = 0; round < 4; round++) {
        switch ((i + round) % 8) {
          case 0:
            expect(await client.multi().incr(counter).set(k, String(i)).get(k).exec()).toEqual([expect.any(Number), 'OK', String(i)]);
            break;
          case 1:
            expect(await client.pipeline().set(k, 'p').get(k).incr(counter).exec()).toEqual(['OK', 'p', expect.any(Number)]);
            break;
          case 2:
            // A pipeline with a blocking command goes to a lease.
            expect(await client.pipeline().rpush(`${k}:l`, 'x').blpop(`${k}:l`, 1).exec()).toEqual([1, [`${k}:l`, 'x']]);
            break;
          case 3:
            await client.rpush(list, String(i));
            expect(await client.blpop(list, 0.05)).toEqual(expect.anything());
            break;
          case 4:
            expect(
              await client.withConnection(async (red) => {
                await red.watch(k);
                await red.multi();
                await red.set(k, 'w');
                return red.exec();
              }),
            ).toEqual(['OK']);
            break;
          case 5:
            expect(await client.publish(ch, String(i))).toBe(1);
            break;
          default:
            expect(await client.set(k, String(round))).toBe('OK');
            expect(await client.get(k)).toBe(String(round));
        }
      }
    };
    const results = await Promise.allSettled(Array.from({ length: 500 }, (_, i) => caller(i)));
    sampling = false;
    await sampler;
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
    expect(failures).toEqual([]);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(poolSize);
    expect(await eventually(() => got.length === 250)).toBe(true);
    await sub.unsubscribe();
    await client.close();
    // Nothing of the client is left open at the server.
    for (let i = 0; i < 100 && (await serverConnections()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await serverConnections()).toBe(0);
  });
});
