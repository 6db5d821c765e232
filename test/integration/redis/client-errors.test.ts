// createClient's errors and limits against a private redis-server (paused, stopped): which step
// timed out and where, the wait queue, command timeouts, and that a closed client lets the
// process exit.
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, type RedisClient } from 'resty-redis';
import { closeAfterEach, eventually, failure, sleep } from '@cosocket/test-kit';
import { onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';
import { key } from './helpers.js';

describe.skipIf(onDemandSkip('redis-server'))('createClient: errors and limits', () => {
  let server: RedisServer;
  let address: string;
  beforeAll(async () => {
    server = await startRedis();
    address = `${server.host}:${server.port}`;
  });

  const open = closeAfterEach<RedisClient>();
  const make = (options = {}) => {
    const client = createClient(server.url, options);
    open.push(client);
    return client;
  };
  /** Runs `fn` while the server is stopped with SIGSTOP (connections and connects hang). */
  const paused = async <T>(fn: () => Promise<T>): Promise<T> => {
    server.pause();
    try {
      return await fn();
    } finally {
      server.resume();
    }
  };

  it('waiting for a pooled connection times out, saying so, where and for which command', async () => {
    const client = make({ poolSize: 2, waitTimeout: 100 });
    const holder = client.blpop(key('hold'), 0.5);
    await sleep(20);
    const started = Date.now();
    const error = await failure(client.brpop(key('other'), 0.1));
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`timeout: no free connection within 100 ms (all 1 in use, 0 more waiting) (${address}, BRPOP)`);
    expect(error).toMatchObject({ address, command: 'BRPOP' });
    expect(await holder).toBeNull();
  });

  it('maxWaiting bounds the wait queue: one more caller rejects at once', async () => {
    const client = make({ poolSize: 2, maxWaiting: 1 });
    const holder = client.blpop(key('hold'), 0.3);
    await sleep(20);
    const waiter = client.blpop(key('wait'), 0.01);
    const error = await failure(client.withConnection((red) => red.ping()));
    expect(error.code).toBe('too many waiting connect operations');
    expect(error.message).toMatch(
      /^too many waiting connect operations: all 1 connections are in use and 1 callers wait already \(maxWaiting\) \(.*, withConnection\)$/,
    );
    expect(await holder).toBeNull();
    expect(await waiter).toBeNull();
  });

  it('a command timeout names the command; the next command reconnects', async () => {
    const client = make({ commandTimeout: 200 });
    expect(await client.ping()).toBe('PONG');
    const error = await paused(() => failure(client.get(key('slow'))));
    expect(error).toMatchObject({ code: 'timeout', address, command: 'GET', message: `timeout (${address}, GET)` });
    expect(await client.ping()).toBe('PONG');
  });

  it('a blocking command waits its block time on top of the command timeout, and times out after both', async () => {
    const client = make({ commandTimeout: 100 });
    const started = Date.now();
    expect(await client.blpop(key('long'), 0.4)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    const error = await paused(() => failure(client.blpop(key('paused'), 0.2)));
    expect(error).toMatchObject({ code: 'timeout', address, command: 'BLPOP' });
  });

  it('a connect timeout names connect', async () => {
    const client = make({ connectTimeout: 200, tls: { sslVerify: false } });
    // Plain-text redis never answers a TLS hello while paused: the handshake is part of connect.
    const error = await paused(() => failure(client.ping()));
    expect(error).toMatchObject({ code: 'timeout', address, command: 'connect', message: `timeout (${address}, connect)` });
  });

  it('connection refused names the address and connect, on every route', async () => {
    const client = createClient({ host: '127.0.0.1', port: 1 });
    open.push(client);
    for (const attempt of [
      () => client.get('k'),
      () => client.blpop('k', 1),
      () => client.pipeline().get('k').exec(),
      () => client.multi().get('k').exec(),
    ]) {
      const error = await failure(attempt());
      expect(error).toMatchObject({
        code: 'connection refused',
        address: '127.0.0.1:1',
        command: 'connect',
        message: 'connection refused (127.0.0.1:1, connect)',
      });
    }
  });

  it('createClient refuses a malformed URL (password masked), RESP3 and client-side caching', () => {
    expect(() => createClient('redis://:s3cret@h:x')).toThrow(new TypeError('bad URL "redis://:****@h:x": the port "x" is not a number'));
    expect(() => createClient({ url: server.url, protocol: 3 })).toThrow('RESP3 (protocol: 3) is not supported yet: use protocol: 2 (the default)');
    expect(() => createClient(server.url, { clientSideCache: { maxEntries: 100 } })).toThrow(/clientSideCache is not supported yet/);
    expect(() => createClient(server.url, { poolSize: 0 })).toThrow(RangeError);
  });

  describe('a closed client keeps nothing alive', () => {
    /** Open sockets and pending timers of this process, by kind. */
    const active = () => {
      const all = process.getActiveResourcesInfo();
      return { sockets: all.filter((r) => r === 'TCPSocketWrap').length, timers: all.filter((r) => r === 'Timeout').length };
    };

    it('after close(), no socket or timer of the client is left (so the process exits)', async () => {
      const before = active();
      const client = createClient(server.url, { poolSize: 4 });
      const ch = key('exit');
      await client.subscribe(ch, () => undefined);
      await Promise.all([
        client.get('k'),
        client.blpop(key('exit-list'), 0.01),
        client.withConnection((red) => red.ping()),
        client.multi().ping().exec(),
      ]);
      expect(active().sockets).toBeGreaterThan(before.sockets);
      await client.close();
      // Closed sockets leave the list of active handles a moment later.
      const settled = await eventually(() => active().sockets <= before.sockets && active().timers <= before.timers, 1000);
      expect({ settled, ...active() }).toEqual({ settled: true, sockets: expect.any(Number), timers: expect.any(Number) });
    });
  });
});
