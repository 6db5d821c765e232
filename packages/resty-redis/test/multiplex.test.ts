import { describe, expect, it } from 'vitest';
import { CosocketError, RedisClientError, RedisMultiplexed } from '../src/index.js';
import { refusal } from '../src/multiplex-rules.js';

describe('multiplexed command rules', () => {
  it.each([
    ['select', [1]],
    ['multi', []],
    ['exec', []],
    ['watch', ['k']],
    ['unwatch', []],
    ['subscribe', ['c']],
    ['psubscribe', ['c*']],
    ['ssubscribe', ['c']],
    ['monitor', []],
    ['auth', ['pw']],
    ['hello', [3]],
    ['reset', []],
    ['quit', []],
    ['blpop', ['k', 0]],
    ['bzpopmin', ['k', 0]],
    ['wait', [1, 0]],
    ['xread', ['BLOCK', 0, 'STREAMS', 'k', '$']],
    ['xreadgroup', ['GROUP', 'g', 'c', Buffer.from('block'), 0, 'STREAMS', 'k', '>']],
    ['client', ['SETNAME', 'x']],
    ['client', [Buffer.from('tracking'), 'on']],
  ])('refuses %s %j', (name, args) => {
    expect(refusal(name, args)).toEqual(expect.any(String));
  });

  it.each([
    ['get', ['k']],
    ['xread', ['COUNT', 1, 'STREAMS', 'k', '0']],
    ['client', ['ID']],
    ['eval', ['return 1', 0]],
  ])('allows %s %j', (name, args) => {
    expect(refusal(name, args)).toBeNull();
  });

  it('a refused command rejects with RedisClientError, naming the command and why', async () => {
    const m = new RedisMultiplexed();
    let refused: Promise<unknown> | undefined;
    expect(() => (refused = m.select(1))).not.toThrow();
    await expect(refused).rejects.toThrow(RedisClientError);
    await expect(refused).rejects.toMatchObject({ command: 'SELECT' });
    await expect(m.call('MULTI')).rejects.toThrow(/multi is not allowed on a multiplexed connection: a transaction/);
  });

  it('bad arguments reject with TypeError; commands before connect reject with not connected', async () => {
    const m = new RedisMultiplexed();
    let bad: Promise<unknown> | undefined;
    expect(() => (bad = m.get(undefined as unknown as string))).not.toThrow();
    await expect(bad).rejects.toThrow(TypeError);
    await expect(m.hmset('h', { a: null as never })).rejects.toThrow(TypeError);
    const error = await m.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect(error).toMatchObject({ code: 'closed', command: 'GET', message: 'not connected: call connect() first (GET)' });
    expect(m.pendingCount).toBe(0);
  });

  it('close() resolves when never connected, and again; commands after it reject with closed', async () => {
    const m = new RedisMultiplexed();
    await expect(m.close()).resolves.toBeUndefined();
    await expect(m.close()).resolves.toBeUndefined();
    await expect(m.get('k')).rejects.toMatchObject({ code: 'closed', command: 'GET' });
  });

  it('validates its options', () => {
    expect(() => new RedisMultiplexed({ maxPending: 0 })).toThrow(RangeError);
    expect(() => new RedisMultiplexed({ maxPending: 1.5 })).toThrow(RangeError);
    expect(() => new RedisMultiplexed({ maxReplySize: -1 })).toThrow(RangeError);
    expect(() => new RedisMultiplexed().setTimeouts(-1, 0, 0)).toThrow();
  });
});
