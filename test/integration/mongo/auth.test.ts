// SCRAM against an auth-enabled FerretDB (on-demand server of the harness).
import { Mongo, MongoServerError, defaultPoolName } from 'resty-mongo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onDemandSkip, startFerretDB, type FerretDBServer } from '../../servers/index.js';

const skip = onDemandSkip('ferretdb');

describe.skipIf(skip)(`resty-mongo SCRAM ${skip || ''}`, () => {
  const username = 'scram-user';
  const password = 'p\u00E4ss,w=rd'; // non-ASCII, comma and equals: exercise escaping and SASLprep
  let server: FerretDBServer;
  const conns: Mongo[] = [];
  const connect = async (opts: Parameters<Mongo['connect']>[2] = {}): Promise<Mongo> => {
    const m = new Mongo();
    m.setTimeout(10_000);
    conns.push(m);
    await m.connect(server.host, server.port, opts);
    return m;
  };

  beforeAll(async () => {
    server = await startFerretDB({ auth: { username, password } });
  }, 60_000);
  afterAll(async () => {
    for (const m of conns) await m.close().catch(() => undefined);
  });

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-1', undefined] as const) {
    it(`authenticates in connect with ${mechanism ?? 'the negotiated mechanism'}`, async () => {
      const m = await connect({ username, password, ...(mechanism ? { mechanism } : {}) });
      const col = m.db('authdb').collection('things');
      await col.insertOne({ by: mechanism ?? 'default' });
      expect(await col.countDocuments({ by: mechanism ?? 'default' })).toBe(1);
      const status = await m.db('admin').command({ connectionStatus: 1 });
      expect(JSON.stringify(status.authInfo)).toContain(username);
    });
  }

  it('an unauthenticated connection is refused (code 13)', async () => {
    const m = await connect();
    const error = (await m
      .db('authdb')
      .collection('things')
      .findOne({})
      .catch((e: unknown) => e)) as MongoServerError;
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(13);
  });

  it('a wrong password or unknown user fails with code 18, without leaking the password, and the socket is closed', async () => {
    for (const creds of [
      { username, password: 'wrong-secret-1' },
      { username: 'nobody-here', password: 'wrong-secret-2' },
    ]) {
      const m = new Mongo();
      const error = (await m.connect(server.host, server.port, creds).catch((e: unknown) => e)) as MongoServerError;
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error.code).toBe(18);
      // The server's words as message; where and in which SCRAM step as fields.
      expect(error.message).toBe(error.errmsg);
      expect(error).toMatchObject({ address: `${server.host}:${server.port}`, command: expect.stringMatching(/^sasl(Start|Continue)$/) });
      expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain(creds.password);
      expect(() => m.getReusedTimes()).toThrow(); // never pooled, never usable
    }
  });

  it('db.auth authenticates an open connection; wrong password gives code 18', async () => {
    const m = await connect();
    await expect(m.db('admin').auth(username, 'nope')).rejects.toMatchObject({ code: 18 });
    await m.db('admin').auth(username, password, { mechanism: 'SCRAM-SHA-256' });
    expect(await m.db('authdb').collection('things').countDocuments()).toBeGreaterThan(0);
  });

  it('db.auth without a mechanism negotiates one', async () => {
    const m = await connect();
    await m.db('admin').auth(username, password);
    expect(await m.db('authdb').collection('things').countDocuments()).toBeGreaterThan(0);
  });

  it('the default pool name separates users: an authenticated socket never reaches another user', async () => {
    const address = `${server.host}:${server.port}`;
    const named = defaultPoolName(address, { username, password, source: 'admin', mechanism: undefined }, false);
    expect(named).toContain(username);
    expect(named).not.toContain(password);
    expect(named).not.toBe(defaultPoolName(address, { username, password: 'other', source: 'admin', mechanism: undefined }, false));

    const a = new Mongo();
    await a.connect(server.host, server.port, { username, password });
    await a.setKeepalive();
    // Same credentials: the pooled, already authenticated socket, no new conversation.
    const same = new Mongo();
    await same.connect(server.host, server.port, { username, password });
    expect(same.getReusedTimes()).toBe(1);
    expect(await same.db('authdb').collection('things').countDocuments()).toBeGreaterThan(0);
    await same.setKeepalive();
    // No credentials: a fresh socket, which is not authenticated.
    const anon = await connect();
    expect(anon.getReusedTimes()).toBe(0);
    await expect(anon.db('authdb').collection('things').findOne({})).rejects.toMatchObject({ code: 13 });
  });

  it('a connection authenticated by db.auth under the default pool name is closed, not pooled', async () => {
    const m = new Mongo();
    await m.connect(server.host, server.port);
    await m.db('admin').auth(username, password);
    await m.setKeepalive();
    expect(() => m.getReusedTimes()).toThrow();
    const next = await connect();
    expect(next.getReusedTimes()).toBe(0);
    await expect(next.db('authdb').collection('things').findOne({})).rejects.toMatchObject({ code: 13 });
  });
});
