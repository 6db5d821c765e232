import { describe, expect, it } from 'vitest';
import { arrayToHash, CosocketError, defaultPoolName, Redis } from '../src/index.js';
import { Subscriptions, isMessage } from '../src/pubsub.js';
import { SessionState } from '../src/session.js';
import { RedisReplyError } from '../src/errors.js';

describe('arrayToHash', () => {
  it('pairs fields with values and drops a dangling field', () => {
    expect(arrayToHash(['a', '1', 'b', '2'])).toEqual({ a: '1', b: '2' });
    expect(arrayToHash(['a', '1', 'b'])).toEqual({ a: '1' });
    expect(arrayToHash([Buffer.from('k'), Buffer.from('v')])).toEqual({ k: Buffer.from('v') });
    expect(() => arrayToHash('x')).toThrow(TypeError);
  });
});

describe('defaultPoolName', () => {
  const name = (port: number | undefined, options: object, host = '127.0.0.1') => defaultPoolName({ host, port, options });
  it('separates database, user, password and TLS, never showing the password', () => {
    const names = [
      name(6379, {}),
      name(6379, { database: 1 }),
      name(6379, { password: 'a' }),
      name(6379, { password: 'b' }),
      name(6379, { username: 'u', password: 'a' }),
      name(6379, { ssl: true }),
      name(6379, { ssl: true, sslVerify: false }),
      name(6379, { ssl: true, serverName: 'x' }),
      name(6379, { ssl: true, ca: 'CA one' }),
      name(6379, { ssl: true, ca: ['CA two'] }),
      name(6380, {}),
      name(undefined, {}, 'unix:/tmp/r.sock'),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(names.join()).not.toMatch(/:a:|:b:/);
    expect(name(6379, { password: 'secret' })).not.toContain('secret');
    expect(name(6379, { ssl: true, ca: 'CA one' })).not.toContain('CA one');
  });
});

describe('SessionState', () => {
  it('tracks SELECT, MULTI, WATCH and RESET from replies', () => {
    const s = new SessionState();
    s.begin(2, false);
    expect(s.dirty).toBe(false);
    s.observe('select', [5], 'OK');
    expect(s.currentDb).toBe(5);
    s.observe('select', [99], new RedisReplyError('ERR DB index is out of range'));
    expect(s.currentDb).toBe(5);
    s.observe('watch', ['k'], 'OK');
    s.observe('multi', [], 'OK');
    s.observe('select', [2], 'QUEUED');
    expect(s.currentDb).toBe(-1);
    s.observe('exec', [], new RedisReplyError('EXECABORT Transaction discarded'));
    expect([s.inMulti, s.watching]).toEqual([false, false]);
    expect(s.dirty).toBe(true);
    s.observe('reset', [], 'RESET');
    expect(s.currentDb).toBe(0);
  });
});

describe('Subscriptions', () => {
  it('follows the server frames, not local counters', () => {
    const s = new Subscriptions();
    s.observe(['subscribe', 'a', 1]);
    s.observe(['psubscribe', 'p*', 2]);
    expect(s.subscribed).toBe(true);
    expect(s.expectedFrames('unsubscribe', 0)).toBe(1);
    s.observe(['unsubscribe', 'a', 1]);
    expect(s.subscribed).toBe(true);
    expect(s.expectedFrames('unsubscribe', 0)).toBe(1);
    s.observe(['punsubscribe', 'p*', 0]);
    expect(s.subscribed).toBe(false);
  });
  it('recognises message frames as Buffers too', () => {
    expect(isMessage(['message', 'c', 'x'])).toBe(true);
    expect(isMessage([Buffer.from('pmessage'), Buffer.from('p'), Buffer.from('c'), Buffer.from('x')])).toBe(true);
    expect(isMessage(['pong', ''])).toBe(false);
    expect(isMessage(['message', 'c'])).toBe(false);
  });
});

describe('Redis (no server)', () => {
  it('has a lower-case method for every command, and hmset with an object', () => {
    const red = new Redis();
    for (const m of ['get', 'set', 'select', 'blpop', 'xread', 'subscribe', 'pubsub', 'function', 'hmset']) {
      expect(typeof (red as unknown as Record<string, unknown>)[m]).toBe('function');
    }
  });
  it('rejects bad arguments from every command entry point instead of throwing', async () => {
    const red = new Redis();
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['generated method', () => red.set('k', null as never)],
      ['call', () => red.call('SET', 'k', undefined as never)],
      ['hmset object form', () => red.hmset('h', { a: null as never })],
      ['hmset flat form', () => red.hmset('h', 'a', NaN)],
      ['subscribe', () => red.subscribe({} as never)],
    ];
    for (const [what, attempt] of attempts) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = attempt()), what).not.toThrow();
      await expect(promise, what).rejects.toThrow(TypeError);
    }
  });
  it('in a pipeline, a refused command rejects its own promise and the commit, which sends nothing', async () => {
    const red = new Redis();
    red.initPipeline();
    await expect(red.set('a', '1')).resolves.toBeUndefined();
    const bad = red.set('b', null as never);
    await expect(bad).rejects.toThrow(/bad argument #2 to 'set'/);
    // Not awaited: a queued command's rejection must not surface as an unhandled rejection.
    void red.incr(undefined as never);
    void red.get('a');
    const error = await red.commitPipeline().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/bad argument #2 to 'set'/);
    // The pipeline is gone; a new one starts clean.
    await expect(red.commitPipeline()).rejects.toThrow('no pipeline');
    red.initPipeline();
    await expect(red.subscribe('c')).rejects.toMatchObject({ name: 'RedisClientError', command: 'SUBSCRIBE' });
    await expect(red.commitPipeline()).rejects.toThrow(/subscribe cannot be pipelined/);
  });
  it('queues commands in a pipeline without a connection and can cancel them', async () => {
    const red = new Redis();
    red.initPipeline();
    await expect(red.set('a', '1')).resolves.toBeUndefined();
    red.cancelPipeline();
    await expect(red.commitPipeline()).rejects.toThrow('no pipeline');
  });
  it('fails commands before connect with `not connected: call connect() first`, naming the command', async () => {
    const error = await new Redis().get('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect(error).toMatchObject({ code: 'closed', command: 'GET', message: 'not connected: call connect() first (GET)' });
    await expect(new Redis().setKeepalive()).rejects.toMatchObject({ code: 'closed', command: 'setkeepalive' });
  });
  it('close() resolves when never connected, and again', async () => {
    const red = new Redis();
    await expect(red.close()).resolves.toBeUndefined();
    await expect(red.close()).resolves.toBeUndefined();
  });
  it('refuses a bad maxReplySize', () => {
    expect(() => new Redis({ maxReplySize: 0 })).toThrow(RangeError);
  });
});
