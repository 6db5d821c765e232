// The error family on the wire: every error names the server's address and the memcached
// command; a server error reply keeps its text as message and the connection
// (keepsConnection); after a failure the next command says why the connection is closed; and
// close() on a client that is already closed resolves.
import { keepsConnection, OperationError, poolStats } from 'cosocket';
import {
  CosocketError,
  Memcached,
  MemcachedClientError,
  MemcachedError,
  MemcachedMultiplexed,
  MemcachedProtocolError,
  MemcachedServerError,
} from 'resty-memcached';
import { afterEach, describe, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';
import { scriptedServer, type ScriptedServer } from '@cosocket/test-kit';
import { connected, prefix } from './helpers.js';

describeServer('memcached', 'memcached errors (real server)', (server) => {
  it('a server error reply is a MemcachedServerError: the server text as message, address and command as fields, the connection kept', async () => {
    const pool = prefix('errors');
    const p = prefix('k');
    const memc = await connected(server, {}, pool);
    await memc.set(`${p}text`, 'not a number');
    const error = await memc.incr(`${p}text`, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemcachedServerError);
    expect(error).toBeInstanceOf(MemcachedError);
    expect(error).toBeInstanceOf(OperationError);
    expect(error).toMatchObject({
      name: 'MemcachedServerError',
      code: 'CLIENT_ERROR',
      message: 'CLIENT_ERROR cannot increment or decrement non-numeric value',
      address: `${server.host}:${server.port}`,
      command: 'incr',
    });
    expect(keepsConnection(error)).toBe(true);
    expect(await memc.get(`${p}text`)).toEqual({ value: 'not a number', flags: 0 });
    await memc.setKeepalive();
    expect(poolStats()[pool]?.idle).toBe(1);
  });

  it('a pipeline entry that the server refused is a located MemcachedServerError', async () => {
    const p = prefix('k');
    const memc = await connected(server);
    const [stored, refused] = await memc.pipeline().set(`${p}t`, 'x').incr(`${p}t`, 1).commit();
    expect(stored).toBe(true);
    expect(refused).toBeInstanceOf(MemcachedServerError);
    expect(refused).toMatchObject({ code: 'CLIENT_ERROR', address: `${server.host}:${server.port}`, command: 'incr' });
    await memc.close();
  });

  it('close() resolves on a client that is already closed: never connected, closed, pooled or after quit', async () => {
    await expect(new Memcached().close()).resolves.toBeUndefined();
    const memc = await connected(server);
    await memc.close();
    await expect(memc.close()).resolves.toBeUndefined();
    await memc.connect(server.host, server.port);
    await memc.setKeepalive();
    await expect(memc.close()).resolves.toBeUndefined();
    await memc.connect(server.host, server.port);
    await memc.quit();
    await expect(memc.close()).resolves.toBeUndefined();
    // The next command says why there is no connection.
    await expect(memc.get('k')).rejects.toThrow(/^closed \(after quit\) \(.*, get\)$/);
  });

  it('a command before connect says so, naming the command', async () => {
    const error = await new Memcached().get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect(error).toMatchObject({ code: 'closed', command: 'get', message: 'not connected: call connect() first (get)' });
  });

  it('MemcachedMultiplexed: close() twice and close() before connect resolve; misuse is a MemcachedClientError', async () => {
    await expect(new MemcachedMultiplexed().close()).resolves.toBeUndefined();
    const early = new MemcachedMultiplexed();
    await expect(early.get('k')).rejects.toMatchObject({ code: 'closed', message: 'not connected: call connect() first (get)' });
    const m = new MemcachedMultiplexed();
    m.setTimeout(5000);
    await m.connect(server.host, server.port);
    const address = `${server.host}:${server.port}`;
    const again = await m.connect(server.host, server.port).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(MemcachedClientError);
    expect(again).toMatchObject({ code: 'already connected', address, command: 'connect' });
    await expect(m.quit()).rejects.toThrow(MemcachedClientError);
    const p = prefix('k');
    await m.set(`${p}t`, 'text');
    await expect(m.incr(`${p}t`, 1)).rejects.toMatchObject({ name: 'MemcachedServerError', address, command: 'incr' });
    await m.close();
    await expect(m.close()).resolves.toBeUndefined();
    await expect(m.get('k')).rejects.toMatchObject({ code: 'closed', address, command: 'get' });
  });
});

describe('memcached errors (scripted server)', () => {
  let fake: ScriptedServer | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  /** A server that answers each request line with `reply` (nothing when null). */
  async function answering(reply: string | null): Promise<ScriptedServer> {
    fake = await scriptedServer(async (conn) => {
      for (;;) {
        await conn.readUntil('\r\n');
        if (reply !== null) await conn.write(reply);
      }
    });
    return fake;
  }

  it('a read timeout names the address and the command; the next command says the connection closed after it; close() then resolves', async () => {
    const srv = await answering(null);
    const address = `${srv.host}:${srv.port}`;
    const memc = new Memcached();
    memc.setTimeouts(2000, 2000, 100);
    await memc.connect(srv.host, srv.port);
    const timeout = await memc.get('k').catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(CosocketError);
    expect(timeout).toMatchObject({ code: 'timeout', address, command: 'get', message: `timeout (${address}, get)` });
    expect(keepsConnection(timeout)).toBe(false);
    const next = await memc.set('k', 'v').catch((e: unknown) => e);
    expect(next).toMatchObject({ code: 'closed', address, command: 'set', message: `closed (after a read timeout) (${address}, set)` });
    // `finally { await memc.close() }` must not replace the timeout with `closed`.
    await expect(memc.close()).resolves.toBeUndefined();
  });

  it('a protocol error is a MemcachedError naming address and command, and closes the connection', async () => {
    const srv = await answering('HELLO\r\n');
    const address = `${srv.host}:${srv.port}`;
    const memc = new Memcached();
    memc.setTimeout(2000);
    await memc.connect(srv.host, srv.port);
    const error = await memc.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemcachedProtocolError);
    expect(error).toBeInstanceOf(MemcachedError);
    expect(error).toMatchObject({ code: 'unexpected reply', address, command: 'get' });
    expect((error as Error).message).toBe(`unexpected reply to get: "HELLO" (${address}, get)`);
    expect(keepsConnection(error)).toBe(false);
    await expect(memc.version()).rejects.toThrow(`closed (after a protocol error: unexpected reply) (${address}, version)`);
  });

  it('MemcachedMultiplexed: a read timeout fails the command with address and command', async () => {
    const srv = await answering(null);
    const m = new MemcachedMultiplexed();
    m.setTimeouts(2000, 2000, 100);
    await m.connect(srv.host, srv.port);
    const error = await m.get('k').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CosocketError', code: 'timeout', address: `${srv.host}:${srv.port}`, command: 'get' });
    await m.close();
  });
});
