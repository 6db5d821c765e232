// Typing test of TypedRedisCommands, compiled (never run) with the workspace's strict settings by
// test/typed-replies.test.ts and by `pnpm typecheck`. Every line outside a `@ts-expect-error`
// must compile; every `@ts-expect-error` line must fail, for a type reason (the test refuses
// "cannot find name" and "no such property" there unless the directive names that code).
// `exact<T>()(value)` compiles only when the value's type is exactly T: `any` fails it.
import type { MembersWithScores, RedisCallMethods, RedisReply, ScanReply, StreamsReply, TypedRedisCommands } from 'resty-redis';
import type { HandTypedCommands } from '../../src/commands/typed-commands.js';
import type { GeneratedRedisCommands } from '../../src/commands/typed-commands.generated.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function exact<Expected>(): <Actual>(
  value: Actual,
  ..._: Equal<Actual, Expected> extends true ? [] : ['not exactly the expected type']
) => void;
declare function check<_T extends true>(): void;

declare const client: TypedRedisCommands;
declare const bufClient: TypedRedisCommands<Buffer>;
declare const key: Buffer;

// Every hand-typed method is a Redis command of the generated table (a typo would be a method the runtime lacks).
check<Equal<Exclude<keyof HandTypedCommands, keyof GeneratedRedisCommands>, never>>();
// The client layer's shape: the typed commands plus `call` and `hmset`, minus the names its own methods take.
interface ClientShape<S extends string | Buffer = string>
  extends Omit<TypedRedisCommands<S>, 'multi' | 'subscribe' | 'psubscribe'>, RedisCallMethods {
  multi(): unknown;
  subscribe(channel: string, listener: (message: S, channel: string) => void): Promise<unknown>;
}
declare const shaped: ClientShape<Buffer>;
exact<Buffer | null>()(await shaped.get('k'));
exact<RedisReply>()(await shaped.hmset('h', { a: '1' }));

// Strings and counters.
const s: string | null = await client.get('k');
exact<string | null>()(await client.get('k'));
exact<Buffer | null>()(await bufClient.get('k'));
exact<Buffer | null>()(await bufClient.get(key));
exact<'OK'>()(await client.set('k', 'v'));
exact<'OK'>()(await client.set('k', 42, 'EX', 10));
exact<'OK'>()(await client.set(key, key, 'px', 1500n));
exact<'OK'>()(await client.set('k', 'v', 'KEEPTTL'));
exact<'OK' | null>()(await client.set('k', 'v', 'NX'));
exact<'OK' | null>()(await client.set('k', 'v', 'EX', 10, 'NX'));
exact<'OK' | null>()(await client.set('k', 'v', 'XX', 'PXAT', '1700000000000'));
exact<string | null>()(await client.set('k', 'v', 'GET'));
exact<string | null>()(await client.set('k', 'v', 'NX', 'GET', 'EX', 10));
exact<Buffer>()(await bufClient.set('k', 'v'));
exact<Buffer | null>()(await bufClient.set('k', 'v', 'GET'));
exact<(string | null)[]>()(await client.mget('a', 'b'));
exact<(Buffer | null)[]>()(await bufClient.mget('a'));
exact<string | null>()(await client.getdel('k'));
exact<string | null>()(await client.getex('k', 'EX', 5));
exact<string | null>()(await client.getex('k', 'PERSIST'));
exact<number>()(await client.append('k', 'more'));
exact<number>()(await client.strlen('k'));
exact<string>()(await client.getrange('k', 0, -1));
const n: number = await client.incr('n');
exact<number>()(await client.decrby('n', 5));
exact<string>()(await client.incrbyfloat('f', 1.5));
exact<Buffer>()(await bufClient.incrbyfloat('f', '0.5'));
exact<'OK'>()(await client.mset('a', 1, 'b', 2));

// Keys and expiry.
exact<number>()(await client.del('a', 'b', key));
exact<number>()(await client.exists('a'));
exact<number>()(await client.expire('k', 10));
exact<number>()(await client.pexpire('k', 100, 'GT'));
exact<number>()(await client.ttl('k'));
exact<number>()(await client.persist('k'));
exact<string[]>()(await client.keys('user:*'));
exact<ScanReply<string>>()(await client.scan(0, 'MATCH', 'user:*', 'COUNT', 100));
exact<[string, string[]]>()(await client.scan('17', 'COUNT', 10, 'TYPE', 'hash', 'MATCH', 'a*'));
exact<[Buffer, Buffer[]]>()(await bufClient.scan(key));
exact<string>()(await client.type('k'));
exact<Buffer>()(await bufClient.type('k'));
exact<'OK'>()(await client.rename('a', 'b'));
exact<number>()(await client.unlink('a'));

// Hashes.
const h: Record<string, string> = await client.hgetall('h');
exact<Record<string, Buffer>>()(await bufClient.hgetall('h'));
exact<string | null>()(await client.hget('h', 'f'));
exact<number>()(await client.hset('h', 'f', 'v', 'g', 2));
exact<(string | null)[]>()(await client.hmget('h', 'f', 'g'));
exact<number>()(await client.hdel('h', 'f'));
exact<number>()(await client.hexists('h', 'f'));
exact<string[]>()(await client.hkeys('h'));
exact<Buffer[]>()(await bufClient.hvals('h'));
exact<number>()(await client.hincrby('h', 'f', 1));
exact<ScanReply<string>>()(await client.hscan('h', 0, 'COUNT', 50));

// Lists.
exact<number>()(await client.rpush('l', 'a', 'b'));
exact<string | null>()(await client.lpop('l'));
exact<string[] | null>()(await client.lpop('l', 2));
exact<Buffer | null>()(await bufClient.rpop('l'));
exact<string[]>()(await client.lrange('l', 0, -1));
exact<number>()(await client.llen('l'));
exact<string | null>()(await client.lindex('l', 0));
exact<'OK'>()(await client.lset('l', 0, 'x'));
exact<number>()(await client.lrem('l', 0, 'x'));
exact<'OK'>()(await client.ltrim('l', 0, 99));
exact<[key: string, element: string] | null>()(await client.blpop('a', 'b', 0));
exact<[key: Buffer, element: Buffer] | null>()(await bufClient.brpop('a', 0.5));
exact<string | null>()(await client.lmove('a', 'b', 'LEFT', 'right'));

// Sets.
exact<number>()(await client.sadd('s', 'a', 'b'));
exact<number>()(await client.srem('s', 'a'));
exact<string[]>()(await client.smembers('s'));
exact<number>()(await client.sismember('s', 'a'));
exact<number[]>()(await client.smismember('s', 'a', 'b'));
exact<number>()(await client.scard('s'));
exact<string | null>()(await client.spop('s'));
exact<string[]>()(await client.spop('s', 2));
exact<string[]>()(await client.srandmember('s', -3));
exact<string[]>()(await client.sinter('a', 'b'));
exact<Buffer[]>()(await bufClient.sunion('a', 'b'));

// Sorted sets, with and without scores.
exact<number>()(await client.zadd('z', 1, 'a', 2, 'b'));
exact<number>()(await client.zadd('z', 'XX', 'CH', 1.5, 'a'));
exact<string | null>()(await client.zadd('z', 'NX', 'INCR', 1, 'a'));
exact<string[]>()(await client.zrange('z', 0, -1));
exact<MembersWithScores<string>>()(await client.zrange('z', 0, -1, 'WITHSCORES'));
exact<string[]>()(await client.zrange('z', '(1', '+inf', 'BYSCORE', 'LIMIT', 0, 10, 'WITHSCORES'));
exact<Buffer[]>()(await bufClient.zrange('z', 0, -1, 'REV'));
exact<string[]>()(await client.zrangebyscore('z', '-inf', '(5', 'WITHSCORES', 'LIMIT', 0, 5));
exact<string[]>()(await client.zrevrange('z', 0, 9, 'WITHSCORES'));
exact<string | null>()(await client.zscore('z', 'a'));
exact<number | null>()(await client.zrank('z', 'a'));
exact<number>()(await client.zrem('z', 'a', 'b'));
exact<number>()(await client.zcard('z'));
exact<string>()(await client.zincrby('z', 2, 'a'));
exact<number>()(await client.zcount('z', '-inf', '+inf'));
exact<string[]>()(await client.zpopmin('z'));
exact<[key: string, member: string, score: string] | null>()(await client.bzpopmin('z', 1));

// Streams.
exact<string>()(await client.xadd('s', '*', 'f', 'v'));
exact<string>()(await client.xadd('s', 'MAXLEN', '~', 1000, '*', 'f', 'v', 'g', 'w'));
exact<string | null>()(await client.xadd('s', 'NOMKSTREAM', '*', 'f', 'v'));
exact<Buffer | null>()(await bufClient.xadd('s', 'MAXLEN', 10, 'nomkstream', '*', 'f', 'v'));
exact<number>()(await client.xlen('s'));
exact<[id: string, fieldsAndValues: string[]][]>()(await client.xrange('s', '-', '+', 'COUNT', 10));
exact<[id: Buffer, fieldsAndValues: Buffer[]][]>()(await bufClient.xrevrange('s', '+', '-'));
exact<StreamsReply<string>>()(await client.xread('COUNT', 10, 'BLOCK', 100, 'STREAMS', 's', '$'));
exact<[stream: string, entries: [id: string, fieldsAndValues: string[]][]][] | null>()(await client.xread('STREAMS', 'a', 'b', '0', '0'));
exact<number>()(await client.xack('s', 'g', '1-0', '2-0'));
exact<number>()(await client.xdel('s', '1-0'));
exact<number>()(await client.xtrim('s', 'MAXLEN', '~', 100));

// Scripting and server.
exact<RedisReply>()(await client.eval('return 1', 0));
exact<RedisReply>()(await client.evalsha('abc', 1, 'k', 'arg'));
exact<RedisReply>()(await client.fcall('fn', 0));
exact<string>()(await client.script('LOAD', 'return 1'));
exact<Buffer>()(await bufClient.script('load', 'return 1'));
exact<number[]>()(await client.script('EXISTS', 'abc', 'def'));
exact<'OK'>()(await client.script('FLUSH', 'ASYNC'));
exact<string>()(await client.info());
exact<string>()(await client.info('server', 'clients'));
exact<'PONG'>()(await client.ping());
exact<string>()(await client.ping('hello'));
exact<Buffer>()(await bufClient.ping());
exact<string>()(await client.echo('x'));
exact<number>()(await client.dbsize());
exact<'OK'>()(await client.flushdb());
exact<'OK'>()(await client.flushall('ASYNC'));
exact<number>()(await client.publish('ch', 'message'));

// Commands without a hand-typed reply: generated arguments, RedisReply.
exact<RedisReply>()(await client.config('GET', 'maxmemory'));
exact<RedisReply>()(await client.config('set', 'maxmemory', '100mb'));
exact<RedisReply>()(await client.getbit('k', 7));
exact<RedisReply>()(await client.pfadd('hll', 'a', 'b'));
exact<RedisReply>()(await client.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM'));
exact<RedisReply>()(await client.object('ENCODING', 'k'));
exact<RedisReply>()(await bufClient.sintercard(2, 'a', 'b'));

// Misuse.
// @ts-expect-error get resolves a string or null, not a number
const _wrongGet: number = await client.get('k');
// @ts-expect-error a key is a string or a Buffer
await client.get(1);
// @ts-expect-error the key is missing
await client.get();
// @ts-expect-error hgetall resolves an object
const _wrongHash: string = await client.hgetall('h');
// @ts-expect-error hgetall's values may be missing (noUncheckedIndexedAccess)
const _length: number = h.field.length;
// @ts-expect-error a Buffer client resolves Buffers, not strings
const _wrongBuf: string | null = await bufClient.get('k');
// @ts-expect-error a Buffer client's status replies are Buffers too
const _wrongPong: 'PONG' = await bufClient.ping();
// @ts-expect-error SET NX resolves null when the key exists
const _wrongSetNx: 'OK' = await client.set('k', 'v', 'NX');
// @ts-expect-error EX needs its seconds
await client.set('k', 'v', 'EX');
// @ts-expect-error EX's seconds are a number
await client.set('k', 'v', 'EX', 'ten');
// @ts-expect-error NX and XX exclude each other
await client.set('k', 'v', 'NX', 'XX');
// @ts-expect-error not a SET option
await client.set('k', 'v', 'EXPIRE', 10);
// @ts-expect-error null is no value
await client.set('k', null);
// @ts-expect-error an object is no value (runtime arguments pass through unchanged)
await client.set('k', { a: 1 });
// @ts-expect-error INCR takes only the key
await client.incr('n', 1);
// @ts-expect-error INCR resolves a number
const _wrongIncr: string = await client.incr('n');
// @ts-expect-error INCRBYFLOAT resolves a bulk string
const _wrongFloat: number = await client.incrbyfloat('f', 1);
// @ts-expect-error MGET needs a key
await client.mget();
// @ts-expect-error DEL needs a key
await client.del();
// @ts-expect-error score and member swapped
await client.zadd('z', 'a', 1);
// @ts-expect-error WITHSCORES is spelled so
await client.zrange('z', 0, -1, 'WITHSCORE');
// @ts-expect-error WITHSCORES still resolves an array
const _wrongScores: string = await client.zrange('z', 0, -1, 'WITHSCORES');
// @ts-expect-error BLPOP needs its timeout
await client.blpop('q');
// @ts-expect-error BLPOP resolves null on timeout
const _wrongPop: [string, string] = await client.blpop('q', 0);
// @ts-expect-error LPOP with a count resolves an array (or null)
const _wrongLpop: string | null = await client.lpop('l', 2);
// @ts-expect-error not a list end
await client.lmove('a', 'b', 'UP', 'LEFT');
// @ts-expect-error not an EXPIRE condition
await client.expire('k', 10, 'SOON');
// @ts-expect-error HSET needs a value for the field
await client.hset('h', 'f');
// @ts-expect-error XADD with NOMKSTREAM resolves null when the stream is missing
const _wrongXadd: string = await client.xadd('s', 'NOMKSTREAM', '*', 'f', 'v');
// @ts-expect-error XADD needs a field and a value
await client.xadd('s', '*', 'f');
// @ts-expect-error XREAD needs STREAMS
await client.xread('COUNT', 10, 's', '0');
// @ts-expect-error SCRIPT LOAD needs the script
await client.script('LOAD');
// @ts-expect-error a script's reply is RedisReply, to be narrowed
const _wrongEval: number = await client.eval('return 1', 0);
// @ts-expect-error not a CONFIG subcommand
await client.config('FETCH', 'maxmemory');
// @ts-expect-error GETBIT needs the offset
await client.getbit('k');
// @ts-expect-error a generated command's key is a string or a Buffer too
await client.getbit(7, 0);
// @ts-expect-error TS2339 not a Redis command
await client.nosuchcommand('x');
// @ts-expect-error TS2551 HMSET is RedisCallMethods' (object form), not part of the typed commands
await client.hmset('h', 'f', 'v');

export { s, n };
