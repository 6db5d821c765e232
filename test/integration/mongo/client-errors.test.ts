// MongoClient's errors and defaults: server selection (a stopped server, one that comes up in
// time), authentication from the URL, every error naming its address and operation, the
// driver's options reaching the server, and bad URLs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, MongoParseError, MongoServerError, MongoServerSelectionError } from 'resty-mongo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeServer, onDemandSkip, startFerretDB, type FerretDBServer } from '../../servers/index.js';

const skip = onDemandSkip('ferretdb');

describe('MongoClient server selection', () => {
  it('a server that refuses: MongoServerSelectionError after serverSelectionTimeoutMS, naming the address, the step and the operation', async () => {
    const client = new MongoClient('mongodb://127.0.0.1:1/app', { serverSelectionTimeoutMS: 300 });
    const started = Date.now();
    const error = await client
      .db()
      .collection('c')
      .findOne({})
      .catch((e: unknown) => e);
    const waited = Date.now() - started;
    expect(error).toBeInstanceOf(MongoServerSelectionError);
    expect(error).toMatchObject({ code: 'connection refused', address: '127.0.0.1:1', command: 'connect', operation: 'find' });
    expect((error as Error).message).toBe('server selection timed out after 300 ms (find): connection refused (127.0.0.1:1, connect)');
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(3000);
    await expect(client.connect()).rejects.toMatchObject({ name: 'MongoServerSelectionError', operation: 'connect' });
    await client.close();
  });

  describe.skipIf(skip)(`a server that comes up while an operation waits ${skip || ''}`, () => {
    let server: FerretDBServer;
    beforeAll(async () => {
      server = await startFerretDB();
      await server.stop();
    }, 60_000);

    it('the operation succeeds once the server answers, within serverSelectionTimeoutMS', { timeout: 60_000 }, async () => {
      const client = new MongoClient(`${server.url}/late`, { serverSelectionTimeoutMS: 30_000 });
      const insert = client.db().collection('c').insertOne({ late: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await server.start();
      expect((await insert).acknowledged).toBe(true);
      expect(await client.db().collection('c').countDocuments({ late: true })).toBe(1);
      await client.close();
    });
  });
});

describe.skipIf(skip)(`MongoClient authentication from the URL ${skip || ''}`, () => {
  const username = 'client-user';
  const password = 'p@ss:w/rd'; // characters that must be percent-encoded in the URL
  let server: FerretDBServer;
  beforeAll(async () => {
    server = await startFerretDB({ auth: { username, password } });
  }, 60_000);

  const urlWith = (pw: string, rest = '') => `mongodb://${username}:${encodeURIComponent(pw)}@${server.host}:${server.port}/authapp${rest}`;

  it('user info and authSource authenticate every new connection; pooled ones are reused as they are', async () => {
    const client = new MongoClient(urlWith(password, '?authSource=admin&maxPoolSize=3'));
    const col = client.db().collection('things');
    await Promise.all(Array.from({ length: 12 }, (_, i) => col.insertOne({ i })));
    expect(await col.countDocuments()).toBe(12);
    const status = await client.db('admin').command({ connectionStatus: 1 });
    expect(JSON.stringify(status.authInfo)).toContain(username);
    await client.close();
  });

  it('the auth options override the URL; SCRAM-SHA-1 via authMechanism', async () => {
    const client = new MongoClient(urlWith('wrong', '?authSource=admin'), { auth: { username, password }, authMechanism: 'SCRAM-SHA-1' });
    expect(await client.db().collection('things').countDocuments()).toBe(12);
    await client.close();
  });

  it('a wrong password rejects at once with MongoServerError 18, naming the address and the step, never the password', async () => {
    const client = new MongoClient(urlWith('not-the-password-42', '?authSource=admin'), { serverSelectionTimeoutMS: 20_000 });
    const started = Date.now();
    const error = await client.connect().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000); // not retried as if the server were unreachable
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18, address: `${server.host}:${server.port}` });
    expect((error as MongoServerError).command).toMatch(/^sasl(Start|Continue)$/);
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('not-the-password-42');
    await client.close();
  });
});

describe.skipIf(skip)(`MongoClient over a unix socket ${skip || ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rm-client-unix-'));
  const path = join(dir, 'ferretdb.sock');
  beforeAll(async () => {
    await startFerretDB({ args: [`--listen-unix=${path}`] });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a percent-encoded socket path in the URL', async () => {
    const client = new MongoClient(`mongodb://${encodeURIComponent(path)}/unixapp`);
    expect(client.address).toBe(`unix:${path}`);
    const col = client.db().collection('t');
    await col.insertOne({ via: 'unix' });
    expect(await col.findOne({ via: 'unix' }, { projection: { _id: 0 } })).toEqual({ via: 'unix' });
    await client.close();
  });
});

describeServer('mongo', 'MongoClient errors and options', (server) => {
  const dbName = `rm_client_errors_${process.pid}`;
  const client = new MongoClient(`${server.url}/${dbName}`);
  const address = `${server.host}:${server.port}`;
  const col = client.db().collection<{ _id: number; a?: number; tags?: number[] }>('docs');

  beforeAll(async () => {
    await col.drop();
    await col.insertMany([
      { _id: 1, a: 1, tags: [1, 2] },
      { _id: 2, a: 2, tags: [2, 3] },
    ]);
  });
  afterAll(async () => {
    await client.db().dropDatabase();
    await client.close();
  });

  it('a server error names its address and command, with the server words as its message', async () => {
    const error = await client
      .db()
      .command({ noSuchCommand: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 59, address, command: 'noSuchCommand' });
    const dup = await col.insertOne({ _id: 1 }).catch((e: unknown) => e);
    expect(dup).toMatchObject({ name: 'MongoServerError', code: 11000, address, command: 'insert' });
  });

  it('hint, comment, maxTimeMS and sort spellings reach the server and work', async () => {
    const docs = await col
      .find({}, { hint: { _id: 1 }, comment: 'from a test', maxTimeMS: 5000 })
      .sort('a', 'desc')
      .toArray();
    expect(docs.map((d) => d._id)).toEqual([2, 1]);
    expect(
      (
        await col
          .find()
          .sort([['a', 1]])
          .toArray()
      ).map((d) => d._id),
    ).toEqual([1, 2]);
    expect(await col.countDocuments({}, { hint: { _id: 1 }, comment: 'count' })).toBe(2);
    expect((await col.updateOne({ _id: 1 }, { $set: { a: 1 } }, { hint: { _id: 1 }, comment: 'upd' })).matchedCount).toBe(1);
    expect((await col.deleteOne({ _id: 99 }, { hint: { _id: 1 } })).deletedCount).toBe(0);
    expect(await col.estimatedDocumentCount({ maxTimeMS: 5000 })).toBe(2);
  });

  it('collation, let and arrayFilters are sent (FerretDB refuses each with code 238, naming it)', async () => {
    const refusals = [
      col.find({}, { collation: { locale: 'en' } }).toArray(),
      col.updateOne({ _id: 1 }, { $set: { 'tags.$[t]': 9 } }, { arrayFilters: [{ t: 2 }] }),
      col.aggregate([], { let: { x: 1 } }).toArray(),
      col.deleteMany({}, { collation: { locale: 'en' } }),
    ].map((p) => (p as Promise<unknown>).catch((e: unknown) => e));
    const errors = await Promise.all(refusals);
    if (server.product !== 'ferretdb') return;
    const fields = ['collation', 'arrayFilters', 'let', 'collation'];
    errors.forEach((e, i) => {
      expect(e).toMatchObject({ code: 238, address });
      expect((e as Error).message).toContain(`"${fields[i]}"`);
    });
    expect(await col.countDocuments()).toBe(2);
  });

  it('write concern: from the URL, the client, the collection or the operation; w: 0 is unacknowledged', async () => {
    const wc = new MongoClient(`${server.url}/${dbName}?w=1&journal=true`);
    const docs = wc.db().collection('wc');
    expect((await docs.insertOne({ x: 1 })).acknowledged).toBe(true);
    expect((await docs.insertOne({ x: 2 }, { writeConcern: { w: 0 } })).acknowledged).toBe(false);
    expect(
      (
        await wc
          .db()
          .collection('wc', { writeConcern: { w: 0 } })
          .deleteMany({})
      ).acknowledged,
    ).toBe(false);
    await wc.close();
  });

  it('a bad URL or option throws at construction: TypeError with the password masked, RangeError for a bad number', () => {
    expect(() => new MongoClient('mongodb://user:s3cret@host:notaport/db')).toThrow(TypeError);
    try {
      new MongoClient('mongodb://user:s3cret@host:notaport/db');
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret');
    }
    expect(() => new MongoClient('http://localhost')).toThrow(TypeError);
    expect(() => new MongoClient('mongodb+srv://cluster.example.com')).toThrow(/mongodb\+srv/);
    expect(() => new MongoClient('mongodb://h', { maxPoolSize: 0 })).toThrow(RangeError);
    expect(() => new MongoClient('mongodb://u@h/?authMechanism=MONGODB-X509')).toThrow(/authMechanism MONGODB-X509 is not supported/);
    expect(() => new MongoClient('mongodb://h/?authMechanism=MONGODB-AWS')).toThrow(/authMechanism MONGODB-AWS is not supported/);
    expect(() => new MongoClient('mongodb://user:s3cret@h:1/db?tls=true&ssl=false')).toThrow(MongoParseError);
  });

  it('defaults: port 27017, database from the URL else test, the timeouts of the client layer', () => {
    const plain = new MongoClient('mongodb://db.example');
    expect(plain.address).toBe('db.example:27017');
    expect(plain.db().databaseName).toBe('test');
    expect(plain.settings).toMatchObject({
      maxPoolSize: 100,
      connectTimeoutMS: 10_000,
      serverSelectionTimeoutMS: 30_000,
      waitQueueTimeoutMS: 30_000,
    });
    const tuned = new MongoClient('mongodb://u:p@db.example:27018/shop?maxPoolSize=5&connectTimeoutMS=2000', { maxPoolSize: 7 });
    expect(tuned.address).toBe('db.example:27018');
    expect(tuned.db().databaseName).toBe('shop');
    expect(tuned.settings).toMatchObject({ maxPoolSize: 7, connectTimeoutMS: 2000, connect: { username: 'u', authSource: 'shop' } });
  });
});
