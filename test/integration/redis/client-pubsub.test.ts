// client.subscribe / psubscribe: push-style delivery on one subscriber connection, against a
// private redis-server (CLIENT KILL and restarts must not disturb other files' tests).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContext } from 'cosocket';
import { createClient, Redis, RedisReplyError, type RedisClient } from 'resty-redis';
import { closeAfterEach, eventually, failure, sleep } from '@cosocket/test-kit';
import { onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';
import { key } from './helpers.js';

describe.skipIf(onDemandSkip('redis-server'))('createClient: subscribe', () => {
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedis({ users: [{ username: 'limited', password: 'pw', rules: '~* +@all resetchannels &allowed:*' }] });
    admin = new Redis();
    admin.setTimeout(3000);
  });
  afterAll(() => admin.close());

  const open = closeAfterEach<RedisClient>();
  const make = (options = {}) => {
    const client = createClient(server.url, { commandTimeout: 3000, ...options });
    open.push(client);
    return client;
  };
  /** Runs a command on a fresh admin connection (the server may have restarted since). */
  const adminCall = async (...args: [string, ...(string | number)[]]) => {
    await admin.connect(server.host, server.port);
    try {
      return await admin.call(...args);
    } finally {
      await admin.close();
    }
  };
  /** Polls an async condition (the server notices a close a moment later). */
  const settles = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) if (await check()) return true;
    return false;
  };
  const pubsubConnections = async () =>
    String(await adminCall('CLIENT', 'LIST', 'TYPE', 'pubsub'))
      .split('\n')
      .filter((l) => l.startsWith('id=')).length;

  it('delivers (message, channel) to every listener, psubscribe with the pattern, and stops after unsubscribe', async () => {
    const client = make();
    const [a, b] = [key('a'), key('b')];
    const got: string[] = [];
    const first = await client.subscribe(a, (message, channel) => got.push(`1:${channel}:${message}`));
    const second = await client.subscribe([a, b], (message, channel) => got.push(`2:${channel}:${message}`));
    const pattern = await client.psubscribe(`${b.slice(0, -8)}*`, (message, channel, matched) => got.push(`p:${matched}:${channel}:${message}`));
    // PUBLISH counts connections per matching subscription: one connection carries them all.
    expect(await client.publish(a, 'x')).toBe(1);
    expect(await client.publish(b, 'y')).toBe(2);
    expect(await eventually(() => got.length === 4)).toBe(true);
    expect(got).toEqual([`1:${a}:x`, `2:${a}:x`, `2:${b}:y`, `p:${b.slice(0, -8)}*:${b}:y`]);
    // One connection carries every subscription.
    expect(await pubsubConnections()).toBe(1);

    await first.unsubscribe();
    await first.unsubscribe();
    got.length = 0;
    expect(await client.publish(a, 'z')).toBe(1);
    // A message still on its way when unsubscribe() is called is dropped: wait for it first.
    expect(await eventually(() => got.length === 1)).toBe(true);
    await second.unsubscribe();
    expect(await client.publish(a, 'gone')).toBe(0);
    expect(await client.publish(b, 'w')).toBe(1);
    expect(await eventually(() => got.length === 2)).toBe(true);
    await pattern.unsubscribe();
    expect(got).toEqual([`2:${a}:z`, `p:${b.slice(0, -8)}*:${b}:w`]);
    // The last unsubscribe closes the subscriber connection.
    expect(await settles(async () => (await pubsubConnections()) === 0)).toBe(true);
    // And a later subscribe opens one again.
    const again = await client.subscribe(a, (message) => got.push(message));
    expect(await client.publish(a, 'back')).toBe(1);
    await again.unsubscribe();
  });

  it('resubscribes everything after CLIENT KILL TYPE pubsub', async () => {
    const client = make();
    const [ch, pat] = [key('kill'), `${key('killp')}*`];
    const got: string[] = [];
    await client.subscribe(ch, (message) => got.push(message));
    await client.psubscribe(pat, (message) => got.push(`p:${message}`));
    expect(await adminCall('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
    const delivered = async () => {
      for (let i = 0; i < 200; i++) {
        if ((await client.publish(ch, `m${i}`)) === 1 && (await client.publish(pat.replace('*', 'x'), `m${i}`)) === 1) return;
        await sleep(10);
      }
      throw new Error('never resubscribed');
    };
    await delivered();
    expect(await eventually(() => got.some((m) => m.startsWith('p:')) && got.some((m) => !m.startsWith('p:')))).toBe(true);
    expect(await pubsubConnections()).toBe(1);
  });

  it('resubscribes after a server restart, and delivers again', async () => {
    const client = make();
    const ch = key('restart');
    const got: string[] = [];
    await client.subscribe(ch, (message) => got.push(message));
    await server.stop();
    await sleep(200);
    await server.start();
    let received = 0;
    for (let i = 0; i < 300 && received === 0; i++) {
      received = Number(await adminCall('PUBLISH', ch, 'after restart'));
      if (received === 0) await sleep(20);
    }
    expect(received).toBe(1);
    expect(await eventually(() => got.includes('after restart'))).toBe(true);
  });

  it('rejects a subscription the server refuses (NOPERM), naming SUBSCRIBE; others are unaffected', async () => {
    const client = make({ username: 'limited', password: 'pw' });
    const got: string[] = [];
    await client.subscribe('allowed:1', (message) => got.push(message));
    const refused = await failure(
      client.subscribe('denied', () => undefined),
      RedisReplyError,
    );
    expect(refused.code).toBe('NOPERM');
    expect(refused.command).toBe('SUBSCRIBE');
    expect(await client.publish('allowed:1', 'still here')).toBe(1);
    expect(await eventually(() => got.length === 1)).toBe(true);
  });

  it('rejects when the server cannot be reached, with the connect error', async () => {
    const client = createClient({ host: '127.0.0.1', port: 1, connectTimeout: 1000 });
    open.push(client);
    const error = await failure(client.subscribe('x', () => undefined));
    expect(error.code).toBe('connection refused');
    expect(error.message).toBe('connection refused (127.0.0.1:1, connect)');
  });

  it('counts the subscriber connection against poolSize', async () => {
    const client = make({ poolSize: 2, waitTimeout: 200 });
    const sub = await client.subscribe(key('cap'), () => undefined);
    // poolSize 2: the multiplexed connection and one more, which the subscriber holds now.
    const error = await failure(client.blpop(key('cap-list'), 1));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/^timeout: no free connection within 200 ms .*\(127\.0\.0\.1:\d+, BLPOP\)$/);
    await sub.unsubscribe();
    expect(await client.blpop(key('cap-list'), 0.1)).toBeNull();
  });

  it('keeps delivering after the request context that subscribed has ended', async () => {
    const client = make();
    const ch = key('ctx');
    const got: string[] = [];
    await withContext(async () => {
      await client.subscribe(ch, (message) => got.push(message));
    });
    expect(await client.publish(ch, 'later')).toBe(1);
    expect(await eventually(() => got.length === 1)).toBe(true);
  });

  it('close() rejects a subscribe in progress and closes the subscriber connection', async () => {
    const client = make();
    await client.subscribe(key('close'), () => undefined);
    const late = client.subscribe(key('close2'), () => undefined);
    await client.close();
    await expect(late).rejects.toMatchObject({ code: 'closed' });
    expect(await settles(async () => (await pubsubConnections()) === 0)).toBe(true);
  });
});
