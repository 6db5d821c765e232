// The error family against the harness's real server: every error names its address and
// command, a server error reply keeps the connection (and only that), refusals raised before
// the first byte leave it alone, and close() resolves on a closed or never-connected client.
import { keepsConnection, OperationError, withContext } from 'cosocket';
import { CosocketError, Cursor, Mongo, MongoClientError, MongoError, MongoServerError, MongoSizeError, type Database } from 'resty-mongo';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../servers/ports.js';
import { describeServer } from '../../servers/index.js';

describeServer('mongo', 'resty-mongo errors', (server) => {
  const dbName = `rm_errors_${process.pid}`;
  const address = `${server.host}:${server.port}`;
  let conn: Mongo;
  let db: Database;
  const open = async (): Promise<Mongo> => {
    const m = new Mongo();
    m.setTimeout(10_000);
    await m.connect(server.host, server.port);
    return m;
  };

  beforeAll(async () => {
    conn = await open();
    db = conn.db(dbName);
    await db.collection('docs').insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i })));
  });
  afterAll(async () => {
    await db.dropDatabase();
    await conn.close();
  });

  it('connection refused names the address and the connect step', async () => {
    const port = await freePort();
    const m = new Mongo();
    const error = await m.connect('127.0.0.1', port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect(error).toMatchObject({ code: 'connection refused', address: `127.0.0.1:${port}`, command: 'connect' });
    expect((error as Error).message).toBe(`connection refused (127.0.0.1:${port}, connect)`);
  });

  it('a command before connect says so, and names its command', async () => {
    const m = new Mongo();
    const error = await m
      .db(dbName)
      .collection('docs')
      .findOne({})
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'closed', command: 'find' });
    expect((error as Error).message).toBe('not connected: call connect() first (find)');
  });

  it("a server error keeps the server's words as message, names address and command, and keeps the connection", async () => {
    const error = await db.command({ noSuchCommandAtAll: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toBeInstanceOf(MongoError);
    expect(error).toBeInstanceOf(OperationError);
    const server = error as MongoServerError;
    expect(server.message).toBe(server.errmsg);
    expect(server).toMatchObject({ code: 59, codeName: 'CommandNotFound', address, command: 'noSuchCommandAtAll' });
    expect(keepsConnection(server)).toBe(true);
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });

    // A write error is one too, named after the write command.
    const duplicate = await db
      .collection('docs')
      .insertOne({ _id: 1 })
      .catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ code: 11000, address, command: 'insert' });
    expect((duplicate as MongoServerError).message).toBe((duplicate as MongoServerError).errmsg);
    expect(keepsConnection(duplicate)).toBe(true);
    // A getMore on a killed cursor names getMore.
    const cursor = db.collection('docs').find({}, { batchSize: 2 });
    await cursor.next();
    const id = cursor.cursorId!;
    await cursor.close();
    const gone = await db.command({ getMore: id, collection: 'docs' }).catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 43, address, command: 'getMore' });
  });

  it('a size error raised before sending names address and command and leaves the connection usable', async () => {
    const m = await open();
    const error = await m
      .db(dbName)
      .collection('big')
      .insertOne({ blob: Buffer.alloc(16 * 1024 * 1024) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoSizeError);
    expect(error).toMatchObject({ address, command: 'insert' });
    expect((error as Error).message).toMatch(new RegExp(`above maxBsonObjectSize \\d+ \\(${address}, insert\\)$`));
    expect(keepsConnection(error)).toBe(false);
    expect(await m.db(dbName).command({ ping: 1 })).toMatchObject({ ok: 1 });
    await m.setKeepalive();
  });

  it("a refusal before the first byte (another context's connection) does not close it", async () => {
    let m: Mongo | undefined;
    let resume!: () => void;
    const owner = withContext(async () => {
      m = await open();
      await new Promise<void>((resolve) => (resume = resolve));
      const reply = await m.db(dbName).command({ ping: 1 });
      await m.close();
      return reply;
    });
    await expect.poll(() => m).toBeDefined();
    // Outside the owner's context: cosocket refuses with `bad request` before anything is written.
    const error = await m!
      .db(dbName)
      .command({ ping: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad request', address, command: 'ping' });
    expect(m!.connected).toBe(true);
    resume();
    await expect(owner).resolves.toMatchObject({ ok: 1 });
  });

  it('a command while connect is in flight gets socket busy connecting; the connect goes on', async () => {
    const m = new Mongo();
    m.setTimeout(10_000);
    const connecting = m.connect(server.host, server.port);
    const error = await m
      .db(dbName)
      .command({ ping: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'socket busy connecting', command: 'ping' });
    await connecting;
    expect(await m.db(dbName).command({ ping: 1 })).toMatchObject({ ok: 1 });
    await m.close();
  });

  it('close() resolves when never connected and when already closed', async () => {
    await expect(new Mongo().close()).resolves.toBeUndefined();
    const m = await open();
    await m.close();
    await expect(m.close()).resolves.toBeUndefined();
    expect(m.connected).toBe(false);
  });

  it('cursor.close() resolves once its connection is closed, and twice', async () => {
    const m = await open();
    const cursor = m.db(dbName).collection('docs').find({}, { batchSize: 2 });
    expect(await cursor.next()).not.toBeNull();
    expect(cursor.cursorId?.isZero()).toBe(false);
    await m.close();
    await expect(cursor.close()).resolves.toBeUndefined();
    await expect(cursor.close()).resolves.toBeUndefined();
    expect(await cursor.next()).toBeNull();
  });

  it('misuse: a cursor without a command rejects with MongoClientError naming the address', async () => {
    const error = await new Cursor(db, 'docs', null).next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoClientError);
    expect(error).toMatchObject({ address, command: 'find' });
  });

  it('a bad argument to db.auth rejects its promise instead of throwing', async () => {
    let promise: Promise<void> | undefined;
    expect(() => {
      promise = db.auth('user', 'password', null as never);
    }).not.toThrow();
    await expect(promise).rejects.toBeInstanceOf(TypeError);
  });
});
