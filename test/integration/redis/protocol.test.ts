// Malformed and hostile RESP from a scripted fake server: a clear protocol error, the
// connection closed, never pooled. (The only fake allowed: real Redis never sends these bytes.)
import { afterEach, describe, expect, it } from 'vitest';
import { Redis, RedisProtocolError } from 'resty-redis';
import { scriptedServer, type ScriptedServer } from '@cosocket/test-kit';

describe('resty-redis protocol errors (scripted server)', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  /** Answers the first request with `reply`, and every later one on the same connection with +OK. */
  async function serve(reply: string | Buffer): Promise<ScriptedServer> {
    server = await scriptedServer(async (conn) => {
      await conn.readUntil('\r\n');
      await conn.write(reply);
      for (;;) {
        await conn.readUntil('PING\r\n');
        await conn.write('+PONG\r\n');
      }
    });
    return server;
  }

  it.each([
    ['an unknown type byte', '>2\r\n+x\r\n'],
    ['a malformed bulk length', '$abc\r\nhello\r\n'],
    ['a missing CRLF after a bulk', '$5\r\nhelloXX'],
    ['a hostile bulk length (10 GiB)', '$10737418240\r\n'],
    ['a hostile array count', '*9999999999\r\n'],
  ])('%s: RedisProtocolError, the connection closed and not pooled', async (_, reply) => {
    const srv = await serve(reply);
    const pool = 'scripted';
    const red = new Redis();
    red.setTimeout(2000);
    await red.connect(srv.host, srv.port, { pool });
    const error = await red.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisProtocolError);
    const address = `${srv.host}:${srv.port}`;
    expect(error).toMatchObject({ address, command: 'GET' });
    expect((error as Error).message).toMatch(new RegExp(` \\(${address}, GET\\)$`));
    await expect(red.ping()).rejects.toMatchObject({ code: 'closed', message: `closed (after a protocol error) (${address}, PING)` });
    await expect(red.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
    await red.connect(srv.host, srv.port, { pool });
    expect(red.getReusedTimes()).toBe(0);
    expect(srv.accepted).toBe(2);
    await red.close();
  });

  it('refuses a bulk over a configured maxReplySize before its payload arrives', async () => {
    const srv = await serve('$2000\r\n');
    const red = new Redis({ maxReplySize: 1000 });
    red.setTimeout(2000);
    await red.connect(srv.host, srv.port);
    await expect(red.get('k')).rejects.toThrow(/exceeds the maximum reply size \(1000\)/);
  });

  it('an extra unsolicited reply makes setKeepalive close instead of pooling', async () => {
    const srv = await serve('+OK\r\n+EXTRA\r\n');
    const red = new Redis();
    red.setTimeout(2000);
    await red.connect(srv.host, srv.port, { pool: 'extra' });
    expect(await red.set('k', 'v')).toBe('OK');
    await expect(red.setKeepalive()).rejects.toMatchObject({ code: 'connection in dubious state' });
    await red.connect(srv.host, srv.port, { pool: 'extra' });
    expect(red.getReusedTimes()).toBe(0);
    await red.close();
  });
});
