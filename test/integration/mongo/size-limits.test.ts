// Size limits: oversized documents are refused before sending; near-16 MiB documents
// round-trip; insertMany splits batches by message size and by maxWriteBatchSize.
import { Mongo, MongoSizeError, type Database, type Document } from 'resty-mongo';
import { expect, it, vi } from 'vitest';
import { describeServer } from '../../servers/index.js';
import { ownDatabase } from './helpers.js';

const MiB = 1024 * 1024;

describeServer('mongo', 'resty-mongo size limits', (server) => {
  let conn: Mongo;
  let db: Database;
  ownDatabase(server, 'rm_size', 60_000, (c, d) => {
    conn = c;
    db = d;
  });

  /** Counts the write commands sent through the connection. */
  function countCommands(): Record<string, number> {
    const counts: Record<string, number> = {};
    const original = conn.command.bind(conn);
    vi.spyOn(conn, 'command').mockImplementation((name: string, cmd: Document, seqs) => {
      const key = Object.keys(cmd)[0]!;
      counts[key] = (counts[key] ?? 0) + 1;
      return original(name, cmd, seqs);
    });
    return counts;
  }

  it('a document above maxBsonObjectSize is refused before sending; the connection stays usable', async () => {
    const col = db.collection('big');
    const counts = countCommands();
    const tooBig = { _id: 1, blob: Buffer.alloc(16 * MiB) }; // 16 MiB payload + envelope
    const error = await col.insertOne(tooBig).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoSizeError);
    expect((error as MongoSizeError).limit).toBe(16 * MiB);
    expect((error as MongoSizeError).size).toBeGreaterThan(16 * MiB);
    const huge = await col.insertOne({ blob: Buffer.alloc(20 * MiB) }).catch((e: unknown) => e); // beyond bson's scratch buffer
    expect(huge).toBeInstanceOf(MongoSizeError);
    expect(counts.insert).toBeUndefined(); // nothing was sent
    vi.restoreAllMocks();
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('a document just under 16 MiB round-trips', async () => {
    const col = db.collection('near');
    const blob = Buffer.alloc(16 * MiB - 1024, 7);
    blob[12345] = 1;
    await col.insertOne({ _id: 'near', blob });
    const got = await col.findOne({ _id: 'near' });
    const bytes = Buffer.from((got?.blob as { buffer: Uint8Array }).buffer);
    expect(bytes.length).toBe(blob.length);
    expect(bytes.equals(blob)).toBe(true);
  });

  it('insertMany splits by maxMessageSizeBytes (four 15 MiB documents, 48 MB cap)', async () => {
    const col = db.collection('split');
    const counts = countCommands();
    const docs = Array.from({ length: 4 }, (_, i) => ({ _id: i, blob: Buffer.alloc(15 * MiB, i) }));
    const result = await col.insertMany(docs);
    expect(result.insertedCount).toBe(4);
    expect(counts.insert).toBe(2); // 3 × 15 MiB fit under 48,000,000 bytes, the 4th does not
    vi.restoreAllMocks();
    expect(await col.countDocuments()).toBe(4);
  });

  it('insertMany splits by maxWriteBatchSize (100,001 documents → 2 commands)', async () => {
    const col = db.collection('many');
    const counts = countCommands();
    const docs = Array.from({ length: conn.limits.maxWriteBatchSize + 1 }, (_, i) => ({ _id: i }));
    const result = await col.insertMany(docs, { ordered: false });
    expect(result.insertedCount).toBe(docs.length);
    expect(counts.insert).toBe(2);
    vi.restoreAllMocks();
    expect(await col.countDocuments()).toBe(docs.length);
  }, 120_000);
});
