import { afterEach, describe, expect, it } from 'vitest';
import { scriptedServer, type ScriptedServer } from '@cosocket/test-kit';
import { closeAllPools, ConnectionSlot, tcp } from '../src/index.js';

let servers: ScriptedServer[] = [];
afterEach(async () => {
  closeAllPools();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function silentServer(): Promise<ScriptedServer> {
  const server = await scriptedServer(() => undefined);
  servers.push(server);
  return server;
}

describe('ConnectionSlot', () => {
  it('a value set on a connection survives pooling and comes back with it, through another socket', async () => {
    const server = await silentServer();
    const slot = new ConnectionSlot<{ limit: number }>('test limits');
    const first = tcp();
    await first.connect(server.host, server.port, { pool: 'slot-reuse' });
    expect(slot.get(first)).toBeUndefined(); // a fresh connection has none
    slot.set(first, { limit: 42 });
    await first.setKeepalive();
    const second = tcp();
    await second.connect(server.host, server.port, { pool: 'slot-reuse' });
    expect(second.getReusedTimes()).toBe(1);
    expect(slot.get(second)).toEqual({ limit: 42 });
    await second.close();
  });

  it('is per connection: two connections of one pool keep their own values; a new connection starts empty', async () => {
    const server = await silentServer();
    const slot = new ConnectionSlot<string>('test names');
    const a = tcp();
    const b = tcp();
    await a.connect(server.host, server.port, { pool: 'slot-apart' });
    await b.connect(server.host, server.port, { pool: 'slot-apart' });
    slot.set(a, 'a');
    slot.set(b, 'b');
    await a.setKeepalive();
    await b.setKeepalive();
    const lastIn = tcp();
    const firstIn = tcp();
    await lastIn.connect(server.host, server.port, { pool: 'slot-apart' }); // LIFO: b's connection
    await firstIn.connect(server.host, server.port, { pool: 'slot-apart' });
    expect([slot.get(lastIn), slot.get(firstIn)]).toEqual(['b', 'a']);
    await lastIn.close();
    await firstIn.close();
    const fresh = tcp();
    await fresh.connect(server.host, server.port, { pool: 'slot-apart' });
    expect(fresh.getReusedTimes()).toBe(0);
    expect(slot.get(fresh)).toBeUndefined();
    await fresh.close();
  });

  it('two slots never share a value, and delete removes it from the connection', async () => {
    const server = await silentServer();
    const one = new ConnectionSlot<number>('same description');
    const other = new ConnectionSlot<number>('same description');
    const sock = tcp();
    await sock.connect(server.host, server.port);
    one.set(sock, 1);
    expect(other.get(sock)).toBeUndefined();
    expect(one.delete(sock)).toBe(true);
    expect(one.get(sock)).toBeUndefined();
    await sock.close();
  });

  it('throws closed on a socket without a connection (never connected, closed, or pooled)', async () => {
    const server = await silentServer();
    const slot = new ConnectionSlot<number>('test');
    const sock = tcp();
    expect(() => slot.get(sock)).toThrow(expect.objectContaining({ code: 'closed' }));
    await sock.connect(server.host, server.port);
    slot.set(sock, 1);
    await sock.setKeepalive();
    expect(() => slot.get(sock)).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(() => slot.set(sock, 2)).toThrow(expect.objectContaining({ code: 'closed' }));
  });
});
