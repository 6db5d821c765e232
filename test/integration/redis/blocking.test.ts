// Blocking commands and read timeouts: a connection whose reply may still arrive never
// reaches the pool (the upstream July 2025 change let it, spec §6).
import { expect, it } from 'vitest';
import { CosocketError, poolStats } from 'cosocket';
import { Redis } from 'resty-redis';
import { describeServer } from '../../servers/index.js';
import { closeAfterEach } from '@cosocket/test-kit';
import { client, key } from './helpers.js';

describeServer('redis', 'resty-redis blocking commands and timeouts', (server) => {
  const open = closeAfterEach<Redis>();

  it('BLPOP server-side timeout gives null (sanity.t 8)', async () => {
    const red = await client(server);
    open.push(red);
    expect(await red.blpop(key('empty'), 0.1)).toBeNull();
    expect(await red.ping()).toBe('PONG');
  });

  it.each([
    ['BLPOP', (r: Redis, k: string) => r.blpop(k, 5)],
    ['BRPOPLPUSH', (r: Redis, k: string) => r.brpoplpush(k, `${k}:dst`, 5)],
    ['XREAD BLOCK', (r: Redis, k: string) => r.xread('BLOCK', 5000, 'STREAMS', k, '$')],
    ['BZPOPMIN', (r: Redis, k: string) => r.bzpopmin(k, 5)],
  ])('%s whose read timed out closes the connection and never pools it', async (_, blocking) => {
    const pool = key('blocking-pool');
    const k = key('list');
    const red = await client(server, { pool });
    red.setTimeouts(2000, 2000, 150);
    const error = await blocking(red, k).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect((error as CosocketError).code).toBe('timeout');
    // The next command does not read the stale BLPOP reply: the connection is gone.
    await expect(red.get(k)).rejects.toMatchObject({ code: 'closed' });
    await expect(red.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
    expect(poolStats()[pool]?.idle ?? 0).toBe(0);

    // Feed the list/stream: had the blocked connection been pooled, its late reply would be
    // read by the next user of the pool as the reply to GET.
    const feeder = await client(server);
    open.push(feeder);
    await feeder.lpush(`${k}:x`, 'unrelated');
    const next = await client(server, { pool });
    open.push(next);
    expect(next.getReusedTimes()).toBe(0);
    await next.set(k + ':s', 'value');
    expect(await next.get(k + ':s')).toBe('value');
  });

  it('a read timeout on any command (WAIT) also closes: the stream is out of sync', async () => {
    const red = await client(server);
    red.setTimeouts(2000, 2000, 50);
    await expect(red.wait(1, 300)).rejects.toMatchObject({ code: 'timeout' });
    await expect(red.ping()).rejects.toMatchObject({ code: 'closed' });
  });
});
