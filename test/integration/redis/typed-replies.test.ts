// The hand-typed replies of TypedRedisCommands against a real redis-server: each case runs with
// string replies and with `returnBuffers`, and resolves what its type says (under
// `returnBuffers` every bulk and status string is a Buffer, HGETALL's keys stay strings). The
// typed surface here is a `Redis` seen through TypedRedisCommands, with the one reply transform
// (HGETALL) applied by name as the client layer applies it.
import { expect, it } from 'vitest';
import { Redis, type TypedRedisCommands } from 'resty-redis';
import { TYPED_REPLY_TRANSFORMS } from '../../../packages/resty-redis/src/commands/reply-transforms.js';
import { describeServer } from '../../servers/index.js';
import { closeAfterEach } from '@cosocket/test-kit';
import { client, key } from './helpers.js';

type Bulk = string | Buffer;
/** Any bulk string (an ID, a digest, a clock). */
const ANY = Symbol('any bulk string');

/** A command run on a fresh key `k` (and `k2`), and what it resolves, written with string replies. */
type Case = [name: string, run: <S extends Bulk>(c: TypedRedisCommands<S>, k: string, k2: string) => Promise<unknown>, expected: unknown];

const CASES: Case[] = [
  ['set', (c, k) => c.set(k, 'v'), 'OK'],
  ['set NX on an existing key', async (c, k) => (await c.set(k, 'v'), c.set(k, 'w', 'NX', 'EX', 10)), null],
  ['set GET', async (c, k) => (await c.set(k, 'old'), c.set(k, 'new', 'GET')), 'old'],
  ['get missing', (c, k) => c.get(k), null],
  ['mget', async (c, k, k2) => (await c.set(k, 'a'), c.mget(k, k2)), ['a', null]],
  ['incr', (c, k) => c.incr(k), 1],
  ['incrbyfloat', (c, k) => c.incrbyfloat(k, 1.5), '1.5'],
  ['getrange missing', (c, k) => c.getrange(k, 0, 1), ''],
  ['type', async (c, k) => (await c.set(k, 'v'), c.type(k)), 'string'],
  ['exists', async (c, k, k2) => (await c.set(k, 'v'), c.exists(k, k2)), 1],
  ['ttl missing', (c, k) => c.ttl(k), -2],
  ['rename', async (c, k, k2) => (await c.set(k, 'v'), c.rename(k, k2)), 'OK'],
  ['scan', (c) => c.scan(0, 'MATCH', 'no-such-key-*', 'COUNT', 10), [ANY, []]],
  ['hset', (c, k) => c.hset(k, 'a', '1', 'b', 2), 2],
  ['hgetall', async (c, k) => (await c.hset(k, 'a', '1', 'b', '2'), c.hgetall(k)), { a: '1', b: '2' }],
  ['hgetall missing', (c, k) => c.hgetall(k), {}],
  ['hexists', async (c, k) => (await c.hset(k, 'a', '1'), c.hexists(k, 'a')), 1],
  ['hmget', async (c, k) => (await c.hset(k, 'a', '1'), c.hmget(k, 'a', 'b')), ['1', null]],
  ['lpop count missing', (c, k) => c.lpop(k, 2), null],
  ['lpop count', async (c, k) => (await c.rpush(k, 'x'), c.lpop(k, 5)), ['x']],
  ['lindex missing', (c, k) => c.lindex(k, 0), null],
  ['lset', async (c, k) => (await c.rpush(k, 'x'), c.lset(k, 0, 'y')), 'OK'],
  ['blpop timeout', (c, k) => c.blpop(k, 0.05), null],
  ['blpop', async (c, k, k2) => (await c.rpush(k2, 'z'), c.blpop(k, k2, 1)), ['<k2>', 'z']],
  ['lmove missing', (c, k, k2) => c.lmove(k, k2, 'LEFT', 'RIGHT'), null],
  ['sismember', async (c, k) => (await c.sadd(k, 'a'), c.sismember(k, 'a')), 1],
  ['smismember', async (c, k) => (await c.sadd(k, 'a'), c.smismember(k, 'a', 'b')), [1, 0]],
  ['spop count missing', (c, k) => c.spop(k, 2), []],
  ['srandmember missing', (c, k) => c.srandmember(k), null],
  ['zadd', (c, k) => c.zadd(k, 1, 'a', 2, 'b'), 2],
  ['zrange WITHSCORES', async (c, k) => (await c.zadd(k, 1, 'a', 2.5, 'b'), c.zrange(k, 0, -1, 'WITHSCORES')), ['a', '1', 'b', '2.5']],
  ['zrange BYSCORE', async (c, k) => (await c.zadd(k, 1, 'a', 2, 'b'), c.zrange(k, '(1', '+inf', 'BYSCORE')), ['b']],
  ['zscore', async (c, k) => (await c.zadd(k, 1.5, 'a'), c.zscore(k, 'a')), '1.5'],
  ['zrank missing', (c, k) => c.zrank(k, 'a'), null],
  ['zadd INCR', async (c, k) => (await c.zadd(k, 1, 'a'), c.zadd(k, 'INCR', 2, 'a')), '3'],
  ['zadd NX INCR on a member', async (c, k) => (await c.zadd(k, 1, 'a'), c.zadd(k, 'NX', 'INCR', 2, 'a')), null],
  ['zincrby', (c, k) => c.zincrby(k, 2, 'a'), '2'],
  ['zpopmin', async (c, k) => (await c.zadd(k, 1, 'a'), c.zpopmin(k)), ['a', '1']],
  ['xadd', (c, k) => c.xadd(k, '*', 'f', 'v'), ANY],
  ['xadd NOMKSTREAM missing', (c, k) => c.xadd(k, 'NOMKSTREAM', '*', 'f', 'v'), null],
  ['xrange', async (c, k) => (await c.xadd(k, '1-1', 'f', 'v'), c.xrange(k, '-', '+')), [['1-1', ['f', 'v']]]],
  ['xread', async (c, k) => (await c.xadd(k, '1-1', 'f', 'v'), c.xread('COUNT', 1, 'STREAMS', k, '0')), [['<k>', [['1-1', ['f', 'v']]]]]],
  ['xread missing', (c, k) => c.xread('STREAMS', k, '0'), null],
  ['script load', (c) => c.script('LOAD', 'return 1'), ANY],
  ['script exists', (c) => c.script('EXISTS', '0000000000000000000000000000000000000000'), [0]],
  ['eval', (c) => c.eval("return {1, 'a'}", 0), [1, 'a']],
  ['ping', (c) => c.ping(), 'PONG'],
  ['ping message', (c) => c.ping('hi'), 'hi'],
  ['echo', (c) => c.echo('e'), 'e'],
  ['time', (c) => c.time(), [ANY, ANY]],
  ['publish', (c, k) => c.publish(k, 'm'), 0],
];

/** A Redis seen as TypedRedisCommands, with the typed-reply transforms applied by name. */
function typed<S extends Bulk>(red: Redis): TypedRedisCommands<S> {
  return new Proxy(red, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      const transform = typeof name === 'string' ? TYPED_REPLY_TRANSFORMS.get(name) : undefined;
      const method = value as (...args: unknown[]) => Promise<never>;
      return transform ? async (...args: unknown[]) => transform(await method.apply(target, args)) : method.bind(target);
    },
  }) as unknown as TypedRedisCommands<S>;
}

/** `expected` as the decoder returns it: Buffers for strings under `returnBuffers`, the case's keys filled in. */
function decoded(expected: unknown, buffers: boolean, keys: Record<string, string>): unknown {
  if (expected === ANY) return expect.any(buffers ? Buffer : String);
  if (typeof expected === 'string') {
    const s = keys[expected] ?? expected;
    return buffers ? Buffer.from(s) : s;
  }
  if (Array.isArray(expected)) return expected.map((e) => decoded(e, buffers, keys));
  if (expected !== null && typeof expected === 'object') {
    return Object.fromEntries(Object.entries(expected).map(([f, v]) => [f, decoded(v, buffers, keys)]));
  }
  return expected;
}

describeServer('redis', 'typed replies', (server) => {
  const open = closeAfterEach<Redis>();

  it.each([false, true])('resolve what their types say (returnBuffers: %s)', async (returnBuffers) => {
    const red = await client(server, {}, { returnBuffers });
    open.push(red);
    const c = typed<Bulk>(red);
    const problems: string[] = [];
    for (const [name, run, expected] of CASES) {
      const k = key(`typed:${name}`);
      const k2 = key(`typed:${name}:2`);
      try {
        expect(await run(c, k, k2)).toEqual(decoded(expected, returnBuffers, { '<k>': k, '<k2>': k2 }));
      } catch (error) {
        problems.push(`${name}: ${String(error)}`);
      } finally {
        await red.del(k, k2);
      }
    }
    expect(problems).toEqual([]);
  });
});
