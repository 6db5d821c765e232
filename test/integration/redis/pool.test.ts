// Clean state before keepalive: pooled connections never carry a database, a MULTI, a WATCH,
// someone else's credentials or an unread reply to the next user. Private servers, so
// INFO commandstats counts only this file's commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosocketError, Redis, RedisReplyError } from 'resty-redis';
import { onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';
import { calls, client, clientId, key, serverDb } from './helpers.js';

describe.skipIf(onDemandSkip('redis-server'))('resty-redis pooling and clean state', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });

  it('select-db story: SELECT 5 + write, setKeepalive, the reused socket is on the configured database', async () => {
    const k = key('db');
    const red = await client(server, { database: 2 });
    expect(red.getReusedTimes()).toBe(0);
    expect(await serverDb(red)).toBe(2);
    const id = await clientId(red);
    expect(await red.select(5)).toBe('OK');
    await red.set(k, 'in db 5');
    await red.setKeepalive();

    const next = await client(server, { database: 2 });
    expect(next.getReusedTimes()).toBe(1);
    expect(await clientId(next)).toBe(id);
    expect(await serverDb(next)).toBe(2);
    expect(await next.get(k)).toBeNull();
    await next.select(5);
    expect(await next.get(k)).toBe('in db 5');
    await next.setKeepalive();
  });

  it('sends AUTH/SELECT only on fresh connections', async () => {
    const red = await client(server, { database: 7, pool: 'select-count' });
    const before = await calls(red, 'select');
    await red.setKeepalive();
    for (let i = 0; i < 3; i++) {
      await red.connect(server.host, server.port, { database: 7, pool: 'select-count' });
      expect(red.getReusedTimes()).toBe(i + 1);
      await red.setKeepalive();
    }
    await red.connect(server.host, server.port, { database: 7, pool: 'select-count' });
    expect(await calls(red, 'select')).toBe(before);
    await red.close();
  });

  it('keeps databases in separate default pools', async () => {
    const a = await client(server, { database: 3 });
    const id = await clientId(a);
    await a.setKeepalive();
    const b = await client(server, { database: 4 });
    expect(b.getReusedTimes()).toBe(0);
    expect(await clientId(b)).not.toBe(id);
    expect(await serverDb(b)).toBe(4);
    await b.close();
  });

  it('DISCARDs an open MULTI before pooling', async () => {
    const k = key('multi');
    const red = await client(server, { pool: 'multi' });
    await red.multi();
    expect(await red.set(k, '1')).toBe('QUEUED');
    await red.setKeepalive();
    const next = await client(server, { pool: 'multi' });
    expect(next.getReusedTimes()).toBe(1);
    expect(await next.get(k)).toBeNull(); // not QUEUED: the MULTI is gone
    expect(String(await next.client('info'))).toContain('multi=-1');
    await next.close();
  });

  it('UNWATCHes after WATCH before pooling', async () => {
    const k = key('watch');
    const red = await client(server, { pool: 'watch' });
    await red.watch(k);
    await red.setKeepalive();
    const next = await client(server, { pool: 'watch' });
    expect(next.getReusedTimes()).toBe(1);
    const other = await client(server);
    await other.set(k, 'changed');
    await other.close();
    // Had the WATCH survived, this EXEC would return null.
    await next.multi();
    await next.set(k, 'mine');
    expect(await next.exec()).toEqual(['OK']);
    await next.close();
  });

  it('closes and throws when replies are unread (command not awaited)', async () => {
    const red = await client(server, { pool: 'unread' });
    const pending = red.get(key('x'));
    await expect(red.setKeepalive()).rejects.toMatchObject({ code: 'connection in dubious state' });
    await expect(pending).rejects.toBeInstanceOf(CosocketError);
    const next = await client(server, { pool: 'unread' });
    expect(next.getReusedTimes()).toBe(0);
    await next.close();
  });

  it('closes instead of pooling after MONITOR or CLIENT SETNAME', async () => {
    for (const taint of [(r: Redis) => r.client('setname', 'someone'), (r: Redis) => r.monitor()]) {
      const red = await client(server, { pool: 'taint' });
      await taint(red);
      await red.setKeepalive();
      const next = await client(server, { pool: 'taint' });
      expect(next.getReusedTimes()).toBe(0);
      await next.close();
    }
  });

  it('throws on a failed SELECT at connect, and closes', async () => {
    const red = new Redis();
    await expect(red.connect(server.host, server.port, { database: 999 })).rejects.toThrow(/DB index is out of range/);
    expect(() => red.getReusedTimes()).toThrow(CosocketError);
  });

  it('the object can connect again after setKeepalive and close', async () => {
    const red = await client(server);
    await red.setKeepalive();
    await expect(red.get('a')).rejects.toMatchObject({ code: 'closed' });
    await red.connect(server.host, server.port);
    expect(await red.ping()).toBe('PONG');
    await red.close();
    await red.connect(server.host, server.port);
    expect(await red.ping()).toBe('PONG');
    await red.close();
  });
});

describe.skipIf(onDemandSkip('redis-server'))('resty-redis credentials and the pool', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ password: 'default-pw', users: [{ username: 'alice', password: 'alice-pw' }] });
  });
  afterAll(() => undefined);

  it('never hands the authenticated socket to a password-less client', async () => {
    const authed = await client(server, { password: 'default-pw' });
    const id = await clientId(authed);
    await authed.setKeepalive();

    const anonymous = new Redis();
    anonymous.setTimeout(2000);
    await anonymous.connect(server.host, server.port);
    expect(anonymous.getReusedTimes()).toBe(0);
    await expect(anonymous.get('k')).rejects.toMatchObject({ code: 'NOAUTH' });
    await anonymous.close();

    const again = await client(server, { password: 'default-pw' });
    expect(again.getReusedTimes()).toBe(1);
    expect(await clientId(again)).toBe(id);
    await again.close();
  });

  it('separates ACL users and passwords', async () => {
    const alice = await client(server, { username: 'alice', password: 'alice-pw' });
    expect(await alice.acl('whoami')).toBe('alice');
    await alice.setKeepalive();
    const def = await client(server, { password: 'default-pw' });
    expect(await def.acl('whoami')).toBe('default');
    await def.setKeepalive();
    const alice2 = await client(server, { username: 'alice', password: 'alice-pw' });
    expect(alice2.getReusedTimes()).toBe(1);
    expect(await alice2.acl('whoami')).toBe('alice');
    await alice2.close();
  });

  it('fails the connect with WRONGPASS and closes', async () => {
    const red = new Redis();
    const error = await red.connect(server.host, server.port, { password: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisReplyError);
    expect((error as RedisReplyError).code).toBe('WRONGPASS');
    expect(() => red.getReusedTimes()).toThrow(CosocketError);
  });

  it('does not pool a socket authenticated by hand under the default pool name', async () => {
    const red = new Redis();
    await red.connect(server.host, server.port);
    expect(await red.auth('alice', 'alice-pw')).toBe('OK');
    await red.setKeepalive();
    const anonymous = new Redis();
    await anonymous.connect(server.host, server.port);
    expect(anonymous.getReusedTimes()).toBe(0);
    await expect(anonymous.acl('whoami')).rejects.toMatchObject({ code: 'NOAUTH' });
    await anonymous.close();
  });
});
