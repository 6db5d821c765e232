// Pipelines and transactions against the shared real redis-server.
import { expect, it } from 'vitest';
import { Redis, RedisReplyError } from 'resty-redis';
import { describeServer } from '../../servers/index.js';
import { closeAfterEach } from '@cosocket/test-kit';
import { client, key, serverDb } from './helpers.js';

describeServer('redis', 'resty-redis pipelines and transactions', (server) => {
  const open = closeAfterEach<Redis>();
  const connect = async () => {
    const red = await client(server);
    open.push(red);
    return red;
  };

  it('returns results in order with errors as values (pipeline.t 5)', async () => {
    const red = await connect();
    const dog = key('dog');
    red.initPipeline();
    expect(await red.hkeys(dog)).toBeUndefined();
    void red.set(dog, 'an animal');
    void red.hkeys(dog);
    void red.get(dog);
    void red.get(key('missing'));
    const results = await red.commitPipeline();
    expect(results).toHaveLength(5);
    expect(results[0]).toEqual([]);
    expect(results[1]).toBe('OK');
    expect(results[2]).toBeInstanceOf(RedisReplyError);
    expect((results[2] as RedisReplyError).code).toBe('WRONGTYPE');
    expect(results.slice(3)).toEqual(['an animal', null]);
    expect(red.pipelining).toBe(false);
  });

  it('pipelines 1,000 commands in one write, and an empty pipeline returns []', async () => {
    const red = await connect();
    const k = key('n');
    red.initPipeline();
    for (let i = 0; i < 1000; i++) void red.incr(k);
    const results = await red.commitPipeline();
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    red.initPipeline();
    expect(await red.commitPipeline()).toEqual([]);
  });

  it('a bad argument rejects its queued command and the commit, and nothing of the pipeline is sent', async () => {
    const red = await connect();
    const k = key('refused');
    red.initPipeline();
    void red.set(k, 'before');
    const refused = red.set(`${k}:b`, null as never);
    void red.set(`${k}:c`, 'after'); // queued commands are usually not awaited
    await expect(refused).rejects.toThrow(TypeError);
    await expect(red.commitPipeline()).rejects.toThrow(/bad argument #2 to 'set'/);
    expect(red.pipelining).toBe(false);
    expect(await red.exists(k, `${k}:c`)).toBe(0);
    expect(await red.ping()).toBe('PONG');
  });

  it('initPipeline again drops the queue; cancelPipeline sends nothing', async () => {
    const red = await connect();
    const k = key('c');
    red.initPipeline();
    void red.set(k, 'dropped');
    red.initPipeline();
    void red.get(k);
    expect(await red.commitPipeline()).toEqual([null]);
    red.initPipeline();
    void red.set(k, 'cancelled');
    red.cancelPipeline();
    expect(await red.get(k)).toBeNull();
    await expect(red.commitPipeline()).rejects.toThrow('no pipeline');
  });

  it('tracks a SELECT inside a pipeline and restores it before pooling', async () => {
    const pool = `pipe-select-${key('p')}`;
    const red = new Redis();
    await red.connect(server.host, server.port, { pool, database: 1 });
    red.initPipeline();
    void red.select(6);
    void red.ping();
    expect(await red.commitPipeline()).toEqual(['OK', 'PONG']);
    expect(await serverDb(red)).toBe(6);
    await red.setKeepalive();
    await red.connect(server.host, server.port, { pool, database: 1 });
    open.push(red);
    expect(red.getReusedTimes()).toBe(1);
    expect(await serverDb(red)).toBe(1);
  });

  it('MULTI/EXEC returns nested errors as values', async () => {
    const red = await connect();
    const k = key('tx');
    expect(await red.multi()).toBe('OK');
    expect(await red.set(k, 'x')).toBe('QUEUED');
    expect(await red.lpush(k, 'y')).toBe('QUEUED');
    const results = (await red.exec()) as unknown[];
    expect(results[0]).toBe('OK');
    expect(results[1]).toBeInstanceOf(RedisReplyError);
    expect((results[1] as RedisReplyError).code).toBe('WRONGTYPE');
  });

  it('EXECABORT after a queue-time error; DISCARD; EXEC without MULTI', async () => {
    const red = await connect();
    await red.multi();
    await expect(red.incr()).rejects.toThrow(/wrong number of arguments/);
    await expect(red.exec()).rejects.toMatchObject({ code: 'EXECABORT' });
    await red.multi();
    expect(await red.discard()).toBe('OK');
    await expect(red.exec()).rejects.toThrow('ERR EXEC without MULTI');
  });

  it('WATCH conflict makes EXEC return null', async () => {
    const red = await connect();
    const other = await connect();
    const k = key('w');
    await red.watch(k);
    await other.set(k, 'theirs');
    await red.multi();
    await red.set(k, 'mine');
    expect(await red.exec()).toBeNull();
    expect(await red.get(k)).toBe('theirs');
  });

  it('a transaction inside a pipeline works as raw replies', async () => {
    const red = await connect();
    const k = key('pt');
    red.initPipeline();
    void red.multi();
    void red.incr(k);
    void red.incr(k);
    void red.exec();
    expect(await red.commitPipeline()).toEqual(['OK', 'QUEUED', 'QUEUED', [1, 2]]);
  });
});
