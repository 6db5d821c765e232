// Pub/sub against the shared real redis-server.
import { expect, it } from 'vitest';
import { CosocketError, Redis, RedisClientError } from 'resty-redis';
import { describeServer } from '../../servers/index.js';
import { closeAfterEach } from '@cosocket/test-kit';
import { client, key } from './helpers.js';

describeServer('redis', 'resty-redis pub/sub', (server) => {
  const open = closeAfterEach<Redis>();
  const connect = async (options = {}) => {
    const red = await client(server, options);
    open.push(red);
    return red;
  };

  it('subscribe, receive with readReply, unsubscribe (pubsub.t)', async () => {
    const sub = await connect();
    const pub = await connect();
    const dog = key('dog');
    expect(await sub.subscribe(dog)).toEqual(['subscribe', dog, 1]);
    expect(await pub.publish(dog, 'Hello')).toBe(1);
    expect(await sub.readReply()).toEqual(['message', dog, 'Hello']);
    expect(await sub.unsubscribe(dog)).toEqual(['unsubscribe', dog, 0]);
    await expect(sub.readReply()).rejects.toThrow('not subscribed');
    await expect(sub.unsubscribe(dog)).rejects.toBeInstanceOf(RedisClientError);
    expect(await sub.ping()).toBe('PONG');
  });

  it('returns one frame per channel for multi-channel subscribe, and unsubscribes all with no arguments', async () => {
    const sub = await connect();
    const [a, b] = [key('a'), key('b')];
    expect(await sub.subscribe(a, b)).toEqual([
      ['subscribe', a, 1],
      ['subscribe', b, 2],
    ]);
    expect(await sub.psubscribe(`${a}*`)).toEqual(['psubscribe', `${a}*`, 3]);
    const frames = (await sub.unsubscribe()) as unknown[][];
    expect(frames.map((f) => f[1]).sort()).toEqual([a, b].sort());
    expect(frames.map((f) => f[2]).sort()).toEqual([1, 2]);
    // Still subscribed to the pattern.
    await expect(sub.setKeepalive()).rejects.toThrow(/subscribed state/);
    expect(await sub.punsubscribe()).toEqual(['punsubscribe', `${a}*`, 0]);
  });

  it('does not lose messages that arrive while (un)subscribing or during PING', async () => {
    const sub = await connect();
    const pub = await connect();
    const [a, b, c] = [key('a'), key('b'), key('c')];
    await sub.subscribe(a);
    await pub.publish(a, 'm1');
    await pub.publish(a, 'm2');
    // m1 and m2 are on the wire before the confirmation of b.
    expect(await sub.subscribe(b)).toEqual(['subscribe', b, 2]);
    await pub.publish(b, 'm3');
    expect(await sub.ping()).toEqual(['pong', '']);
    await pub.publish(a, 'm4');
    expect(await sub.psubscribe(`${c}*`)).toEqual(['psubscribe', `${c}*`, 3]);
    await pub.publish(`${c}x`, 'm5');
    expect(await sub.unsubscribe(a)).toEqual(['unsubscribe', a, 2]);
    const got = [];
    for (let i = 0; i < 5; i++) got.push(await sub.readReply());
    expect(got).toEqual([
      ['message', a, 'm1'],
      ['message', a, 'm2'],
      ['message', b, 'm3'],
      ['message', a, 'm4'],
      ['pmessage', `${c}*`, `${c}x`, 'm5'],
    ]);
  });

  it('keeps the connection on a readReply timeout, and refuses setKeepalive while subscribed', async () => {
    const sub = await connect({ pool: `sub-${key('p')}` });
    const pub = await connect();
    const ch = key('t');
    await sub.subscribe(ch);
    sub.setTimeouts(2000, 2000, 100);
    const error = await sub.readReply().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect((error as CosocketError).code).toBe('timeout');
    await pub.publish(ch, 'after timeout');
    expect(await sub.readReply()).toEqual(['message', ch, 'after timeout']);
    const refused = await sub.setKeepalive().catch((e: unknown) => e);
    expect(String((refused as Error).message)).toContain('subscribed state');
    // The connection stays open and usable.
    expect(await sub.ping()).toEqual(['pong', '']);
    await sub.unsubscribe();
    await sub.setKeepalive();
  });

  it('returns commands other than (un)subscribe/PING as server errors while subscribed', async () => {
    const sub = await connect();
    await sub.subscribe(key('x'));
    await expect(sub.get('k')).rejects.toThrow(/only \(P\|S\)SUBSCRIBE/);
    await sub.unsubscribe();
  });

  it('delivers Buffers with returnBuffers', async () => {
    const sub = await client(server, {}, { returnBuffers: true });
    open.push(sub);
    const pub = await connect();
    const ch = key('buf');
    await sub.subscribe(ch);
    await pub.publish(ch, Buffer.from([0, 13, 10]));
    const frame = (await sub.readReply()) as Buffer[];
    expect(frame[0]!.toString()).toBe('message');
    expect(frame[2]).toEqual(Buffer.from([0, 13, 10]));
    await sub.unsubscribe(ch);
  });
});
