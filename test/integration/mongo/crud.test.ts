// CRUD, write errors and pooling against the harness's real MongoDB-protocol server.
import { tcp } from 'cosocket';
import { Long, Mongo, MongoServerError, ObjectId, type DatabaseCollection as Collection, type Database, type Document } from 'resty-mongo';
import { beforeEach, expect, it, vi } from 'vitest';
import { describeServer } from '../../servers/index.js';
import { ownDatabase } from './helpers.js';

describeServer('mongo', 'resty-mongo CRUD', (server) => {
  let conn: Mongo;
  let db: Database;
  const dbName = ownDatabase(server, 'rm_crud', 10_000, (c, d) => {
    conn = c;
    db = d;
  });
  let col: Collection;

  beforeEach(async () => {
    col = db.collection('dogs');
    await col.drop();
  });

  it('the handshake stored the server limits', () => {
    expect(conn.limits.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(conn.limits.maxMessageSizeBytes).toBe(48_000_000);
    expect(conn.limits.maxWriteBatchSize).toBe(100_000);
    expect(conn.helloReply?.isWritablePrimary).toBe(true);
  });

  it('insertOne generates an ObjectId, insertMany returns ids by index, findOne finds them', async () => {
    const doc = { name: 'rex', age: 3 };
    const { insertedId } = await col.insertOne(doc);
    expect(insertedId).toBeInstanceOf(ObjectId);
    expect(doc).toEqual({ name: 'rex', age: 3 }); // input not mutated
    const many = await col.insertMany([
      { name: 'a', age: 1 },
      { _id: 'b', name: 'b', age: 2 },
    ]);
    expect(many.insertedCount).toBe(2);
    expect(many.insertedIds[1]).toBe('b');
    expect(await col.findOne({ _id: insertedId })).toEqual({ _id: insertedId, name: 'rex', age: 3 });
    expect(await col.findOne({ name: 'b' }, { projection: { _id: 0, age: 1 } })).toEqual({ age: 2 });
    expect((await col.findOne({}, { sort: { age: -1 } }))?.name).toBe('rex');
    expect((await col.findOne({}, { sort: { age: 1 }, skip: 1 }))?.name).toBe('b');
    expect(await col.findOne({ name: 'nobody' })).toBeNull();
  });

  it('a generated _id is stored first and is the insertedId, even over an own `_id: undefined`', async () => {
    const { insertedIds } = await col.insertMany([
      { name: 'x', age: 1 },
      { name: 'y', _id: undefined },
    ]);
    const x = await col.findOne({ name: 'x' });
    expect(Object.keys(x ?? {})).toEqual(['_id', 'name', 'age']);
    expect(x?._id).toEqual(insertedIds[0]);
    expect(await col.findOne({ name: 'y' })).toEqual({ _id: insertedIds[1], name: 'y' });
  });

  it('keeps BSON types: Long, Decimal-free numbers, nested documents, dates', async () => {
    const when = new Date('2024-01-02T03:04:05Z');
    await col.insertOne({ _id: 1, big: Long.fromString('9007199254740993'), nested: { a: [1, 'x'] }, when });
    const got = await col.findOne({ _id: 1 });
    expect(got?.big).toEqual(Long.fromString('9007199254740993'));
    expect(got?.nested).toEqual({ a: [1, 'x'] });
    expect(got?.when).toEqual(when);
  });

  it('updateOne / updateMany / upserts report matched, modified and upserted ids', async () => {
    await col.insertMany([
      { k: 1, v: 0 },
      { k: 1, v: 0 },
      { k: 2, v: 0 },
    ]);
    expect(await col.updateOne({ k: 1 }, { $set: { v: 1 } })).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    expect(await col.updateMany({ k: 1 }, { $set: { v: 2 } })).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await col.updateMany({ k: 9 }, { $set: { v: 2 } })).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
    const up = await col.updateOne({ k: 3 }, { $set: { v: 3 } }, { upsert: true });
    expect(up).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(up.upsertedId).toBeInstanceOf(ObjectId);
    expect(await col.findOne({ _id: up.upsertedId as ObjectId }, { projection: { _id: 0 } })).toEqual({ k: 3, v: 3 });
    await expect(col.updateOne({ k: 1 }, { v: 5 })).rejects.toThrow(TypeError); // no operators
    expect(await col.replaceOne({ k: 2 }, { k: 2, replaced: true })).toMatchObject({ matchedCount: 1 });
    expect(await col.findOne({ k: 2 }, { projection: { _id: 0 } })).toEqual({ k: 2, replaced: true });
  });

  it('deleteOne / deleteMany, countDocuments and distinct', async () => {
    await col.insertMany([{ c: 'red' }, { c: 'red' }, { c: 'blue' }, { c: 'green' }]);
    expect(await col.countDocuments({})).toBe(4);
    expect(await col.countDocuments({ c: 'red' })).toBe(2);
    expect(await col.countDocuments({ c: 'none' })).toBe(0);
    expect((await col.distinct('c')).sort()).toEqual(['blue', 'green', 'red']);
    expect(await col.distinct('c', { c: { $ne: 'red' } })).toHaveLength(2);
    expect(await col.deleteOne({ c: 'red' })).toEqual({ deletedCount: 1 });
    expect(await col.deleteMany({ c: { $in: ['red', 'blue'] } })).toEqual({ deletedCount: 2 });
    expect(await col.deleteMany({ c: 'none' })).toEqual({ deletedCount: 0 });
    expect(await col.countDocuments()).toBe(1);
  });

  it('findOneAndUpdate returns before or after; findOneAndDelete returns the removed document', async () => {
    await col.insertOne({ _id: 1, n: 1 });
    expect(await col.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } })).toEqual({ _id: 1, n: 1 });
    expect(await col.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } }, { returnDocument: 'after' })).toEqual({ _id: 1, n: 3 });
    expect(await col.findOneAndUpdate({ _id: 2 }, { $set: { n: 7 } }, { returnDocument: 'after', upsert: true })).toEqual({ _id: 2, n: 7 });
    expect(await col.findOneAndUpdate({ _id: 9 }, { $set: { n: 7 } })).toBeNull();
    expect(await col.findOneAndDelete({ _id: 1 })).toEqual({ _id: 1, n: 3 });
    expect(await col.findOneAndDelete({ _id: 1 })).toBeNull();
  });

  it('duplicate key: insertOne throws code 11000 and the connection stays usable and poolable', async () => {
    await col.insertOne({ _id: 'x' });
    const error = await col.insertOne({ _id: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 11000, codeName: 'DuplicateKey', writeErrors: [{ index: 0, code: 11000 }] });
    expect(await col.countDocuments()).toBe(1); // same connection, still in sync
  });

  it('a unique index: ordered insertMany stops at the first error, unordered reports every index', async () => {
    expect(await col.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    await col.insertOne({ email: 'taken' });
    const docs = [{ email: 'a' }, { email: 'taken' }, { email: 'b' }, { email: 'taken' }, { email: 'c' }];
    const ordered = (await col.insertMany(docs).catch((e: unknown) => e)) as MongoServerError;
    expect(ordered).toBeInstanceOf(MongoServerError);
    expect(ordered.writeErrors.map((e) => [e.index, e.code])).toEqual([[1, 11000]]);
    expect(ordered.result).toMatchObject({ insertedCount: 1 });
    expect(Object.keys(ordered.result?.insertedIds as object)).toEqual(['0']);
    expect(await col.countDocuments()).toBe(2);
    await col.deleteMany({ email: { $ne: 'taken' } });
    const unordered = (await col.insertMany(docs, { ordered: false }).catch((e: unknown) => e)) as MongoServerError;
    expect(unordered.writeErrors.map((e) => [e.index, e.code])).toEqual([
      [1, 11000],
      [3, 11000],
    ]);
    expect(unordered.result).toMatchObject({ insertedCount: 3 });
    expect(Object.keys(unordered.result?.insertedIds as object)).toEqual(['0', '2', '4']);
  });

  it('a command error (ok: 0) throws MongoServerError with code, codeName and errmsg; the connection survives', async () => {
    const error = (await db.command({ noSuchCommandAtAll: 1 }).catch((e: unknown) => e)) as MongoServerError;
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(59);
    expect(error.codeName).toBe('CommandNotFound');
    expect(error.errmsg).toMatch(/noSuchCommandAtAll/);
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('createIndex, listCollections, drop, db.command and dropDatabase', async () => {
    const other = db.collection('cats');
    await other.insertOne({ a: 1 });
    await col.insertOne({ a: 1 });
    const names = (await db.listCollections()).map((c) => c.name).sort();
    expect(names).toEqual(['cats', 'dogs']);
    expect(await other.drop()).toBe(true);
    await other.drop(); // a missing collection is fine
    expect((await db.listCollections({}, { nameOnly: true })).map((c) => c.name)).toEqual(['dogs']);
    const indexes = await db.command({ listIndexes: 'dogs', cursor: {} });
    expect(indexes.cursor.firstBatch.map((i: { name: string }) => i.name)).toContain('_id_');
    const scratch = conn.db(`${dbName}_scratch`);
    await scratch.collection('t').insertOne({ a: 1 });
    await scratch.dropDatabase();
    const dbs = await conn.db('admin').command({ listDatabases: 1, nameOnly: true });
    expect(dbs.databases.map((d: { name: string }) => d.name)).not.toContain(`${dbName}_scratch`);
  });
});

describeServer('mongo', 'resty-mongo pooling', (server) => {
  it('a pooled connection skips the handshake, keeps its limits and survives a server error', async () => {
    const pool = `rm-pool-${process.pid}`;
    const a = new Mongo();
    await a.connect(server.host, server.port, { pool });
    expect(a.getReusedTimes()).toBe(0);
    await expect(a.db('x').command({ noSuchCommandAtAll: 1 })).rejects.toBeInstanceOf(MongoServerError);
    await a.setKeepalive();
    const b = new Mongo();
    await b.connect(server.host, server.port, { pool });
    expect(b.getReusedTimes()).toBe(1);
    expect(b.helloReply).toBeUndefined(); // no second hello (client metadata may be sent once only)
    expect(b.limits.maxMessageSizeBytes).toBe(48_000_000);
    expect(await b.db('x').command({ ping: 1 })).toMatchObject({ ok: 1 });
    await b.close();
  });

  it('server limits live with the connection: kept on reuse without a hello; a connection pooled without a handshake has none', async () => {
    const pool = `rm-limits-${process.pid}`;
    /** A Mongo whose hello commands are counted. */
    const counted = (): { m: Mongo; hellos: () => number } => {
      const m = new Mongo();
      const original = m.command.bind(m);
      let hellos = 0;
      vi.spyOn(m, 'command').mockImplementation((name: string, cmd: Document, seqs) => {
        if (Object.keys(cmd)[0] === 'hello') hellos++;
        return original(name, cmd, seqs);
      });
      return { m, hellos: () => hellos };
    };
    const first = counted();
    await first.m.connect(server.host, server.port, { pool });
    expect(first.hellos()).toBe(1);
    const limits = { ...first.m.limits };
    expect(limits.maxWireVersion).toBeGreaterThanOrEqual(6); // the server's, not the defaults
    await first.m.close(); // its limits go with the connection

    // A fresh connection pooled under the same name by a plain socket: it never ran a hello.
    const raw = tcp();
    await raw.connect(server.host, server.port, { pool });
    await raw.setKeepalive();
    const second = counted();
    await second.m.connect(server.host, server.port, { pool });
    expect(second.m.getReusedTimes()).toBe(1);
    expect(second.hellos()).toBe(1); // nothing known about this connection: a plain hello
    expect(second.m.limits).toEqual(limits);
    await second.m.setKeepalive();

    const third = counted();
    await third.m.connect(server.host, server.port, { pool });
    expect(third.m.getReusedTimes()).toBe(2);
    expect(third.hellos()).toBe(0); // the connection kept what the last hello said
    expect(third.m.limits).toEqual(limits);
    expect(await third.m.db('x').command({ ping: 1 })).toMatchObject({ ok: 1 });
    await third.m.close();
    vi.restoreAllMocks();
  });

  it('the same object may connect again after setKeepalive and after close', async () => {
    const m = new Mongo();
    const pool = `rm-reconnect-${process.pid}`;
    await m.connect(server.host, server.port, { pool });
    await m.setKeepalive();
    await m.connect(server.host, server.port, { pool });
    expect(m.getReusedTimes()).toBe(1);
    await m.close();
    await m.connect(server.host, server.port, { pool });
    expect(m.getReusedTimes()).toBe(0);
    await m.close();
  });
});
