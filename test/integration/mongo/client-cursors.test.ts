// MongoClient's cursors: laziness, chaining, limits and batches, map/hasNext/forEach/rewind,
// what a started cursor refuses, and the errors of their commands.
import { MongoClient, MongoClientError, MongoServerError } from 'resty-mongo';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';

interface Item {
  _id: number;
  n: number;
  even: boolean;
}

describeServer('mongo', 'MongoClient cursors', (server) => {
  const dbName = `rm_client_cursors_${process.pid}`;
  const client = new MongoClient(`${server.url}/${dbName}`);
  const items = client.db().collection<Item>('items');
  /** How many of each command the client sent, by lease operation name. */
  const counts = (): Record<string, number> => ({ ...sent });
  const sent: Record<string, number> = {};
  const run = client.run.bind(client);
  client.run = (operation, fn) => {
    sent[operation] = (sent[operation] ?? 0) + 1;
    return run(operation, fn);
  };

  beforeAll(async () => {
    await items.drop();
    await items.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, n: i, even: i % 2 === 0 })));
  });
  afterAll(async () => {
    await client.db().dropDatabase();
    await client.close();
  });

  it('is lazy: nothing is sent until the first document is asked for', async () => {
    const before = counts();
    const cursor = items.find({ even: true }).sort({ n: -1 }).limit(3);
    expect(counts()).toEqual(before);
    expect(await cursor.next()).toEqual({ _id: 48, n: 48, even: true });
    expect(counts().find).toBe((before.find ?? 0) + 1);
    await cursor.close();
  });

  it('limit with batchSize: getMore asks only for what is left, and the cursor is closed at the limit', async () => {
    const before = counts();
    const cursor = items.find({}).sort({ _id: 1 }).batchSize(4).limit(10);
    expect((await cursor.toArray()).map((d) => d._id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(cursor.closed).toBe(true);
    expect(cursor.id?.isZero()).toBe(true);
    expect(counts().getMore).toBe((before.getMore ?? 0) + 2); // 4 + 4 + 2
    // A negative limit: one batch of that many.
    expect(await items.find({}).limit(-7).toArray()).toHaveLength(7);
  });

  it('map (even to undefined), hasNext, next, tryNext, forEach, rewind', async () => {
    const mapped = items
      .find({ n: { $lt: 4 } })
      .sort({ n: 1 })
      .map((d) => (d.even ? d.n * 10 : undefined));
    expect(await mapped.toArray()).toEqual([0, undefined, 20, undefined]);

    const c = items.find({ n: { $lt: 2 } }).sort({ n: 1 });
    expect(await c.hasNext()).toBe(true);
    expect(await c.hasNext()).toBe(true);
    expect((await c.next())?.n).toBe(0);
    expect((await c.tryNext())?.n).toBe(1);
    expect(await c.hasNext()).toBe(false);
    expect(await c.next()).toBeNull();
    c.rewind();
    expect((await c.toArray()).map((d) => d.n)).toEqual([0, 1]);

    const seen: number[] = [];
    const f = items.find({}).sort({ n: 1 }).batchSize(3);
    await f.forEach((d) => {
      seen.push(d.n);
      return d.n < 4;
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(f.closed).toBe(true);
  });

  it('a started cursor refuses to be changed, synchronously, with MongoClientError', async () => {
    const c = items.find({});
    await c.next();
    expect(() => c.sort({ n: 1 })).toThrow(MongoClientError);
    expect(() => c.limit(1)).toThrow(/cannot call limit\(\) on a cursor that already started/);
    expect(() => c.map((d) => d)).toThrow(MongoClientError);
    await c.close();
    expect(await c.next()).toBeNull();
  });

  it('aggregate: stages added by chaining; listCollections and listIndexes are cursors', async () => {
    const odd = await items
      .aggregate<{ n: number }>([{ $match: { even: false } }])
      .sort({ n: -1 })
      .limit(2)
      .project<{ n: number }>({ _id: 0, n: 1 })
      .toArray();
    expect(odd).toEqual([{ n: 49 }, { n: 47 }]);
    const grouped = await items
      .aggregate()
      .group<{ _id: boolean; total: number }>({ _id: '$even', total: { $sum: '$n' } })
      .sort({ _id: 1 })
      .toArray();
    expect(grouped).toEqual([
      { _id: false, total: 625 },
      { _id: true, total: 600 },
    ]);
    const names = await client
      .db()
      .listCollections({}, { nameOnly: true, batchSize: 1 })
      .map((c) => c.name)
      .toArray();
    expect(names).toContain('items');
    expect(
      await items
        .listIndexes()
        .map((i) => i.name as string)
        .toArray(),
    ).toEqual(['_id_']);
  });

  it("a cursor command's server error names its address and command", async () => {
    const error = await items
      .find({ n: { $bogus: 1 } } as never)
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ address: `${server.host}:${server.port}`, command: 'find' });
  });
});
