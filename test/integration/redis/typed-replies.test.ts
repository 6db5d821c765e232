// The hand-typed replies of TypedRedisCommands against a real redis-server: each case runs with
// string replies and with `returnBuffers`, and resolves what its type says (under
// `returnBuffers` every bulk and status string is a Buffer, HGETALL's keys stay strings).
import { expect, it } from 'vitest';
import { Redis, type RedisArg, type RedisReply, type TypedRedisCommands } from 'resty-redis';
import { installCommandMethods, type CommandSender } from '../../../packages/resty-redis/src/command-methods.js';
import { installTypedReplyMethods } from '../../../packages/resty-redis/src/commands/reply-transforms.js';
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

/**
 * A typed surface built as a client builds one: the typed-reply methods (HGETALL) and then the
 * command table installed on a prototype, each command sent through a `Redis`.
 */
class TypedSurface {
  constructor(readonly red: Redis) {}
}
const sendThroughRedis: CommandSender<TypedSurface> = (self, name, _lower, args) => self.red.call(name, ...(args as RedisArg[]));
installTypedReplyMethods(TypedSurface.prototype, sendThroughRedis);
installCommandMethods(TypedSurface.prototype, sendThroughRedis);
const typed = <S extends Bulk>(red: Redis): TypedRedisCommands<S> => new TypedSurface(red) as unknown as TypedRedisCommands<S>;

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

  it('call() leaves HGETALL raw, as its RedisReply type says', async () => {
    const red = await client(server);
    open.push(red);
    const k = key('typed:raw-hgetall');
    const c = typed(red) as TypedRedisCommands & { call(name: string, ...args: RedisArg[]): Promise<RedisReply> };
    await c.hset(k, 'a', '1');
    expect(await c.call('HGETALL', k)).toEqual(['a', '1']);
    expect(await c.hgetall(k)).toEqual({ a: '1' });
    await red.del(k);
  });
});
