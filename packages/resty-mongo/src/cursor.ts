import { Long, type Document } from 'bson';
import { locateError } from 'cosocket';
import type { ConnectionResource } from './client.js';
import { MongoClientError, MongoProtocolError } from './errors.js';

/** A cursor id as the server sent it: a number when bson promoted it, a Long or a bigint. */
function toLong(id: unknown): Long {
  if (Long.isLong(id)) return id;
  if (typeof id === 'number') return Long.fromNumber(id);
  if (typeof id === 'bigint') return Long.fromBigInt(id);
  throw new MongoProtocolError(`cursor id of unexpected type ${typeof id}`);
}

/** The collection part of a namespace (`db.coll` → `coll`, `db.$cmd.listCollections` → `$cmd.listCollections`). */
function collectionOf(ns: unknown, fallback: string): string {
  if (typeof ns !== 'string') return fallback;
  const dot = ns.indexOf('.');
  return dot === -1 ? fallback : ns.slice(dot + 1);
}

/**
 * Where a cursor sends its commands (getMore, killCursors): a socket-level `Database` (one
 * connection, which tracks the cursor so that it is killed before the connection is pooled), or
 * the client layer (a pooled connection per command; nothing to track).
 */
export interface CursorHost {
  /** `host:port` or `unix:/path`, named by errors. */
  readonly address: string | undefined;
  /** Runs a command on the cursor's database. */
  command(cmd: Document): Promise<Document>;
  /** Whether a killCursors can still reach the server (false once the connection or client is closed). */
  readonly reachable: boolean;
  /** Notes that `cursor` is open on the server (`open`), or no longer is. */
  track(cursor: ConnectionResource, open: boolean): void;
}

/** Options of a cursor (`find` passes its own). */
export interface CursorOptions {
  /** Documents per getMore. */
  batchSize?: number;
  /** The most documents to return overall (the server knows it too; see `next`). */
  limit?: number;
}

/**
 * A server cursor: the first batch comes from the command that opened it (`find`,
 * `aggregate`, `listCollections`), later ones from `getMore`. The id is kept as a `Long`,
 * because FerretDB's small ids come back from bson as plain numbers, which would go back out
 * as int32 and be refused. Closing early sends `killCursors`. On a socket-level `Database` the
 * cursor is pinned to its connection, which kills its open cursors before it returns to the pool
 * (FerretDB kills a cursor when the connection that opened it closes).
 */
export class Cursor<T = Document> implements AsyncIterable<T>, ConnectionResource {
  private batch: T[] = [];
  private index = 0;
  private id: Long | null = null;
  private collectionName: string;
  private returned = 0;
  private started = false;
  private closed = false;

  /**
   * `open` runs the command that opens the cursor (`openedBy` names it in errors about its
   * reply: `find`, `aggregate`, ...).
   */
  constructor(
    private readonly db: CursorHost,
    collectionName: string,
    private readonly open: (() => Promise<Document>) | null,
    private readonly options: CursorOptions = {},
    private readonly openedBy = 'find',
  ) {
    this.collectionName = collectionName;
  }

  /** A cursor over a reply that already holds `cursor.firstBatch` (the reply to `openedBy`). */
  static fromReply<T = Document>(db: CursorHost, collectionName: string, reply: Document, options: CursorOptions = {}, openedBy = 'find'): Cursor<T> {
    const cursor = new Cursor<T>(db, collectionName, null, options, openedBy);
    cursor.accept(reply, 'firstBatch');
    return cursor;
  }

  /** The server's cursor id (`Long.ZERO` once exhausted; null before the first batch). */
  get cursorId(): Long | null {
    return this.id;
  }

  /** The next document, or null at the end. */
  async next(): Promise<T | null> {
    if (this.closed) return null;
    if (!this.started) {
      if (this.open === null)
        throw new MongoClientError('this cursor has no command to open it (use col.find() or col.aggregate())', {
          address: this.db.address,
          command: this.openedBy,
        });
      this.accept(await this.open(), 'firstBatch');
    }
    while (this.index >= this.batch.length) {
      if (this.id === null || this.id.isZero() || this.limitReached()) {
        await this.close();
        return null;
      }
      await this.getMore();
    }
    const doc = this.batch[this.index]!;
    this.batch[this.index++] = undefined as T;
    this.returned++;
    // At an exact limit the server may still hold the cursor open: kill it now.
    if (this.limitReached() && this.index >= this.batch.length) await this.close();
    return doc;
  }

  /**
   * The next document of the batch in hand, without waiting, or undefined when the next one
   * needs `next()`: none in hand, or the batch's last (after which `next()` may have to send a
   * getMore or a killCursors), or the last within the limit.
   */
  takeBuffered(): T | undefined {
    if (this.index + 1 >= this.batch.length) return undefined;
    const limit = this.options.limit;
    if (limit !== undefined && limit > 0 && this.returned + 1 >= limit) return undefined;
    const doc = this.batch[this.index]!;
    this.batch[this.index++] = undefined as T;
    this.returned++;
    return doc;
  }

  /** Every remaining document. */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for (;;) {
      const doc = this.takeBuffered() ?? (await this.next());
      if (doc === null) return out;
      out.push(doc);
    }
  }

  /** `for await` over the documents; leaving the loop early kills the server cursor. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      for (let doc = this.takeBuffered() ?? (await this.next()); doc !== null; doc = this.takeBuffered() ?? (await this.next())) yield doc;
    } finally {
      // `break` out of for-await lands here: kill the server cursor.
      if (!this.closed) await this.close();
    }
  }

  /**
   * Kills the server cursor if it is still open; further `next()` calls return null.
   * Idempotent, and it resolves when the connection is already closed (the cursor cannot be
   * reached there any more), so `finally { await cursor.close() }` never hides the error that
   * closed the connection.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.batch = [];
    this.index = 0;
    this.db.track(this, false);
    const id = this.id;
    if (id === null || id.isZero()) return;
    this.id = Long.ZERO;
    if (this.db.reachable) await this.db.command({ killCursors: this.collectionName, cursors: [id] });
  }

  /** ConnectionResource: best-effort kill before the connection is pooled. */
  async release(): Promise<void> {
    try {
      await this.close();
    } catch {
      // The connection failed: it is closed and will not be pooled anyway.
    }
  }

  private limitReached(): boolean {
    const limit = this.options.limit;
    return limit !== undefined && limit > 0 && this.returned >= limit;
  }

  private async getMore(): Promise<void> {
    const cmd: Document = { getMore: this.id, collection: this.collectionName };
    let size = this.options.batchSize;
    const limit = this.options.limit;
    if (limit !== undefined && limit > 0) size = Math.min(size ?? limit - this.returned, limit - this.returned);
    if (size !== undefined && size > 0) cmd.batchSize = size;
    this.accept(await this.db.command(cmd), 'nextBatch');
  }

  /** Takes a batch from the reply; a reply without one names its address and command. */
  private accept(reply: Document, field: 'firstBatch' | 'nextBatch'): void {
    try {
      this.takeBatch(reply, field);
    } catch (error) {
      throw locateError(error, this.db.address, field === 'firstBatch' ? this.openedBy : 'getMore');
    }
  }

  private takeBatch(reply: Document, field: 'firstBatch' | 'nextBatch'): void {
    const cursor = reply.cursor as Document | undefined;
    if (cursor === undefined || typeof cursor !== 'object') throw new MongoProtocolError('reply has no cursor document');
    const docs = cursor[field] as unknown;
    if (!Array.isArray(docs)) throw new MongoProtocolError(`cursor reply has no ${field}`);
    this.started = true;
    this.id = toLong(cursor.id);
    if (field === 'firstBatch') this.collectionName = collectionOf(cursor.ns, this.collectionName);
    this.batch = docs as T[];
    this.index = 0;
    this.db.track(this, !this.id.isZero());
  }
}
