// One MongoClient shared by many concurrent callers: the pool's hard cap, the wait queue and its
// timeout, cursors that hold no connection between batches, and close().
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { POOL_CHANNEL, poolStats, withContext, type PoolEvent } from 'cosocket';
import { CosocketError, MongoClient } from 'resty-mongo';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';

/**
 * Sockets of this process connected to `port` (Linux: /proc/self/fd against /proc/net/tcp{,6}):
 * what the server sees of this process, since FerretDB's serverStatus has no `connections`.
 */
function socketsTo(port: number): number | undefined {
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // remote address is column 2 (ip:port), state column 3 (01 = ESTABLISHED), inode column 9
      if (cols.length > 9 && cols[2]!.endsWith(`:${hexPort}`) && cols[3] === '01' && inodes.has(cols[9]!)) n++;
    }
  }
  return n;
}

describeServer('mongo', 'MongoClient pool', (server) => {
  const dbName = `rm_client_pool_${process.pid}`;
  const url = `${server.url}/${dbName}`;
  const setup = new MongoClient(url);

  beforeAll(async () => {
    const items = setup.db().collection('items');
    await items.drop();
    await setup.db().collection('shared').drop();
    await items.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i, n: i })));
  });
  afterAll(async () => {
    await setup.db().dropDatabase();
    await setup.close();
  });

  it('500 concurrent callers share one client: no error, never more than maxPoolSize connections open', { timeout: 60_000 }, async () => {
    const maxPoolSize = 8;
    const client = new MongoClient(url, { maxPoolSize });
    const name = client.poolName;
    let peakOpen = 0;
    const watch = (message: unknown) => {
      if ((message as PoolEvent).pool === name) peakOpen = Math.max(peakOpen, poolStats()[name]?.open ?? 0);
    };
    subscribe(POOL_CHANNEL, watch);
    let peakSockets = 0;
    const sampler = setInterval(() => (peakSockets = Math.max(peakSockets, socketsTo(server.port) ?? 0)), 2);
    const baseline = socketsTo(server.port) ?? 0;
    try {
      const col = client.db().collection<{ _id?: unknown; caller: number; step?: number }>('shared');
      const items = client.db().collection<{ _id: number; n: number }>('items');
      const results = await Promise.allSettled(
        Array.from({ length: 500 }, async (_, caller) => {
          const { insertedId } = await col.insertOne({ caller });
          await col.updateOne({ _id: insertedId }, { $set: { step: 1 } });
          const doc = await col.findOne({ _id: insertedId });
          if (doc?.step !== 1) throw new Error(`caller ${caller} read ${JSON.stringify(doc)}`);
          if (caller % 25 === 0) {
            // A cursor of several batches: each getMore leases a connection of its own.
            let seen = 0;
            for await (const _ of items.find({}).batchSize(3)) seen++;
            if (seen !== 20) throw new Error(`caller ${caller} iterated ${seen}`);
          }
          return caller;
        }),
      );
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(failures).toEqual([]);
      expect(await col.countDocuments()).toBe(500);
      expect(peakOpen).toBeGreaterThan(1);
      expect(peakOpen).toBeLessThanOrEqual(maxPoolSize);
      if (socketsTo(server.port) !== undefined) expect({ peakSockets, baseline }).toSatisfy(() => peakSockets - baseline <= maxPoolSize);
    } finally {
      clearInterval(sampler);
      unsubscribe(POOL_CHANNEL, watch);
      await client.close();
    }
    expect(poolStats()[name]?.open ?? 0).toBe(0);
  });

  it('request contexts (withContext, as HTTP handlers run) share one client; connections outlive the contexts that used them', async () => {
    const client = new MongoClient(url, { maxPoolSize: 4 });
    try {
      const items = client.db().collection<{ _id: number; n: number }>('items');
      const handler = (k: number) =>
        withContext(async () => {
          const doc = await items.findOne({ _id: k % 20 });
          let seen = 0;
          for await (const _ of items.find({ n: { $lt: 6 } }).batchSize(2)) seen++;
          return (doc?.n ?? -1) + seen * 100;
        });
      const results = await Promise.all(Array.from({ length: 60 }, (_, k) => handler(k)));
      expect(results).toEqual(Array.from({ length: 60 }, (_, k) => (k % 20) + 600));
      const reused = poolStats()[client.poolName]!;
      expect(reused.open).toBeGreaterThan(0); // pooled, not closed when their contexts ended
      expect(reused.open).toBeLessThanOrEqual(4);
      expect(await handler(3)).toBe(603);
      expect(poolStats()[client.poolName]!.created).toBe(reused.created);
    } finally {
      await client.close();
    }
  });

  it('a for-await body holds no connection: with maxPoolSize 1 it can run other operations; getMore goes over pooled connections', async () => {
    const client = new MongoClient(url, { maxPoolSize: 1, waitQueueTimeoutMS: 2000 });
    try {
      const items = client.db().collection<{ _id: number; n: number }>('items');
      const seen: number[] = [];
      const cursor = items.find({}).sort({ _id: 1 }).batchSize(4);
      for await (const doc of cursor) {
        seen.push(doc._id);
        // Would wait out waitQueueTimeoutMS if the cursor kept the only connection.
        expect((await items.findOne({ _id: doc._id }))?.n).toBe(doc._id);
      }
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(cursor.closed).toBe(true);
      // Stopping early kills the server cursor (a later getMore of that id would fail).
      const early = items.find({}).batchSize(2);
      for await (const _ of early) break;
      expect(early.closed).toBe(true);
      expect(early.id?.isZero()).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('a caller that cannot get a connection within waitQueueTimeoutMS rejects with code timeout, naming where and the operation', async () => {
    const client = new MongoClient(url, { maxPoolSize: 1, waitQueueTimeoutMS: 150 });
    try {
      await client.connect();
      let release!: () => void;
      const held = client.run('hold', () => new Promise<void>((resolve) => (release = resolve)));
      const error = await client
        .db()
        .collection('items')
        .findOne({})
        .catch((e: unknown) => e);
      release();
      await held;
      expect(error).toBeInstanceOf(CosocketError);
      expect(error).toMatchObject({ code: 'timeout', address: `${server.host}:${server.port}`, command: 'find' });
      expect((error as Error).message).toMatch(/no free connection within 150 ms.*\(127\.0\.0\.1:\d+, find\)$/);
      expect(await client.db().collection('items').countDocuments()).toBe(20);
    } finally {
      await client.close();
    }
  });

  it('close(): idempotent, lets operations in flight finish, rejects waiting and later ones with code closed, closes every connection', async () => {
    const client = new MongoClient(url, { maxPoolSize: 2 });
    const items = client.db().collection('items');
    await client.connect();
    const name = client.poolName;
    const inFlight = Array.from({ length: 6 }, (_, i) => items.findOne({ _id: i }));
    const closing = [client.close(), client.close()];
    const outcomes = await Promise.allSettled(inFlight);
    await Promise.all(closing);
    // The two leased at once finished; the four waiting for a connection were refused.
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) expect(o.reason).toMatchObject({ code: 'closed' });
    expect(poolStats()[name]?.open ?? 0).toBe(0);
    await client.close();

    const later = await items.findOne({}).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(CosocketError);
    expect(later).toMatchObject({ code: 'closed', command: 'find', address: `${server.host}:${server.port}` });
    expect((later as Error).message).toMatch(/the client was closed/);
    await expect(client.connect()).rejects.toMatchObject({ code: 'closed' });
    await expect(items.find({}).toArray()).rejects.toMatchObject({ code: 'closed' });
    // Promise-returning methods reject, never throw: even with a bad argument after close.
    const rejected = items.insertMany([]);
    expect(rejected).toBeInstanceOf(Promise);
    await expect(rejected).rejects.toBeInstanceOf(Error);
  });
});
