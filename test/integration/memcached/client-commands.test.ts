// createClient end to end: every address form reaches the server, every command resolves what
// the socket-level Memcached resolves, getMulti is get([keys]), and commands keep call order.
import { createServer, connect as netConnect, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, identityKeyTransform, MemcachedServerError, type MemcachedClient, type MemcachedCommands } from 'resty-memcached';
import { closeAfterEach } from '@cosocket/test-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';
import { connected, prefix } from './helpers.js';

/**
 * A unix socket in front of the shared server (memcached's own `-s` turns TCP off, and the
 * test servers are reached over TCP): each connection is piped, byte for byte, to the real server.
 */
async function unixForwarder(target: { host: string; port: number }): Promise<{ path: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'memc-unix-'));
  const path = join(dir, 'memcached.sock');
  const server: Server = createServer((client) => {
    const upstream = netConnect(target.port, target.host);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}

describeServer('memcached', 'createClient (real server)', (server) => {
  const open = closeAfterEach<MemcachedClient<boolean>>();
  const client = <B extends boolean = false>(...args: Parameters<typeof createClient<B>>): MemcachedClient<B> => {
    const c = createClient<B>(...args);
    open.push(c);
    return c;
  };
  let unix: Awaited<ReturnType<typeof unixForwarder>>;
  beforeAll(async () => {
    unix = await unixForwarder(server);
  });
  afterAll(() => unix.close());

  it.each([
    ['host:port', () => `${server.host}:${server.port}`],
    ['memcached://host:port', () => `memcached://${server.host}:${server.port}/`],
    ['{ host, port }', () => ({ host: server.host, port: server.port })],
    ['[host:port]', () => [`${server.host}:${server.port}`]],
    ['unix:/path', () => `unix:${unix.path}`],
  ])('%s reaches the server', async (_, address) => {
    const p = prefix('form');
    const c = client(address());
    expect(await c.set(`${p}k`, 'v')).toBe(true);
    expect(await c.get(`${p}k`)).toEqual({ value: 'v', flags: 0 });
    expect(c.address).toBe(
      typeof address() === 'string' && String(address()).startsWith('unix:') ? `unix:${unix.path}` : `${server.host}:${server.port}`,
    );
  });

  it('every command resolves what the socket-level Memcached resolves', async () => {
    const memc = await connected(server);
    const c = client(`${server.host}:${server.port}`);
    const run = async (m: MemcachedCommands, p: string): Promise<unknown[]> => {
      const out: unknown[] = [];
      out.push(await m.set(`${p}a`, 'one', 0, 7), await m.add(`${p}a`, 'x'), await m.add(`${p}b`, 'two'));
      out.push(await m.replace(`${p}a`, 'uno', 0, 8), await m.replace(`${p}none`, 'x'));
      out.push(await m.append(`${p}a`, '>'), await m.prepend(`${p}a`, '<'), await m.append(`${p}none`, 'x'));
      out.push(await m.get(`${p}a`), await m.get(`${p}none`), await m.get([`${p}a`, `${p}b`, `${p}none`]));
      const entry = (await m.gets(`${p}a`))!;
      out.push(typeof entry.cas, await m.cas(`${p}a`, 'new', entry.cas), await m.cas(`${p}a`, 'stale', entry.cas));
      out.push(Object.keys(await m.gets([`${p}a`, `${p}b`])).sort());
      out.push(await m.touch(`${p}a`, 100), await m.touch(`${p}none`, 100));
      out.push(await m.set(`${p}n`, 10), await m.incr(`${p}n`, 5), await m.decr(`${p}n`, 100n), await m.incr(`${p}none`, 1));
      out.push(await m.delete(`${p}b`), await m.delete(`${p}b`));
      out.push(await m.version(), await m.verbosity(0), typeof (await m.stats()).pid, Object.keys(await m.stats('settings')).includes('maxconns'));
      out.push(await m.incr(`${p}a`, 1).catch((e: unknown) => [(e as MemcachedServerError).name, (e as MemcachedServerError).code]));
      // Keys named with the run's own prefix compare equal across the two runs.
      return JSON.parse(JSON.stringify(out).replaceAll(p, 'P:')) as unknown[];
    };
    const expected = await run(memc, prefix('socket'));
    expect(await run(c, prefix('client'))).toEqual(expected);
    expect(expected).toContainEqual({ value: '<uno>', flags: 8 });
    expect(expected).toContainEqual(['MemcachedServerError', 'CLIENT_ERROR']);
    await memc.close();
  });

  it('getMulti resolves what get([keys]) resolves: missing keys absent, your keys back after the transform', async () => {
    const p = prefix('multi');
    const c = client(`${server.host}:${server.port}`);
    await c.set(`${p}x y`, 'spaced', 0, 3);
    await c.set(`${p}z`, 'z');
    const keys = [`${p}x y`, `${p}z`, `${p}missing`];
    const multi = await c.getMulti(keys);
    expect(multi).toEqual({ [`${p}x y`]: { value: 'spaced', flags: 3 }, [`${p}z`]: { value: 'z', flags: 0 } });
    expect(await c.get(keys)).toEqual(multi);
    expect(await c.getMulti([])).toEqual({});
  });

  it('returnBuffers and keyTransform are the socket-level options', async () => {
    const p = prefix('opts');
    const bytes = Buffer.from([0, 255, 13, 10, 128]);
    const buffers = client(`${server.host}:${server.port}`, { returnBuffers: true, keyTransform: identityKeyTransform });
    await buffers.set(`${p}:raw`, bytes);
    const value: Buffer | undefined = (await buffers.get(`${p}:raw`))?.value;
    expect(value).toEqual(bytes);
    const multi: Record<string, { value: Buffer }> = await buffers.getMulti([`${p}:raw`]);
    expect(multi[`${p}:raw`]!.value).toEqual(bytes);
    // The identity transform stored the colon as is: an escaping client asks for another key.
    const escaping = client(`${server.host}:${server.port}`);
    expect(await escaping.get(`${p}:raw`)).toBeNull();
  });

  it('commands keep the order they were called in, awaited or not', async () => {
    const p = prefix('order');
    const c = client(`${server.host}:${server.port}`);
    void c.set(`${p}n`, 1);
    void c.incr(`${p}n`, 1);
    const deleted = c.delete(`${p}gone`);
    void c.set(`${p}gone`, 'x');
    expect(await c.get(`${p}n`)).toEqual({ value: '2', flags: 0 });
    expect(await deleted).toBe(false);
    expect(await c.get(`${p}gone`)).toEqual({ value: 'x', flags: 0 });
  });

  it('pipeline(): one result per command, a server error reply as its entry', async () => {
    const p = prefix('pipe');
    const c = client(`${server.host}:${server.port}`);
    const results = await c.pipeline().set(`${p}t`, 'text').incr(`${p}t`, 1).set(`${p}n`, 1).incr(`${p}n`, 2).get(`${p}n`).commit();
    expect(results.slice(0, 1)).toEqual([true]);
    expect(results[1]).toBeInstanceOf(MemcachedServerError);
    expect(results[1]).toMatchObject({ code: 'CLIENT_ERROR', address: `${server.host}:${server.port}`, command: 'incr' });
    expect(results.slice(2)).toEqual([true, 3, { value: '3', flags: 0 }]);
    expect(await c.pipeline().commit()).toEqual([]);
  });

  it('withConnection: a socket-level Memcached of its own, back to the pool afterwards', async () => {
    const p = prefix('lease');
    const c = client(`${server.host}:${server.port}`, { poolSize: 2 });
    expect(await c.withConnection(async (memc) => [await memc.set(`${p}k`, 'v'), memc.getReusedTimes()])).toEqual([true, 0]);
    expect(await c.withConnection(async (memc) => [await memc.get(`${p}k`), memc.getReusedTimes()])).toEqual([{ value: 'v', flags: 0 }, 1]);
    expect(await c.withConnection(() => 'sync result')).toBe('sync result');
  });
});
