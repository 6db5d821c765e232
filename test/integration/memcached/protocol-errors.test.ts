// Malformed and hostile server bytes, from a scripted fake server (the only fake: real
// memcached never sends these). Each must give a clear MemcachedProtocolError, close the
// connection and keep it out of the pool.
import { Memcached, MemcachedError, MemcachedProtocolError } from 'resty-memcached';
import { poolStats } from 'cosocket';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedServer, type ScriptedConnection, type ScriptedServer } from '@cosocket/test-kit';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that answers the first request line with `reply` (then optionally closes). */
async function replying(reply: string | Buffer, options: { close?: boolean } = {}): Promise<{ closed: Promise<void> }> {
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  server = await scriptedServer(async (conn: ScriptedConnection) => {
    conn.closed.then(resolveClosed, resolveClosed);
    await conn.readUntil('\r\n');
    await conn.write(reply);
    if (options.close) conn.end();
  });
  return { closed };
}

async function client(pool: string, readMs = 2000, options: ConstructorParameters<typeof Memcached>[0] = {}): Promise<Memcached> {
  const memc = new Memcached(options);
  memc.setTimeouts(2000, 2000, readMs);
  await memc.connect(server!.host, server!.port, { pool });
  return memc;
}

/** Runs `op`, expects a MemcachedProtocolError matching `message`, and checks the connection is gone. */
async function expectProtocolError(op: (m: Memcached) => Promise<unknown>, message: RegExp, reply: string | Buffer, close = false): Promise<void> {
  const { closed } = await replying(reply, { close });
  const pool = `proto-${Math.random()}`;
  const memc = await client(pool);
  const error = await op(memc).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MemcachedProtocolError);
  expect((error as Error).message).toMatch(message);
  await expect(memc.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
  await closed; // the server saw the client close the connection
  expect(poolStats()[pool]?.idle ?? 0).toBe(0);
}

describe('memcached protocol errors (scripted server)', () => {
  it('a truncated VALUE block followed by EOF', async () => {
    await expectProtocolError(
      (m) => m.get('k'),
      /cut short: closed while reading the 10-byte VALUE block of "k" \(3 bytes received\)/,
      'VALUE k 0 10\r\nabc',
      true,
    );
  });

  it('a truncated multi-get reply (no END) followed by EOF', async () => {
    await expectProtocolError((m) => m.get(['k', 'j']), /cut short/, 'VALUE k 0 3\r\nabc\r\n', true);
  });

  it('a truncated header line followed by EOF', async () => {
    await expectProtocolError((m) => m.get('k'), /cut short/, 'VALUE k 0', true);
  });

  it('more bytes than announced: the trailer does not match', async () => {
    await expectProtocolError((m) => m.get('k'), /3 bytes announced, but they are not followed by/, 'VALUE k 0 3\r\nabcde\r\nEND\r\n');
  });

  it('more bytes than announced in a multi-get', async () => {
    await expectProtocolError((m) => m.get(['k', 'j']), /not followed by "\\r\\n"/, 'VALUE k 0 3\r\nabcde\r\nEND\r\n');
  });

  it('fewer bytes than announced: the read waits, times out, and the connection is closed', async () => {
    const { closed } = await replying('VALUE k 0 10\r\nabc\r\nEND\r\n');
    const pool = `proto-${Math.random()}`;
    const memc = await client(pool, 200);
    await expect(memc.get('k')).rejects.toMatchObject({ name: 'CosocketError', code: 'timeout' });
    await expect(memc.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
    await closed;
  });

  it('a VALUE for a key that was not asked for', async () => {
    await expectProtocolError((m) => m.get('k'), /value for "other", a key that was not asked for/, 'VALUE other 0 1\r\nx\r\nEND\r\n');
    await server?.close();
    await expectProtocolError((m) => m.get(['k', 'j']), /not asked for/, 'VALUE k 0 1\r\nx\r\nVALUE z 0 1\r\ny\r\nEND\r\n');
  });

  it('a hostile byte count is refused at once, before anything of that size is awaited', async () => {
    const started = Date.now();
    await expectProtocolError((m) => m.get('k'), /VALUE of 99999999999 bytes .* exceeds maxValueSize/, 'VALUE k 0 99999999999\r\n');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it.each([
    ['garbage instead of a reply', 'HELLO THERE\r\n', /unexpected reply to get: "HELLO THERE"/],
    ['non-numeric flags', 'VALUE k x 3\r\nabc\r\nEND\r\n', /bad VALUE line .*flags/],
    ['flags over 2^32-1', 'VALUE k 4294967296 3\r\nabc\r\nEND\r\n', /flags/],
    ['a negative byte count', 'VALUE k 0 -3\r\nabc\r\nEND\r\n', /byte count/],
    ['a missing byte count', 'VALUE k 0\r\nabc\r\nEND\r\n', /expected key, flags and bytes/],
    ['an extra field', 'VALUE k 0 3 5 6\r\nabc\r\nEND\r\n', /expected key, flags and bytes/],
    ['a bare LF line ending inside the header', 'VALUE k 0 3\nabc\r\nEND\r\n', /bad VALUE line|unexpected/],
    ['a line longer than 8 KiB', `${'x'.repeat(9000)}\r\n`, /longer than 8192 bytes/],
    ['binary junk', Buffer.from([0x81, 0x00, 0x00, 0x00, 0x0d, 0x0a]), /unexpected reply to get/],
  ])('get: %s', async (_name, reply, message) => {
    await expectProtocolError((m) => m.get('k'), message, reply);
  });

  it.each([
    ['gets without a cas field', 'VALUE k 0 3\r\nabc\r\nEND\r\n', /expected key, flags, bytes and cas/],
    ['gets with a cas over 2^64-1', 'VALUE k 0 3 18446744073709551616\r\nabc\r\nEND\r\n', /cas/],
  ])('%s', async (_name, reply, message) => {
    await expectProtocolError((m) => m.gets('k'), message, reply);
  });

  it.each([
    ['set', (m: Memcached) => m.set('k', 'v'), 'STOREDX\r\n'],
    ['delete', (m: Memcached) => m.delete('k'), 'STORED\r\n'],
    ['incr', (m: Memcached) => m.incr('k', 1), '-5\r\n'],
    ['version', (m: Memcached) => m.version(), 'V 1\r\n'],
    ['stats', (m: Memcached) => m.stats(), 'STAT pid 1\r\nBOGUS\r\nEND\r\n'],
  ])('%s: an unexpected status line', async (_name, op, reply) => {
    await expectProtocolError(op, /unexpected reply|bad line/, reply);
  });

  it('bytes after a complete reply (the server said more than it was asked)', async () => {
    await expectProtocolError((m) => m.set('k', 'v'), /unexpected bytes after the reply to set/, 'STORED\r\nSTORED\r\n');
    await server?.close();
    await expectProtocolError((m) => m.get('k'), /unexpected bytes after the reply to get/, 'VALUE k 0 1\r\nx\r\nEND\r\nVALUE k 0 1\r\ny\r\nEND\r\n');
  });

  it('a line longer than a configured maxLineLength', async () => {
    await replying(`VALUE ${'k'.repeat(100)} 0 1\r\nx\r\nEND\r\n`);
    const memc = await client(`proto-${Math.random()}`, 2000, { maxLineLength: 64 });
    await expect(memc.get('k')).rejects.toThrow(/longer than 64 bytes/);
  });

  it('a server error line is a MemcachedError and keeps the connection', async () => {
    server = await scriptedServer(async (conn) => {
      await conn.readUntil('\r\n');
      await conn.write('SERVER_ERROR out of memory storing object\r\n');
      await conn.readUntil('\r\n');
      await conn.write('VERSION 9.9.9\r\n');
    });
    const memc = await client(`proto-${Math.random()}`);
    await expect(memc.get('k')).rejects.toSatisfy(
      (e) => e instanceof MemcachedError && e.code === 'SERVER_ERROR' && e.message === 'SERVER_ERROR out of memory storing object',
    );
    expect(await memc.version()).toBe('9.9.9');
    await memc.close();
  });

  it('a correct reply delivered one byte at a time is read exactly', async () => {
    const reply = 'VALUE k 5 13 77\r\nab\r\ncd\r\nEND\r\n\r\nEND\r\n';
    server = await scriptedServer(async (conn) => {
      conn.socket.setNoDelay(true);
      await conn.readUntil('\r\n');
      for (const byte of Buffer.from(reply)) {
        await conn.write(Buffer.from([byte]));
        await new Promise((r) => setTimeout(r, 1));
      }
      await conn.readUntil('\r\n');
      await conn.write('VALUE k 0 2\r\nxy\r\nVALUE j 1 0\r\n\r\nEND\r\n');
    });
    const memc = await client(`proto-${Math.random()}`);
    expect(await memc.gets('k')).toEqual({ value: 'ab\r\ncd\r\nEND\r\n', flags: 5, cas: '77' });
    expect(await memc.get(['k', 'j'])).toEqual({ k: { value: 'xy', flags: 0 }, j: { value: '', flags: 1 } });
    await memc.close();
  });
});
