// Commands, encoding and decoding against the shared real redis-server.
import { expect, it } from 'vitest';
import { arrayToHash, COMMAND_NAMES, Redis, RedisReplyError, RedisScript } from 'resty-redis';
import { describeServer } from '../../servers/index.js';
import { closeAfterEach } from '@cosocket/test-kit';
import { client, key } from './helpers.js';

describeServer('redis', 'resty-redis commands', (server) => {
  const open = closeAfterEach<Redis>();
  const connect = async (...args: Parameters<typeof client> extends [unknown, ...infer R] ? R : never) => {
    const red = await client(server, ...args);
    open.push(red);
    return red;
  };

  it('set/get, nil as null, and call() by any name', async () => {
    const red = await connect();
    const k = key('dog');
    expect(await red.set(k, 'an animal')).toBe('OK');
    expect(await red.get(k)).toBe('an animal');
    expect(await red.get(key('missing'))).toBeNull();
    expect(await red.call('GET', k)).toBe('an animal');
    expect(await red.call('strlen', k)).toBe(9);
    expect(await red.ping()).toBe('PONG');
  });

  it('has a working method for commands from the generated table', async () => {
    const red = await connect();
    expect(COMMAND_NAMES.length).toBeGreaterThan(200);
    const k = key('list');
    expect(await red.rpush(k, 'a', 'b', 'c')).toBe(3);
    expect(await red.lrange(k, 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await red.config('get', 'maxmemory')).toEqual(['maxmemory', expect.any(String)]);
    expect(await red.object('encoding', k)).toEqual(expect.any(String));
  });

  it('hmset with an object and arrayToHash on HGETALL', async () => {
    const red = await connect();
    const k = key('hash');
    expect(await red.hmset(k, { a: '1', b: 2 })).toBe('OK');
    expect(await red.hmset(k, 'c', '3')).toBe('OK');
    expect(arrayToHash(await red.hgetall(k))).toEqual({ a: '1', b: '2', c: '3' });
    expect(await red.hmset(k, new Map([['d', '4']]))).toBe('OK');
    expect(await red.hget(k, 'd')).toBe('4');
  });

  it('throws RedisReplyError with the server text and code, and stays usable', async () => {
    const red = await connect();
    const k = key('str');
    await red.set(k, 'x');
    const error = await red.incr(k).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisReplyError);
    expect((error as RedisReplyError).code).toBe('ERR');
    expect((error as RedisReplyError).message).toBe('ERR value is not an integer or out of range');
    await expect(red.lpush(k, 'a')).rejects.toMatchObject({ code: 'WRONGTYPE' });
    await expect(red.call('sett', 'a')).rejects.toThrow(/unknown command/);
    expect(await red.get(k)).toBe('x');
  });

  it('decodes nested arrays with error values (EVAL)', async () => {
    const red = await connect();
    const reply = (await red.eval("return {1,2,{3,'x',false},redis.error_reply('MYERR boom')}", 0)) as unknown[];
    expect(reply.slice(0, 3)).toEqual([1, 2, [3, 'x', null]]);
    expect(reply[3]).toBeInstanceOf(RedisReplyError);
    expect((reply[3] as RedisReplyError).code).toBe('MYERR');
  });

  it('round-trips binary values with CR, LF and NUL byte-exact (returnBuffers)', async () => {
    const red = await connect({}, { returnBuffers: true });
    const k = key('bin');
    const value = Buffer.from([0, 13, 10, 13, 10, 255, 0x24, 0x2a, 0, 1, 2]);
    await red.set(k, value);
    expect(await red.get(k)).toEqual(value);
    expect(await red.strlen(k)).toBe(value.length);
    const crlf = 'a\r\nb\0c\r\n';
    await red.set(k, crlf);
    expect(((await red.get(k)) as Buffer).toString()).toBe(crlf);
  });

  it('round-trips a 1 MiB value, as string and as Buffer', async () => {
    const red = await connect();
    const k = key('big');
    const value = 'v'.repeat(1 << 20);
    await red.set(k, value);
    expect(await red.get(k)).toBe(value);
    const bin = Buffer.alloc(1 << 20);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 31) & 0xff;
    await red.set(k, bin);
    const buf = await connect({}, { returnBuffers: true });
    expect(Buffer.compare((await buf.get(k)) as Buffer, bin)).toBe(0);
  });

  it('sends numbers in full precision', async () => {
    const red = await connect();
    const k = key('num');
    await red.set(k, 1e21);
    expect(await red.get(k)).toBe('1000000000000000000000');
    await red.set(k, 0.1);
    expect(await red.get(k)).toBe('0.1');
    await red.set(k, 123456789012345678n);
    expect(await red.get(k)).toBe('123456789012345678');
    await red.set(k, 10);
    expect(await red.incrbyfloat(k, 1.5e-7)).toBe('10.00000015');
  });

  it('rejects with TypeError for null/undefined and sends nothing', async () => {
    const red = await connect();
    const k = key('null');
    await expect(red.set(k, null as never)).rejects.toThrow(TypeError);
    await expect(red.set(k, undefined as never)).rejects.toThrow(TypeError);
    await expect(red.call('SET', k, {} as never)).rejects.toThrow(TypeError);
    expect(await red.exists(k)).toBe(0);
    expect(await red.ping()).toBe('PONG');
  });

  it('RedisScript runs EVALSHA and falls back to EVAL on NOSCRIPT', async () => {
    const red = await connect();
    const script = new RedisScript(`return {KEYS[1], ARGV[1], '${key('unique-source')}'}`);
    const k = key('s');
    await red.script('flush');
    expect(await red.script('exists', script.sha)).toEqual([0]);
    expect(((await script.run(red, [k], ['x'])) as string[]).slice(0, 2)).toEqual([k, 'x']);
    expect(await red.script('exists', script.sha)).toEqual([1]);
    expect(((await script.run(red, [k], ['y'])) as string[]).slice(0, 2)).toEqual([k, 'y']);
    await expect(new RedisScript('return redis.call("nosuch")').run(red)).rejects.toBeInstanceOf(RedisReplyError);
  });

  it('connects over the unix socket too', async (ctx) => {
    if (!server.unixSocket) ctx.skip();
    const red = new Redis();
    open.push(red);
    await red.connect(`unix:${server.unixSocket}`);
    expect(await red.ping()).toBe('PONG');
  });
});
