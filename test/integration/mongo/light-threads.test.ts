// Per-name isolation: light threads with named() each get their own connection; two threads
// sharing one connection get `socket busy` instead of a desynchronised stream.
import { named, spawn, waitAll, withContext, wait } from 'cosocket';
import { CosocketError, Mongo, type Database } from 'resty-mongo';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';

describeServer('mongo', 'resty-mongo light threads', (server) => {
  const dbName = `rm_threads_${process.pid}`;
  const pool = `rm-threads-${process.pid}`;
  const open = async (): Promise<Mongo> => {
    const m = new Mongo();
    m.setTimeout(10_000);
    await m.connect(server.host, server.port, { pool });
    return m;
  };
  let setup: Mongo;

  beforeAll(async () => {
    setup = await open();
    const col = setup.db(dbName).collection('items');
    await col.drop();
    await col.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i })));
  });
  afterAll(async () => {
    await setup.db(dbName).dropDatabase();
    await setup.close();
  });

  it("two concurrent light threads using named('a') and named('b') in one context each get their own connection", async () => {
    const result = await withContext(async () => {
      const work = async (name: string, tag: string) => {
        const conn = await named(name, open);
        const again = await named(name, open);
        expect(again).toBe(conn); // same name, same thread: same connection
        const col = conn.db(dbName).collection(`by_${tag}`);
        await col.drop();
        let seen = 0;
        // Interleaved cursors and writes: would fail with `socket busy` if the threads shared one.
        for await (const _ of conn.db(dbName).collection('items').find({}, { batchSize: 5 })) {
          if (++seen % 20 === 0) await col.insertOne({ seen });
        }
        return { conn, seen, written: await col.countDocuments() };
      };
      const a = spawn(work, 'a', 'a');
      const b = spawn(work, 'b', 'b');
      return waitAll(a, b);
    });
    const [ra, rb] = result;
    expect(ra.seen).toBe(200);
    expect(rb.seen).toBe(200);
    expect(ra.written).toBe(10);
    expect(rb.written).toBe(10);
    expect(ra.conn).not.toBe(rb.conn);
    // The context ended: both connections went back to the pool (setKeepalive), reusable.
    const reused = await open();
    expect(reused.getReusedTimes()).toBeGreaterThan(0);
    await reused.close();
  });

  it('two light threads sharing ONE connection: the second fails with socket busy, the first is unharmed', async () => {
    await withContext(async () => {
      const shared = await open();
      const db: Database = shared.db(dbName);
      // The first thread makes ~200 round trips; the second starts in the middle of them, when
      // the first is waiting for a reply (the server's time dominates each round trip).
      const first = spawn(() => db.collection('items').find({}, { batchSize: 1 }).toArray());
      const second = spawn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return db.collection('items').countDocuments();
      });
      const error = await wait(second).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CosocketError);
      expect((error as CosocketError).code).toMatch(/^socket busy/);
      const docs = await first;
      expect(docs).toHaveLength(200);
      // Still in sync after the refused call.
      expect(await db.collection('items').countDocuments()).toBe(200);
      await shared.setKeepalive();
    });
  });
});
