import { subscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { failure, type ScriptedConnection, scriptedServer, type ScriptedServer, sleep, pongServer } from '@cosocket/test-kit';
import { closeAllPools, configure, POOL_CHANNEL, poolStats, tcp, type PoolEvent, type TcpSocket } from '../src/index.js';

let servers: ScriptedServer[] = [];
let events: PoolEvent[] = [];
const onEvent = (message: unknown) => events.push(message as PoolEvent);
subscribe(POOL_CHANNEL, onEvent);

afterEach(async () => {
  closeAllPools();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  events = [];
  configure();
});

async function pingServer(): Promise<ScriptedServer> {
  const server = await pongServer();
  servers.push(server);
  return server;
}

async function ping(sock: TcpSocket): Promise<void> {
  await sock.send('PING\n');
  expect((await sock.receive()).toString()).toBe('PONG');
}

const names = (pool: string) => events.filter((e) => e.pool === pool).map((e) => e.event);

describe('reuse', () => {
  it('reuses a pooled connection and counts reuses', async () => {
    const server = await pingServer();
    const key = `${server.host}:${server.port}`;
    for (let round = 0; round < 3; round++) {
      const sock = tcp();
      await sock.connect(server.host, server.port);
      expect(sock.getReusedTimes()).toBe(round);
      await ping(sock);
      await sock.setKeepalive();
    }
    expect(server.accepted).toBe(1);
    expect(poolStats()[key]).toMatchObject({ idle: 1, inUse: 0, created: 1, reused: 2 });
    expect(names(key)).toEqual(['created', 'pooled', 'reused', 'pooled', 'reused', 'pooled']);
  });

  it('an object may connect again after setKeepalive', async () => {
    const server = await pingServer();
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await sock.setKeepalive();
    await sock.connect(server.host, server.port);
    expect(sock.getReusedTimes()).toBe(1);
    await ping(sock);
    await sock.close();
  });

  it('keys pools by name: a custom pool name shares connections across addresses', async () => {
    const a = await pingServer();
    const b = await pingServer();
    const s1 = tcp();
    await s1.connect(a.host, a.port, { pool: 'shared' });
    await s1.setKeepalive();
    const s2 = tcp();
    await s2.connect(b.host, b.port, { pool: 'shared' });
    expect(s2.getReusedTimes()).toBe(1);
    await ping(s2);
    expect(a.accepted).toBe(1);
    expect(b.accepted).toBe(0);
    await s2.close();
    const s3 = tcp();
    await s3.connect(b.host, b.port);
    expect(s3.getReusedTimes()).toBe(0);
    await s3.close();
  });

  it('takes the most recently pooled connection and evicts the least recently pooled', async () => {
    const server = await pingServer();
    const opts = { pool: 'lru', poolSize: 1 };
    const first = tcp();
    const second = tcp();
    await first.connect(server.host, server.port, opts);
    await second.connect(server.host, server.port, opts);
    await first.setKeepalive();
    await second.setKeepalive(0, 20); // size argument ignored: the pool already exists
    expect(poolStats()['lru']).toMatchObject({ size: 1, idle: 1, evicted: 1 });
    const a = tcp();
    const b = tcp();
    await a.connect(server.host, server.port, opts);
    await b.connect(server.host, server.port, opts);
    expect([a.getReusedTimes(), b.getReusedTimes()]).toEqual([1, 0]);
    await sleep(20);
    expect(server.accepted).toBe(3);
    expect(server.open).toBe(2);
    await a.close();
    await b.close();
  });
});

describe('idle connections', () => {
  it('closes a pooled connection after its idle timeout', async () => {
    const server = await pingServer();
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await sock.setKeepalive(50);
    await sleep(120);
    expect(server.open).toBe(0);
    await sock.connect(server.host, server.port);
    expect(sock.getReusedTimes()).toBe(0);
    await sock.close();
  });

  it('drops a pooled connection the peer closes, or that receives data', async () => {
    const conns: ScriptedConnection[] = [];
    const server = await scriptedServer(async (c) => {
      conns.push(c);
    });
    servers.push(server);
    const key = `${server.host}:${server.port}`;
    for (let i = 0; i < 2; i++) {
      const sock = tcp();
      await sock.connect(server.host, server.port, { poolSize: 5 });
      await sock.setKeepalive();
    }
    // Two connects in a row open two connections only if the first was pooled after the second opened.
    const a = tcp();
    const b = tcp();
    await a.connect(server.host, server.port);
    await b.connect(server.host, server.port);
    await a.setKeepalive();
    await b.setKeepalive();
    expect(poolStats()[key]!.idle).toBe(2);
    conns[0]!.end();
    await conns[1]!.write('unexpected');
    await sleep(50);
    expect(poolStats()[key]?.idle ?? 0).toBe(0);
    const fresh = tcp();
    await fresh.connect(server.host, server.port);
    expect(fresh.getReusedTimes()).toBe(0);
    await fresh.close();
  });

  it('idle sockets and their timers do not keep the process alive; closeAllPools closes them', async () => {
    const server = await pingServer();
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await sock.setKeepalive(60_000);
    const key = `${server.host}:${server.port}`;
    expect(poolStats()[key]!.idle).toBe(1);
    closeAllPools();
    await sleep(20);
    expect(poolStats()[key]?.idle ?? 0).toBe(0);
    expect(server.open).toBe(0);
  });
});

describe('setKeepalive refusals', () => {
  it('refuses with unread data in buffer and keeps the socket usable', async () => {
    const server = await scriptedServer(async (c) => c.write('OK\r\n'));
    servers.push(server);
    const sock = tcp();
    await sock.connect(server.host, server.port);
    expect((await sock.receive(1)).toString()).toBe('O');
    expect((await failure(sock.setKeepalive())).code).toBe('unread data in buffer');
    expect((await sock.receive()).toString()).toBe('K');
    await sock.setKeepalive();
    expect(server.open).toBe(1);
  });

  it('closes and fails with connection in dubious state when data arrived unasked', async () => {
    const server = await scriptedServer(async (c) => {
      await c.write('reply\n');
      await sleep(20); // after the client's read finished: unsolicited
      await c.write('late\n');
    });
    servers.push(server);
    const sock = tcp();
    await sock.connect(server.host, server.port);
    expect((await sock.receive()).toString()).toBe('reply');
    await sleep(50);
    expect((await failure(sock.setKeepalive())).code).toBe('connection in dubious state');
    expect((await failure(sock.receive())).code).toBe('closed');
    await sleep(20);
    expect(server.open).toBe(0);
  });

  it("after the peer's FIN with all data read: fails with closed and leaves the connection open", async () => {
    let got = '';
    const server = await scriptedServer(async (c) => {
      await c.write('bye\n');
      c.end();
      got = (await c.readUntil('\n')).toString();
    });
    servers.push(server);
    const sock = tcp();
    await sock.connect(server.host, server.port);
    expect((await sock.receive()).toString()).toBe('bye');
    await sleep(30); // the FIN has arrived, nobody read it
    expect((await failure(sock.setKeepalive())).code).toBe('closed');
    // Like lua-nginx-module 0.10.23: still open, the write half works and close() succeeds.
    expect(await sock.send('still\n')).toBe(6);
    await sleep(20);
    expect(got).toBe('still\n');
    await sock.close();
  });

  it('fails with closed on a half-closed socket', async () => {
    const server = await scriptedServer(async (c) => c.end());
    servers.push(server);
    const sock = tcp();
    await sock.connect(server.host, server.port);
    expect((await failure(sock.receive())).code).toBe('closed');
    expect((await failure(sock.setKeepalive())).code).toBe('closed');
  });

  it('rejects bad arguments before anything else', async () => {
    const sock = tcp();
    await expect(sock.setKeepalive(-1)).rejects.toThrow(RangeError);
    await expect(sock.setKeepalive(0, 0)).rejects.toThrow('bad "pool_size" option value: 0');
  });
});

describe('backlog', () => {
  it('caps open connections at poolSize and fails at once beyond the backlog', async () => {
    const server = await pingServer();
    const opts = { pool: 'capped', poolSize: 2, backlog: 0 };
    const a = tcp();
    const b = tcp();
    await a.connect(server.host, server.port, opts);
    await b.connect(server.host, server.port, opts);
    expect((await failure(tcp().connect(server.host, server.port, opts))).code).toBe('too many waiting connect operations');
    await a.close();
    const c = tcp();
    await c.connect(server.host, server.port, opts);
    expect(c.getReusedTimes()).toBe(0);
    await b.close();
    await c.close();
  });

  it('queues connects FIFO and hands a released connection to the first waiter', async () => {
    const server = await pingServer();
    const opts = { pool: 'queue', poolSize: 1, backlog: 2 };
    const holder = tcp();
    await holder.connect(server.host, server.port, opts);
    const order: string[] = [];
    const w1 = tcp();
    const w2 = tcp();
    const p1 = w1.connect(server.host, server.port, opts).then(() => order.push('w1'));
    const p2 = w2.connect(server.host, server.port, opts).then(() => order.push('w2'));
    await sleep(20);
    expect(poolStats()['queue']).toMatchObject({ inUse: 1, waiting: 2 });
    expect((await failure(tcp().connect(server.host, server.port, opts))).code).toBe('too many waiting connect operations');
    await holder.setKeepalive();
    await p1;
    expect(w1.getReusedTimes()).toBe(1);
    await w1.close();
    await p2;
    expect(w2.getReusedTimes()).toBe(0);
    expect(order).toEqual(['w1', 'w2']);
    expect(server.accepted).toBe(2);
    await w2.close();
    expect(names('queue')).toContain('waiting');
  });

  it('a waiter gives up with timeout after its connect timeout', async () => {
    const server = await pingServer();
    const opts = { pool: 'wait', poolSize: 1, backlog: 1 };
    const holder = tcp();
    await holder.connect(server.host, server.port, opts);
    const waiter = tcp();
    waiter.setTimeout(50);
    const started = Date.now();
    expect((await failure(waiter.connect(server.host, server.port, opts))).code).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(poolStats()['wait']).toMatchObject({ waiting: 0, inUse: 1 });
    expect(names('wait')).toContain('wait timeout');
    await holder.close();
  });

  it('a failed connect never leaks a slot and lets the next waiter go', async () => {
    const server = await pingServer();
    const dead = await scriptedServer(() => undefined);
    const deadPort = dead.port;
    await dead.close();
    const opts = { pool: 'leak', poolSize: 1, backlog: 0 };
    for (let i = 0; i < 3; i++) {
      expect((await failure(tcp().connect('127.0.0.1', deadPort, opts))).code).toBe('connection refused');
    }
    const ok = tcp();
    await ok.connect(server.host, server.port, opts);
    await ping(ok);
    await ok.close();
  });

  it('with poolSize alone the size caps only the idle list', async () => {
    const server = await pingServer();
    const socks = Array.from({ length: 4 }, () => tcp());
    for (const s of socks) await s.connect(server.host, server.port, { pool: 'loose', poolSize: 2 });
    for (const s of socks) await s.setKeepalive();
    expect(poolStats()['loose']).toMatchObject({ idle: 2, evicted: 2 });
    expect(server.accepted).toBe(4);
  });
});

describe('closing idle connections', () => {
  it('closeAllPools reports the pool name of the connections it closes', async () => {
    const server = await pingServer();
    const sock = tcp();
    await sock.connect(server.host, server.port, { pool: 'shutdown-name' });
    await sock.setKeepalive();
    closeAllPools();
    expect(events.filter((e) => e.event === 'closed')).toEqual([{ event: 'closed', pool: 'shutdown-name', reason: 'shutdown' }]);
    expect(events.filter((e) => e.pool === '')).toEqual([]);
  });
});

describe('open connections per name', () => {
  it('counts connections that no pool counts: 200 unpooled sockets show open 200, then 0', async () => {
    const server = await pingServer();
    const socks = Array.from({ length: 200 }, () => tcp());
    await Promise.all(socks.map((s) => s.connect(server.host, server.port, { pool: 'leaky' })));
    // No pool of that name exists, so none of them is counted against a size: inUse stays 0.
    expect(poolStats()['leaky']).toMatchObject({ open: 200, inUse: 0, idle: 0, created: 200 });
    await Promise.all(socks.slice(0, 150).map((s) => s.close()));
    expect(poolStats()['leaky']).toMatchObject({ open: 50, inUse: 0 });
    await Promise.all(socks.slice(150).map((s) => s.close()));
    expect(poolStats()['leaky']).toMatchObject({ open: 0, inUse: 0, created: 200 });
  });

  it('idle pooled connections count as open until the pool closes them; failed connects never do', async () => {
    const server = await pingServer();
    const opts = { pool: 'open-idle', poolSize: 2 };
    const socks = Array.from({ length: 3 }, () => tcp());
    for (const s of socks) await s.connect(server.host, server.port, opts);
    expect(poolStats()['open-idle']).toMatchObject({ open: 3, inUse: 3, idle: 0 });
    for (const s of socks) await s.setKeepalive(); // the third evicts the first
    expect(poolStats()['open-idle']).toMatchObject({ open: 2, inUse: 0, idle: 2, evicted: 1 });
    const again = tcp();
    await again.connect(server.host, server.port, opts);
    expect(poolStats()['open-idle']).toMatchObject({ open: 2, inUse: 1, idle: 1 });
    await again.close();
    expect(poolStats()['open-idle']).toMatchObject({ open: 1, idle: 1 });
    closeAllPools();
    expect(poolStats()['open-idle']).toMatchObject({ open: 0, idle: 0 });

    const dead = await scriptedServer(() => undefined);
    const deadPort = dead.port;
    await dead.close();
    await failure(tcp().connect('127.0.0.1', deadPort, { pool: 'open-failed', poolSize: 1 }));
    expect(poolStats()['open-failed']?.open ?? 0).toBe(0);
  });

  it('an idle connection the peer closes or the idle timer drops is no longer open', async () => {
    const conns: ScriptedConnection[] = [];
    const server = await scriptedServer(async (c) => {
      conns.push(c);
    });
    servers.push(server);
    const a = tcp();
    const b = tcp();
    await a.connect(server.host, server.port, { pool: 'open-drop' });
    await b.connect(server.host, server.port, { pool: 'open-drop' });
    await a.setKeepalive();
    await b.setKeepalive(30);
    expect(poolStats()['open-drop']).toMatchObject({ open: 2, idle: 2 });
    conns[0]!.end();
    await sleep(80);
    expect(poolStats()['open-drop']).toMatchObject({ open: 0, idle: 0 });
  });
});
