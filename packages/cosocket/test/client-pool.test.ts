import { afterEach, describe, expect, it } from 'vitest';
import { failure, sleep, type ScriptedServer, pongServer } from '@cosocket/test-kit';
import { ClientPool, CosocketError, poolStats, tcp, type TcpSocket } from '../src/index.js';

let servers: ScriptedServer[] = [];
let pools: ClientPool<TcpSocket<Buffer>>[] = [];

afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  pools = [];
});

async function pingServer(): Promise<ScriptedServer> {
  const server = await pongServer();
  servers.push(server);
  return server;
}

function poolFor(server: ScriptedServer, size: number, options: { maxWaiting?: number; waitTimeout?: number } = {}): ClientPool<TcpSocket<Buffer>> {
  const pool = new ClientPool<TcpSocket<Buffer>>({
    address: `${server.host}:${server.port}`,
    size,
    maxWaiting: options.maxWaiting,
    waitTimeout: options.waitTimeout ?? 2000,
    open: async (opts) => {
      const sock = tcp();
      await sock.connect(server.host, server.port, opts);
      return sock;
    },
  });
  pools.push(pool);
  return pool;
}

async function ping(sock: TcpSocket<Buffer>): Promise<string> {
  await sock.send('PING\n');
  return (await sock.receive()).toString();
}

describe('ClientPool', () => {
  it('serves 200 concurrent callers with never more connections open than its size, reusing them', async () => {
    const server = await pingServer();
    const pool = poolFor(server, 3);
    const replies = await Promise.all(Array.from({ length: 200 }, () => pool.use(ping, 'PING')));
    expect(replies.every((r) => r === 'PONG')).toBe(true);
    expect(server.peakOpen).toBeLessThanOrEqual(3);
    expect(server.accepted).toBeLessThanOrEqual(3);
    expect(pool.inUse).toBe(0);
    expect(pool.idle).toBe(server.open);
  });

  it('grants waiting callers in arrival order', async () => {
    const server = await pingServer();
    const pool = poolFor(server, 1);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => pool.use(async (s) => (await ping(s), order.push(i)), 'PING')));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('fails a caller that waited longer than waitTimeout, naming the address, the operation and the figures', async () => {
    const server = await pingServer();
    const pool = poolFor(server, 1, { waitTimeout: 50 });
    const held = pool.use(() => sleep(200), 'BLPOP');
    const error = await failure(pool.use(ping, 'GET'));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`timeout: no free connection within 50 ms (all 1 in use, 0 more waiting) (${server.host}:${server.port}, GET)`);
    await held;
    expect(await pool.use(ping, 'PING')).toBe('PONG');
  });

  it('refuses a caller at once when maxWaiting callers wait already', async () => {
    const server = await pingServer();
    const pool = poolFor(server, 1, { maxWaiting: 1 });
    const held = pool.use(() => sleep(100), 'BLPOP');
    const queued = pool.use(ping, 'GET');
    const error = await failure(pool.use(ping, 'SET'));
    expect(error.code).toBe('too many waiting connect operations');
    expect(error.command).toBe('SET');
    await held;
    expect(await queued).toBe('PONG');
  });

  it('closes a connection after an error that does not keep it, and pools it after success', async () => {
    const server = await pingServer();
    const pool = poolFor(server, 2);
    await pool.use(ping, 'PING');
    expect(pool.idle).toBe(1);
    await expect(pool.use(() => Promise.reject(new Error('caller bug')), 'PING')).rejects.toThrow('caller bug');
    expect(pool.idle).toBe(0);
    expect(await pool.use(ping, 'PING')).toBe('PONG');
    expect(server.accepted).toBe(2);
  });

  it('closes a connection whose setKeepalive refuses (unread data) instead of pooling it', async () => {
    const server = await pingServer();
    const pool = poolFor(server, 1);
    await pool.use(async (s) => {
      await s.send('PING\n');
      await sleep(20); // the reply sits unread: setKeepalive refuses, so the lease closes it
    }, 'PING');
    expect(pool.idle).toBe(0);
    expect(await pool.use(ping, 'PING')).toBe('PONG');
    expect(server.accepted).toBe(2);
  });

  it('reports a failed connect with its address and frees the slot', async () => {
    const server = await pingServer();
    const port = server.port;
    await server.close();
    servers = [];
    const pool = poolFor({ host: '127.0.0.1', port } as ScriptedServer, 1);
    const error = await failure(pool.use(ping, 'GET'));
    expect(error.code).toBe('connection refused');
    expect(error.message).toBe(`connection refused (127.0.0.1:${port}, connect)`);
    expect(pool.inUse).toBe(0);
  });

  it('close() rejects waiters, waits for leases in use, closes idle connections, and is idempotent', async () => {
    const server = await pingServer();
    const pool = poolFor(server, 1);
    await pool.use(ping, 'PING');
    let released = false;
    const held = pool.use(async (s) => {
      await sleep(50);
      released = true;
      return ping(s);
    }, 'PING');
    const waiting = pool.use(ping, 'GET');
    const closing = pool.close();
    expect(pool.close()).toBe(closing);
    const waiterError = await failure(waiting);
    expect(waiterError.code).toBe('closed');
    expect(waiterError.message).toContain('the client was closed with close()');
    await closing;
    expect(released).toBe(true);
    expect(await held).toBe('PONG');
    expect(poolStats()[pool.name]?.open ?? 0).toBe(0);
    const late = await failure(pool.use(ping, 'GET'));
    expect(late).toBeInstanceOf(CosocketError);
    expect(late.code).toBe('closed');
    expect(late.command).toBe('GET');
  });
});
