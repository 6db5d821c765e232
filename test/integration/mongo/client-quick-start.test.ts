// The official driver's README "Quick Start", as the driver writes it, with only the import line
// changed (and the URL and database name, which are this harness's): it must run against
// FerretDB and print what the driver's would. console.log is captured to check what it printed.
import { MongoClient, MongoServerError, ObjectId } from 'resty-mongo';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { describeServer } from '../../servers/index.js';

describeServer('mongo', 'MongoClient: the official driver quick start', (server) => {
  const url = server.url;
  const dbName = `myProject_${process.pid}`;
  let printed: unknown[][];

  beforeEach(() => {
    printed = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    const cleanup = new MongoClient(url);
    await cleanup.db(dbName).dropDatabase();
    await cleanup.close();
  });

  it('connects, inserts, finds, updates, removes and indexes, as in the README', async () => {
    const client = new MongoClient(url);

    async function main() {
      // Use connect method to connect to the server
      await client.connect();
      console.log('Connected successfully to server');
      const db = client.db(dbName);
      const collection = db.collection('documents');

      const insertResult = await collection.insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
      console.log('Inserted documents =>', insertResult);

      const findResult = await collection.find({}).toArray();
      console.log('Found documents =>', findResult);

      const filteredDocs = await collection.find({ a: 3 }).toArray();
      console.log('Found documents filtered by { a: 3 } =>', filteredDocs);

      const updateResult = await collection.updateOne({ a: 3 }, { $set: { b: 1 } });
      console.log('Updated documents =>', updateResult);

      const deleteResult = await collection.deleteMany({ a: 3 });
      console.log('Deleted documents =>', deleteResult);

      const indexName = await collection.createIndex({ a: 1 });
      console.log('index name =', indexName);

      return 'done.';
    }

    const outcome = await main()
      .then((r) => r)
      .finally(() => client.close());
    expect(outcome).toBe('done.');

    const [connected, inserted, found, filtered, updated, deleted, index] = printed;
    expect(connected).toEqual(['Connected successfully to server']);
    const insertResult = inserted![1] as { acknowledged: boolean; insertedCount: number; insertedIds: Record<number, ObjectId> };
    expect(insertResult.acknowledged).toBe(true);
    expect(insertResult.insertedCount).toBe(3);
    expect(Object.keys(insertResult.insertedIds)).toEqual(['0', '1', '2']);
    expect(insertResult.insertedIds[0]).toBeInstanceOf(ObjectId);
    expect(found![1]).toEqual([1, 2, 3].map((a, i) => ({ _id: insertResult.insertedIds[i], a })));
    expect(filtered![1]).toEqual([{ _id: insertResult.insertedIds[2], a: 3 }]);
    expect(updated![1]).toEqual({ acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    expect(deleted![1]).toEqual({ acknowledged: true, deletedCount: 1 });
    expect(index).toEqual(['index name =', 'a_1']);
    expect(client.closed).toBe(true);
  });

  it('error handling, as in the README: a duplicate key is a MongoServerError', async () => {
    const client = new MongoClient(`${url}/${dbName}`);
    await client.connect();
    const collection = client.db().collection('collection');

    let caught: unknown;
    try {
      await collection.insertOne({ _id: 1 });
      await collection.insertOne({ _id: 1 }); // duplicate key error
    } catch (error) {
      if (error instanceof MongoServerError) {
        console.log(`Error worth logging: ${String(error)}`); // special case for some reason
      }
      caught = error;
    } finally {
      await client.close();
    }
    expect(caught).toBeInstanceOf(MongoServerError);
    expect(caught).toMatchObject({ code: 11000, codeName: 'DuplicateKey', command: 'insert', address: `${server.host}:${server.port}` });
    expect(String(printed[0]?.[0])).toMatch(/^Error worth logging: MongoServerError: E11000 duplicate key/);
  });
});
