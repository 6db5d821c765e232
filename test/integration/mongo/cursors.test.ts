// Cursors across many getMore batches, Long ids, early close and cleanup before pooling.
import { Long, Mongo, MongoServerError, type DatabaseCollection as Collection, type Database, type Document } from 'resty-mongo';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeServer } from '../../servers/index.js';
import { ownDatabase } from './helpers.js';

describeServer('mongo', 'resty-mongo cursors', (server) => {
  let db: Database;
  const dbName = ownDatabase(server, 'rm_cursor', 10_000, (_conn, d) => {
    db = d;
  });
  let col: Collection;

  beforeAll(async () => {
    col = db.collection('numbers');
    await col.drop();
    await col.insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: i, i, even: i % 2 === 0 })));
  });

  /** Counts the commands of each name that go through `db`. */
  function watch(target: Database): { counts: Record<string, number>; ids: unknown[] } {
    const seen = { counts: {} as Record<string, number>, ids: [] as unknown[] };
    const original = target.command.bind(target);
    vi.spyOn(target, 'command').mockImplementation((doc: Document) => {
      const name = Object.keys(doc)[0]!;
      seen.counts[name] = (seen.counts[name] ?? 0) + 1;
      if (name === 'getMore') seen.ids.push(doc.getMore);
      return original(doc);
    });
    return seen;
  }

  it('iterates 1,000 documents with batchSize 10 over ~100 getMore batches, ids sent as Long', async () => {
    const seen = watch(db);
    const cursor = col.find({}, { batchSize: 10, sort: { i: 1 } });
    let expected = 0;
    for await (const doc of cursor) {
      expect(doc.i).toBe(expected++);
      if (expected === 1) expect(cursor.cursorId).toBeInstanceOf(Long);
    }
    expect(expected).toBe(1000);
    expect(seen.counts.find).toBe(1);
    expect(seen.counts.getMore).toBeGreaterThanOrEqual(99);
    // FerretDB's small ids come back as JS numbers from bson: they must go out as int64.
    for (const id of seen.ids) expect(id).toBeInstanceOf(Long);
    expect(cursor.cursorId?.isZero()).toBe(true);
    vi.restoreAllMocks();
  });

  it('toArray, filters, projection, skip and limit across batches', async () => {
    const evens = await col.find({ even: true }, { batchSize: 7, projection: { _id: 0, i: 1 }, sort: { i: 1 } }).toArray();
    expect(evens).toHaveLength(500);
    expect(evens[0]).toEqual({ i: 0 });
    const page = await col.find({}, { sort: { i: 1 }, skip: 100, limit: 25, batchSize: 10 }).toArray();
    expect(page.map((d) => d.i)).toEqual(Array.from({ length: 25 }, (_, k) => 100 + k));
    const single = await col.find({}, { limit: -5, batchSize: 2 }).toArray();
    expect(single).toHaveLength(5);
  });

  it('cursor.close() early kills the server cursor (a later getMore gets CursorNotFound)', async () => {
    const seen = watch(db);
    const cursor = col.find({}, { batchSize: 10 });
    for (let k = 0; k < 15; k++) expect(await cursor.next()).not.toBeNull();
    const id = cursor.cursorId!;
    expect(id.isZero()).toBe(false);
    await cursor.close();
    expect(seen.counts.killCursors).toBe(1);
    expect(await cursor.next()).toBeNull();
    vi.restoreAllMocks();
    const error = await db.command({ getMore: id, collection: 'numbers' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(43);
  });

  it('breaking out of for-await kills the cursor too', async () => {
    const seen = watch(db);
    const cursor = col.find({}, { batchSize: 10 });
    let n = 0;
    for await (const _ of cursor) if (++n === 25) break;
    expect(seen.counts.killCursors).toBe(1);
    vi.restoreAllMocks();
  });

  it('aggregate returns a cursor; countDocuments goes through aggregate', async () => {
    const seen = watch(db);
    const groups = await col
      .aggregate([{ $match: { i: { $lt: 100 } } }, { $group: { _id: '$even', n: { $sum: 1 } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(groups).toEqual([
      { _id: false, n: 50 },
      { _id: true, n: 50 },
    ]);
    const all = await col.aggregate([{ $sort: { i: -1 } }], { batchSize: 50 }).toArray();
    expect(all).toHaveLength(1000);
    expect(await col.countDocuments({ even: false })).toBe(500);
    expect(seen.counts.aggregate).toBe(3);
    vi.restoreAllMocks();
  });

  it('setKeepalive kills the open cursors of the connection before pooling it', async () => {
    const pool = `rm-cursor-pool-${process.pid}`;
    const m = new Mongo();
    await m.connect(server.host, server.port, { pool });
    const mdb = m.db(dbName);
    const seen = watch(mdb);
    const cursor = mdb.collection('numbers').find({}, { batchSize: 5 });
    await cursor.next();
    expect(cursor.cursorId?.isZero()).toBe(false);
    await m.setKeepalive();
    expect(seen.counts.killCursors).toBe(1);
    vi.restoreAllMocks();
    const again = new Mongo();
    await again.connect(server.host, server.port, { pool });
    expect(again.getReusedTimes()).toBe(1);
    await again.close();
  });
});
