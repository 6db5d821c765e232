import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { type ScriptedServer, sleep, pongServer } from '@cosocket/test-kit';
import {
  closeAllPools,
  CosocketError,
  ctx,
  kill,
  LEAK_CHANNEL,
  named,
  runDetached,
  spawn,
  tcp,
  timerAt,
  wait,
  waitAll,
  withContext,
} from '../src/index.js';

let servers: ScriptedServer[] = [];
afterEach(async () => {
  closeAllPools();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function pingServer(): Promise<ScriptedServer> {
  const server = await pongServer({ delayMs: 5 });
  servers.push(server);
  return server;
}

describe('contexts', () => {
  it('gives each context its own ctx() object; nested contexts do not share it', async () => {
    await withContext(async () => {
      ctx().user = 'outer';
      await withContext(async () => {
        expect(ctx().user).toBeUndefined();
        ctx().user = 'inner';
      });
      await sleep(1);
      expect(ctx().user).toBe('outer');
    });
    expect(() => ctx()).toThrow(/outside a request context/);
  });

  it('resolves with fn’s value after every light thread ended', async () => {
    const finished: string[] = [];
    const value = await withContext(async () => {
      spawn(async () => {
        await sleep(30);
        finished.push('thread');
      });
      finished.push('main');
      return 42;
    });
    expect(value).toBe(42);
    expect(finished).toEqual(['main', 'thread']);
  });
});

describe('light threads', () => {
  it('wait settles with the first to finish; waitAll collects all; results survive as zombies', async () => {
    await withContext(async () => {
      const slow = spawn(async (ms: number) => {
        await sleep(ms);
        return 'slow';
      }, 40);
      const fast = spawn(async () => 'fast');
      expect(slow.status).toBe('running');
      expect(await wait(slow, fast)).toBe('fast');
      expect(fast.status).toBe('dead');
      await sleep(60);
      expect(slow.status).toBe('zombie');
      expect(await waitAll(slow)).toEqual(['slow']);
      expect(slow.status).toBe('dead');
      const failing = spawn(async () => {
        throw new Error('boom');
      });
      await expect(wait(failing)).rejects.toThrow('boom');
      expect(slow.id).not.toBe(fast.id);
    });
  });

  it('kill stops a running thread (closing its sockets) and returns false once it ended', async () => {
    const server = await pingServer();
    let readError: unknown;
    await withContext(async () => {
      const blocked = spawn(async () => {
        const sock = tcp();
        await sock.connect(server.host, server.port);
        readError = await sock.receive().catch((e: unknown) => e);
      });
      await sleep(30);
      expect(kill(blocked)).toBe(true);
      expect(blocked.status).toBe('killed');
      expect(kill(blocked)).toBe(false);
      const done = spawn(async () => 1);
      await wait(done);
      expect(kill(done)).toBe(false);
    });
    await sleep(20);
    expect((readError as CosocketError).code).toBe('closed');
    expect(server.open).toBe(0);
  });

  it('spawn runs the body up to its first await before returning, like ngx.thread.spawn', async () => {
    const order: string[] = [];
    await withContext(async () => {
      const t = spawn(async () => {
        order.push('thread starts');
        await sleep(1);
        order.push('thread resumes');
      });
      order.push('spawn returned');
      await t;
    });
    expect(order).toEqual(['thread starts', 'spawn returned', 'thread resumes']);
  });

  it('a thread spawned to receive holds the read: the parent gets socket busy reading', async () => {
    const server = await pingServer();
    await withContext(async () => {
      const sock = tcp();
      await sock.connect(server.host, server.port);
      const reader = spawn(async () => (await sock.receive()).toString());
      expect((await sock.receive().catch((e: CosocketError) => e.code)) as string).toBe('socket busy reading');
      await sock.send('PING\n');
      expect(await reader).toBe('PONG');
      await sock.close();
    });
  });

  it('two threads each send a line then receive: the second gets busy reading, not busy writing', async () => {
    const server = await pingServer();
    await withContext(async () => {
      const sock = tcp();
      await sock.connect(server.host, server.port);
      // A send the kernel takes whole returns without holding the write side (issue 16 item 5).
      const exchange = async () => {
        await sock.send('PING\n');
        return (await sock.receive()).toString();
      };
      const [first, second] = await Promise.allSettled([wait(spawn(exchange)), wait(spawn(exchange))]);
      expect(first).toEqual({ status: 'fulfilled', value: 'PONG' });
      expect(second.status).toBe('rejected');
      expect(((second as PromiseRejectedResult).reason as CosocketError).code).toBe('socket busy reading');
      await sock.close();
    });
  });

  it('spawn outside a context throws', () => {
    expect(() => spawn(async () => 1)).toThrow(/outside a request context/);
  });
});

describe('timers', () => {
  it('run later in a fresh detached context and can be cancelled', async () => {
    const seen: unknown[] = [];
    await withContext(async () => {
      ctx().request = 'r1';
      timerAt(
        10,
        (tag: string) => {
          seen.push(ctx().request, tag);
        },
        'fired',
      );
      const cancelled = timerAt(10, () => seen.push('should not run'));
      expect(cancelled.cancel()).toBe(true);
      expect(cancelled.cancel()).toBe(false);
    });
    await sleep(40);
    expect(seen).toEqual([undefined, 'fired']);
  });

  it('a timer cannot use a request’s socket (bad request) but can connect its own', async () => {
    const server = await pingServer();
    const outcome = await new Promise<unknown[]>((resolve) => {
      void withContext(async () => {
        const sock = tcp();
        await sock.connect(server.host, server.port);
        timerAt(0, async () => {
          const results: unknown[] = [];
          results.push(await sock.send('PING\n').catch((e: CosocketError) => e.code));
          results.push(await sock.connect(server.host, server.port).catch((e: CosocketError) => e.code));
          const own = tcp();
          await own.connect(server.host, server.port);
          await own.send('PING\n');
          results.push((await own.receive()).toString());
          await own.close();
          resolve(results);
        });
        await sleep(50);
        await sock.close();
      });
    });
    expect(outcome).toEqual(['bad request', 'bad request', 'PONG']);
  });
});

describe('socket binding and cleanup', () => {
  it('a socket used outside any context keeps working everywhere', async () => {
    const server = await pingServer();
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await withContext(async () => {
      await sock.send('PING\n');
      expect((await sock.receive()).toString()).toBe('PONG');
    });
    await sock.close();
  });

  it('closes sockets a context left open and reports each on the leak channel', async () => {
    const server = await pingServer();
    const leaks: unknown[] = [];
    const onLeak = (m: unknown) => leaks.push(m);
    subscribe(LEAK_CHANNEL, onLeak);
    let sock = tcp();
    try {
      await withContext(async () => {
        sock = tcp();
        await sock.connect(server.host, server.port);
        await sock.send('PING\n');
        await sock.receive();
      });
    } finally {
      unsubscribe(LEAK_CHANNEL, onLeak);
    }
    await sleep(20);
    expect(server.open).toBe(0);
    expect(leaks).toEqual([{ socket: `${server.host}:${server.port}` }]);
    // A socket of a finished context reports closed, not bad request (cosocket.md §2.2).
    await expect(sock.send('x')).rejects.toMatchObject({ code: 'closed' });
  });

  it('a socket connected under runDetached belongs to no context: the context that made it ends, it stays open', async () => {
    const server = await pingServer();
    let sock = tcp();
    await withContext(async () => {
      expect(() => runDetached(() => ctx())).toThrow('outside a request context');
    });
    await withContext(async () => {
      await runDetached(async () => {
        sock = tcp();
        await sock.connect(server.host, server.port);
      });
    });
    await withContext(async () => {
      await sock.send('PING\n');
      expect((await sock.receive()).toString()).toBe('PONG');
    });
    expect(server.open).toBe(1);
    await sock.close();
  });
});

describe('named connections', () => {
  it('two light threads sharing one socket collide; named() gives each its own and pools both at the end', async () => {
    const server = await pingServer();
    const open = async () => {
      const sock = tcp();
      await sock.connect(server.host, server.port);
      return sock;
    };
    // The production bug: one connection cached per request, used by two threads at once.
    const collision = await withContext(async () => {
      const shared = await open();
      const query = async (delayMs: number) => {
        await sleep(delayMs);
        await shared.send('PING\n'); // a send is allowed while another thread reads
        return (await shared.receive()).toString();
      };
      const results = await Promise.allSettled([wait(spawn(query, 0)), wait(spawn(query, 2))]);
      await shared.close();
      return results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as CosocketError).code));
    });
    expect(collision.sort()).toEqual(['PONG', 'socket busy reading']);

    const acceptedBefore = server.accepted;
    const fromNamed = await withContext(async () => {
      const query = async () => {
        const sock = await named('db', open);
        expect(await named('db', open)).toBe(sock); // same thread, same name: same connection
        await sock.send('PING\n');
        return (await sock.receive()).toString();
      };
      return waitAll(spawn(query), spawn(query));
    });
    expect(fromNamed).toEqual(['PONG', 'PONG']);
    expect(server.accepted - acceptedBefore).toBe(2);

    const reused = await withContext(async () => {
      const sock = await named('db', open);
      return sock.getReusedTimes();
    });
    expect(reused).toBeGreaterThan(0);
    expect(server.accepted - acceptedBefore).toBe(2);
  });

  it('named() outside a context throws', () => {
    expect(() => named('x', async () => tcp())).toThrow(/outside a request context/);
  });
});
