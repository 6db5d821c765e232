// createClient against the shared redis-server: commands, pipeline(), multi(), withConnection(),
// refused commands and close().
import { expect, it } from 'vitest';
import { createClient, RedisClientError, RedisReplyError, type RedisClient } from 'resty-redis';
import { closeAfterEach, failure } from '@cosocket/test-kit';
import { describeServer } from '../../servers/index.js';
import { key, serverDb } from './helpers.js';

describeServer('redis', 'createClient: commands, batches, close', (server) => {
  const open = closeAfterEach<Pick<RedisClient, 'close'>>();
  const make = (options = {}) => {
    const client = createClient(`redis://${server.host}:${server.port}`, { commandTimeout: 2000, ...options });
    open.push(client);
    return client;
  };

  it('runs commands as methods and by name, connecting on first use', async () => {
    const client = make();
    const k = key('basics');
    expect(await client.set(k, 'an animal')).toBe('OK');
    expect(await client.get(k)).toBe('an animal');
    expect(await client.call('GET', k)).toBe('an animal');
    expect(await client.get(key('missing'))).toBeNull();
    expect(await client.hmset(`${k}:h`, { a: '1', b: '2' })).toBe('OK');
    // Typed replies: HGETALL as an object (call() stays raw), strings typed as such.
    const hash: Record<string, string> = await client.hgetall(`${k}:h`);
    expect(hash).toEqual({ a: '1', b: '2' });
    expect(await client.call('HGETALL', `${k}:h`)).toEqual(['a', '1', 'b', '2']);
    const value: string | null = await client.get(k);
    expect(value).toBe('an animal');
    expect(await client.del(k, `${k}:h`)).toBe(2);
  });

  it('returnBuffers: replies and messages as Buffers, typed as such', async () => {
    const client = createClient(`redis://${server.host}:${server.port}`, { returnBuffers: true });
    open.push(client);
    const k = key('buffers');
    await client.set(k, 'bytes');
    const value: Buffer | null = await client.get(k);
    expect(value).toEqual(Buffer.from('bytes'));
    const got: Buffer[] = [];
    const sub = await client.subscribe(k, (message: Buffer) => got.push(message));
    await client.publish(k, 'ping');
    await expect.poll(() => got.length).toBe(1);
    expect(got[0]).toEqual(Buffer.from('ping'));
    await sub.unsubscribe();
  });

  it('rejects a server error reply with RedisReplyError naming the address and the command', async () => {
    const client = make();
    const k = key('wrongtype');
    await client.set(k, 'x');
    const error = await failure(client.lpush(k, 'y'), RedisReplyError);
    expect(error.code).toBe('WRONGTYPE');
    expect(error.address).toBe(`${server.host}:${server.port}`);
    expect(error.command).toBe('LPUSH');
    // Bad arguments reject too (never a synchronous throw).
    await expect(client.set(k, null as unknown as string)).rejects.toBeInstanceOf(TypeError);
  });

  it('pipeline(): results in order, an error reply as a value, one batch', async () => {
    const client = make();
    const k = key('pipe');
    const results = await client.pipeline().set(k, '1').incr(k).lpush(k, 'x').get(k).call('GET', k).exec();
    expect(results.slice(0, 2)).toEqual(['OK', 2]);
    expect(results[2]).toBeInstanceOf(RedisReplyError);
    expect((results[2] as RedisReplyError).command).toBe('LPUSH');
    expect(results.slice(3)).toEqual(['2', '2']);
    expect(await client.pipeline().exec()).toEqual([]);
  });

  it('pipeline(): blocking commands make it run on a leased connection, with the same result shape', async () => {
    const client = make();
    const k = key('pipe-lease');
    const results = await client.pipeline().rpush(k, 'a', 'b').blpop(k, 1).lpush(`${k}:s`, 1).hget(`${k}:s`, 'f').exec();
    expect(results.slice(0, 3)).toEqual([2, [k, 'a'], 1]);
    expect(results[3]).toBeInstanceOf(RedisReplyError);
  });

  it('pipeline(): a refused command or bad argument rejects exec() and sends nothing', async () => {
    const client = make();
    const k = key('pipe-refused');
    const refused = await failure(client.pipeline().set(k, '1').select(2).exec(), RedisClientError);
    expect(refused.message).toMatch(/select cannot be queued here: .*database/);
    expect(refused.command).toBe('SELECT');
    await expect(
      client
        .pipeline()
        .set(k, '1')
        .set(k, undefined as unknown as string)
        .exec(),
    ).rejects.toBeInstanceOf(TypeError);
    expect(await client.exists(k)).toBe(0);
    const once = client.pipeline().get(k);
    await once.exec();
    await expect(once.exec()).rejects.toThrow('exec() was called already');
  });

  it('multi(): MULTI/EXEC on one connection, runtime errors as values, EXECABORT with the refusal as cause', async () => {
    const client = make();
    const k = key('multi');
    const results = await client.multi().set(k, '1').incr(k).lpush(k, 'x').get(k).exec();
    expect(results!.slice(0, 2)).toEqual(['OK', 2]);
    expect(results![2]).toBeInstanceOf(RedisReplyError);
    expect((results![2] as RedisReplyError).command).toBe('LPUSH');
    expect(results![3]).toBe('2');
    const aborted = await failure(client.multi().incr(k).get().exec(), RedisReplyError);
    expect(aborted.code).toBe('EXECABORT');
    expect((aborted.cause as RedisReplyError).message).toMatch(/wrong number of arguments/);
    expect(await client.get(k)).toBe('2');
    await expect(client.multi().watch(k).exec()).rejects.toThrow(/watch cannot be queued here: WATCH needs one connection/);
  });

  it('multi() and pipeline() run on the shared connection: no pooled connection needed, nothing interleaves', async () => {
    const client = make({ poolSize: 2, waitTimeout: 100 });
    const k = key('multi-mux');
    // The one pooled connection is held by a blocking command meanwhile.
    const holder = client.blpop(key('multi-hold'), 0.3);
    const rounds = await Promise.all(
      Array.from({ length: 50 }, () =>
        Promise.all([client.multi().incr(k).incr(k).get(k).exec(), client.incr(k), client.pipeline().incr(k).get(k).exec()]),
      ),
    );
    for (const [tx] of rounds) {
      // Nothing ran between the two INCRs of a transaction.
      const [a, b, read] = tx as [number, number, string];
      expect([b, Number(read)]).toEqual([a + 1, a + 1]);
    }
    expect(await client.get(k)).toBe(String(50 * 4));
    expect(await holder).toBeNull();
  });

  it('withConnection(): WATCH/MULTI flow, and the connection goes back on database 0 after a SELECT', async () => {
    const client = make({ poolSize: 2 });
    const k = key('watch');
    await client.set(k, '1');
    const committed = await client.withConnection(async (red) => {
      await red.watch(k);
      const v = Number(await red.get(k));
      await red.multi();
      await red.set(k, String(v + 1));
      return red.exec();
    });
    expect(committed).toEqual(['OK']);
    const aborted = await client.withConnection(async (red) => {
      await red.watch(k);
      await client.set(k, 'changed meanwhile');
      await red.multi();
      await red.set(k, 'mine');
      return red.exec();
    });
    expect(aborted).toBeNull();
    expect(await client.get(k)).toBe('changed meanwhile');

    const id = await client.withConnection(async (red) => {
      await red.select(5);
      return red.client('id');
    });
    // poolSize 2: one multiplexed connection and one pooled: the same pooled connection again.
    const after = await client.withConnection(async (red) => [await red.client('id'), await serverDb(red)]);
    expect(after).toEqual([id, 0]);
  });

  it('withConnection(): resolves the result; a thrown error rejects and the connection is closed, not pooled', async () => {
    const client = make({ poolSize: 2 });
    const id = await client.withConnection((red) => red.client('id'));
    await expect(
      client.withConnection(async (red) => {
        await red.ping();
        throw new Error('mine');
      }),
    ).rejects.toThrow('mine');
    expect(await client.withConnection((red) => red.client('id'))).not.toBe(id);
    // A connection left subscribed is closed, not pooled.
    const subscribed = await client.withConnection(async (red) => {
      const mine = await red.client('id');
      await red.subscribe(key('left-subscribed'));
      return mine;
    });
    expect(await client.withConnection((red) => red.client('id'))).not.toBe(subscribed);
  });

  it.each([
    ['select', [1], /database of its options/],
    ['multi', [], /client\.multi\(\)/],
    ['exec', [], /client\.multi\(\)/],
    ['watch', ['k'], /withConnection/],
    ['subscribe', ['ch'], /client\.subscribe\(channel, listener\)/],
    ['psubscribe', ['ch*'], /client\.psubscribe/],
    ['monitor', [], /withConnection/],
    ['quit', [], /client\.close\(\)/],
    ['auth', ['pw'], /username, password/],
    ['hello', [3], /protocol/],
    ['reset', [], /withConnection/],
    ['client', ['SETNAME', 'x'], /CLIENT SETNAME changes the connection/],
  ])('refuses %s with a RedisClientError saying what to use instead', async (name, args, advice) => {
    const client = make();
    const call =
      name === 'multi' || name === 'subscribe' || name === 'psubscribe'
        ? client.call(name, ...args)
        : (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!(...args);
    const error = await failure(call, RedisClientError);
    expect(error.message).toMatch(advice);
    expect(error.command).toBe(name.toUpperCase());
    expect(error.address).toBe(`${server.host}:${server.port}`);
  });

  it('close(): idempotent; later commands reject with closed, saying the client was closed', async () => {
    const client = make();
    const k = key('close');
    await client.set(k, 'v');
    const pending = client.get(k);
    const closing = client.close();
    expect(client.close()).toBe(closing);
    expect(await pending).toBe('v');
    await closing;
    const error = await failure(client.get(k));
    expect(error.code).toBe('closed');
    expect(error.message).toBe(`closed (the client was closed with close()) (${server.host}:${server.port}, GET)`);
    for (const later of [
      client.pipeline().get(k).exec(),
      client.multi().get(k).exec(),
      client.withConnection((r) => r.ping()),
      client.subscribe('x', () => undefined),
    ]) {
      expect((await failure(later)).code).toBe('closed');
    }
  });

  it('poolSize 1: no multiplexed connection, every command leases the one connection', async () => {
    const client = make({ poolSize: 1 });
    const k = key('one');
    const ids = await Promise.all([client.client('id'), client.client('id'), client.client('id')]);
    expect(new Set(ids).size).toBe(1);
    expect(await client.pipeline().set(k, '1').get(k).exec()).toEqual(['OK', '1']);
    expect(await client.withConnection((red) => red.client('id'))).toBe(ids[0]);
  });
});
