// Two overlapping commands on one client never desynchronise the stream.
import { expect, it } from 'vitest';
import { CosocketError, Redis } from 'resty-redis';
import { describeServer } from '../../servers/index.js';
import { closeAfterEach } from '@cosocket/test-kit';
import { client, key } from './helpers.js';

describeServer('redis', 'resty-redis concurrency', (server) => {
  const open = closeAfterEach<Redis>();

  it('the second overlapping command fails at once with socket busy; the first gets its own reply', async () => {
    const red = await client(server);
    open.push(red);
    const [a, b] = [key('a'), key('b')];
    await red.set(a, 'A');
    await red.set(b, 'B');
    const first = red.get(a);
    const second = red.get(b);
    const [r1, r2] = await Promise.allSettled([first, second]);
    expect(r1).toEqual({ status: 'fulfilled', value: 'A' });
    expect(r2.status).toBe('rejected');
    const reason = (r2 as PromiseRejectedResult).reason as CosocketError;
    expect(reason).toBeInstanceOf(CosocketError);
    expect(reason.code).toMatch(/^socket busy (reading|writing)$/);
    expect(await red.get(b)).toBe('B');
  });

  it('busy reading while a blocking command waits, and the stream stays in sync', async () => {
    const red = await client(server);
    const feeder = await client(server);
    open.push(red, feeder);
    const k = key('l');
    const blocked = red.blpop(k, 2);
    await new Promise((r) => setTimeout(r, 50));
    await expect(red.get(k)).rejects.toMatchObject({ code: 'socket busy reading' });
    await expect(red.commitPipeline()).rejects.toThrow('no pipeline');
    red.initPipeline();
    void red.get(k);
    await expect(red.commitPipeline()).rejects.toMatchObject({ code: 'socket busy reading' });
    await feeder.rpush(k, 'x');
    expect(await blocked).toEqual([k, 'x']);
    expect(await red.ping()).toBe('PONG');
  });

  it('many clients in parallel through one pool', async () => {
    const pool = key('pool');
    const k = key('counter');
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = 0; i < 10; i++) {
          const red = new Redis();
          await red.connect(server.host, server.port, { pool, poolSize: 8, backlog: 64 });
          await red.incr(k);
          await red.setKeepalive();
        }
      }),
    );
    const red = await client(server);
    open.push(red);
    expect(await red.get(k)).toBe('320');
  });
});
