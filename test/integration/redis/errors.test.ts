// The resty-redis error family against a real server: every error names the address and the
// command, server error replies keep the server text, and a connection closed by a failure
// says why to the next command; close() after any of it resolves.
import { afterEach, expect, it } from 'vitest';
import { CosocketError, keepsConnection } from 'cosocket';
import { Redis, RedisError, RedisMultiplexed, RedisReplyError } from 'resty-redis';
import { describeServer } from '../../servers/index.js';
import { freePort } from '../../servers/ports.js';
import { client, key } from './helpers.js';

describeServer('redis', 'resty-redis errors', (server) => {
  const address = `${server.host}:${server.port}`;
  const open: Array<Redis | RedisMultiplexed> = [];
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((r) => r.close()));
  });
  async function connected(): Promise<Redis> {
    const red = await client(server);
    open.push(red);
    return red;
  }

  it('an error reply keeps the server text as message and names address and command', async () => {
    const red = await connected();
    const k = key('text');
    await red.set(k, 'not a number');
    const error = await red.incr(k).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisReplyError);
    expect(error).toBeInstanceOf(RedisError);
    expect(error).toMatchObject({ code: 'ERR', address, command: 'INCR', message: 'ERR value is not an integer or out of range' });
    expect(keepsConnection(error)).toBe(true);
    await expect(red.call('lpush', k, 'x')).rejects.toMatchObject({ code: 'WRONGTYPE', command: 'LPUSH', address });
    expect(await red.ping()).toBe('PONG');
  });

  it('error replies among pipeline results and inside EXEC name their command', async () => {
    const red = await connected();
    const k = key('pipe');
    red.initPipeline();
    void red.set(k, 'text');
    void red.incr(k);
    void red.multi();
    void red.lpush(k, 'x');
    void red.exec();
    const [, incr, , , exec] = await red.commitPipeline();
    expect(incr).toMatchObject({ name: 'RedisReplyError', address, command: 'INCR', message: 'ERR value is not an integer or out of range' });
    const nested = (exec as unknown[])[0];
    expect(nested).toMatchObject({ name: 'RedisReplyError', code: 'WRONGTYPE', address, command: 'EXEC' });
  });

  it('a refused connection names the address and connect', async () => {
    const port = await freePort();
    const red = new Redis();
    red.setTimeout(2000);
    const error = await red.connect('127.0.0.1', port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect(error).toMatchObject({
      code: 'connection refused',
      address: `127.0.0.1:${port}`,
      command: 'connect',
      message: `connection refused (127.0.0.1:${port}, connect)`,
    });
    await expect(red.close()).resolves.toBeUndefined();
  });

  it('an error reply to the connect-time SELECT names connect', async () => {
    const red = new Redis();
    red.setTimeout(2000);
    const error = await red.connect(server.host, server.port, { database: 100_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisReplyError);
    expect(error).toMatchObject({ address, command: 'connect', message: expect.stringMatching(/^ERR DB index is out of range/) });
    await expect(red.get('k')).rejects.toMatchObject({ code: 'closed', command: 'GET' });
    await expect(red.close()).resolves.toBeUndefined();
  });

  it('after a read timeout the next command says `closed (after a read timeout)`, and close() resolves', async () => {
    const red = await connected();
    red.setTimeouts(2000, 2000, 100);
    const error = await red.blpop(key('empty'), 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect(error).toMatchObject({ code: 'timeout', address, command: 'BLPOP', message: `timeout (${address}, BLPOP)` });
    const next = await red.get('k').catch((e: unknown) => e);
    expect(next).toMatchObject({ code: 'closed', address, command: 'GET', message: `closed (after a read timeout) (${address}, GET)` });
    await expect(red.setKeepalive()).rejects.toMatchObject({ code: 'closed', command: 'setkeepalive' });
    // `finally { await red.close() }` must not replace the timeout with its own `closed`.
    await expect(red.close()).resolves.toBeUndefined();
    await expect(red.close()).resolves.toBeUndefined();
  });

  it('a connection the server closed: the next command says so, later ones say why', async () => {
    const red = await connected();
    const killer = await connected();
    await killer.client('kill', 'id', Number(await red.client('id')));
    const first = await red.get('k').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(CosocketError);
    expect(first).toMatchObject({ address, command: 'GET' });
    const second = await red.get('k').catch((e: unknown) => e);
    expect(second).toMatchObject({ code: 'closed', message: expect.stringMatching(/^closed \(after .+\) \(.+, GET\)$/) });
    await expect(red.close()).resolves.toBeUndefined();
  });

  it('misuse names the command too', async () => {
    const red = await connected();
    await expect(red.unsubscribe('c')).rejects.toMatchObject({ name: 'RedisClientError', address, command: 'UNSUBSCRIBE' });
    await expect(red.commitPipeline()).rejects.toMatchObject({ name: 'RedisClientError', address, command: 'PIPELINE' });
    await expect(red.readReply()).rejects.toMatchObject({ name: 'RedisClientError', address, command: 'readreply' });
  });

  it('RedisMultiplexed: error replies and connect failures name address and command; close() resolves', async () => {
    const m = new RedisMultiplexed();
    open.push(m);
    m.setTimeout(2000);
    await m.connect(server.host, server.port);
    const k = key('mux');
    await m.set(k, 'text');
    await expect(m.incr(k)).rejects.toMatchObject({
      name: 'RedisReplyError',
      address,
      command: 'INCR',
      message: 'ERR value is not an integer or out of range',
    });
    expect(await m.get(k)).toBe('text');
    await m.close();
    await expect(m.close()).resolves.toBeUndefined();
    await expect(m.get(k)).rejects.toMatchObject({ code: 'closed', address, command: 'GET' });

    const port = await freePort();
    const down = new RedisMultiplexed();
    open.push(down);
    down.setTimeout(2000);
    await expect(down.connect('127.0.0.1', port)).rejects.toMatchObject({ message: `connection refused (127.0.0.1:${port}, connect)` });
    // The next command redials and fails with the connect error too.
    await expect(down.get(k)).rejects.toMatchObject({ code: 'connection refused', command: 'connect' });

    const badDb = new RedisMultiplexed();
    open.push(badDb);
    badDb.setTimeout(2000);
    await expect(badDb.connect(server.host, server.port, { database: 100_000 })).rejects.toMatchObject({
      name: 'RedisReplyError',
      address,
      command: 'connect',
    });
  });
});
