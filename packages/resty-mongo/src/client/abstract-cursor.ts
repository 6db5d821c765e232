import type { Document, Long } from 'bson';
import { cursorOptions } from '../collection-commands.js';
import { Cursor } from '../cursor.js';
import { MongoClientError } from '../errors.js';
import type { Db } from './db.js';

/** A transform added by `map`. */
export type Transform = (doc: unknown) => unknown;
/** "No document in hand" (a transform may return undefined). */
const NONE: unique symbol = Symbol('none in hand');

/**
 * The client layer's cursors (the driver's `AbstractCursor`): lazy (nothing is sent before the
 * first `next()`, `toArray()` or iteration), chainable until then, and never holding a
 * connection between batches: the opening command and each `getMore` lease one from the pool
 * (a cursor is not tied to its connection on MongoDB, nor on FerretDB while the connection that
 * opened it stays open, which a pooled connection does). The batches are the socket-level
 * `Cursor`'s, which kills the server cursor on `close()`, on `break`, and at the limit.
 */
export abstract class AbstractCursor<TSchema = Document> implements AsyncIterable<TSchema> {
  private inner: Cursor<unknown> | null = null;
  private transforms: Transform[] = [];
  private peeked: { doc: unknown } | null = null;
  private wasClosed = false;
  /** Documents per batch (`batchSize()`); 0: the server's default. */
  protected size = 0;

  protected constructor(
    /** The database the cursor's commands run on. */
    protected readonly database: Db,
  ) {}

  /** The command that opens the cursor. */
  protected abstract openingCommand(): Document;
  /** Its name, for errors. */
  protected abstract readonly openedBy: string;
  /** The overall limit of the cursor, if any. */
  protected limitOf(): number | undefined {
    return undefined;
  }

  /** The server's cursor id once the first batch came (`Long.ZERO` once exhausted). */
  get id(): Long | undefined {
    return this.inner?.cursorId ?? undefined;
  }

  /** Whether the cursor was closed (by `close()`, or by reaching its end). */
  get closed(): boolean {
    return this.wasClosed;
  }

  /** Documents per batch. */
  batchSize(size: number): this {
    this.throwIfStarted('batchSize');
    if (!Number.isSafeInteger(size) || size < 0) throw new TypeError(`batchSize must be an integer >= 0, got ${String(size)}`);
    this.size = size;
    return this;
  }

  /** The next document, or null at the end. */
  async next(): Promise<TSchema | null> {
    if (this.peeked !== null) {
      const { doc } = this.peeked;
      this.peeked = null;
      return doc as TSchema;
    }
    if (this.wasClosed) return null;
    const cursor = this.cursor();
    const raw = cursor.takeBuffered() ?? (await cursor.next());
    if (raw === null) {
      this.wasClosed = true;
      return null;
    }
    return this.transformed(raw);
  }

  /** The next document when one is in hand, without waiting; `NONE` when `next()` is needed. */
  private takeBuffered(): TSchema | typeof NONE {
    if (this.peeked !== null || this.inner === null) return NONE;
    const raw = this.inner.takeBuffered();
    return raw === undefined ? NONE : this.transformed(raw);
  }

  /** The next document, from the batch in hand when there is one. */
  private nextDocument(): TSchema | null | Promise<TSchema | null> {
    const doc = this.takeBuffered();
    return doc === NONE ? this.next() : doc;
  }

  private transformed(raw: unknown): TSchema {
    let doc = raw;
    for (const transform of this.transforms) doc = transform(doc);
    return doc as TSchema;
  }

  /** The next document, or null: this client has no tailable cursors, so the same as `next()`. */
  tryNext(): Promise<TSchema | null> {
    return this.next();
  }

  /** Whether `next()` will return a document (fetching a batch when needed). */
  async hasNext(): Promise<boolean> {
    if (this.peeked !== null) return true;
    const doc = await this.next();
    if (doc === null) return false;
    this.peeked = { doc };
    return true;
  }

  /** Every remaining document. */
  async toArray(): Promise<TSchema[]> {
    const out: TSchema[] = [];
    for (;;) {
      const doc = await this.nextDocument();
      if (doc === null) return out;
      out.push(doc);
    }
  }

  /** Calls `fn` on each document; returning `false` stops (and closes the cursor). */
  async forEach(fn: (doc: TSchema) => boolean | void | Promise<boolean | void>): Promise<void> {
    for (let doc = await this.next(); doc !== null; doc = await this.next()) {
      if ((await fn(doc)) === false) {
        await this.close();
        return;
      }
    }
  }

  /** `for await` over the documents; leaving the loop early kills the server cursor. */
  async *[Symbol.asyncIterator](): AsyncGenerator<TSchema, void, void> {
    try {
      for (let doc = await this.nextDocument(); doc !== null; doc = await this.nextDocument()) yield doc;
    } finally {
      await this.close();
    }
  }

  /** Kills the server cursor if it is still open; `next()` then returns null. Idempotent. */
  async close(): Promise<void> {
    this.wasClosed = true;
    this.peeked = null;
    await this.inner?.close();
  }

  /** Starts over: the next `next()` runs the opening command again (the server cursor, if open, is killed). */
  rewind(): void {
    const old = this.inner;
    this.inner = null;
    this.peeked = null;
    this.wasClosed = false;
    if (old !== null) void old.release();
  }

  /** Adds a transform of each document; typed by the subclasses' `map`. */
  protected addTransform(fn: Transform): void {
    this.throwIfStarted('map');
    this.transforms.push(fn);
  }

  protected throwIfStarted(method: string): void {
    if (this.inner !== null) {
      throw new MongoClientError(`cannot call ${method}() on a cursor that already started`, {
        address: this.database.client.address,
        command: method,
      });
    }
  }

  private cursor(): Cursor<unknown> {
    if (this.inner !== null) return this.inner;
    const host = this.database.cursorHost();
    const cmd = this.openingCommand();
    const name = typeof cmd[this.openedBy] === 'string' ? (cmd[this.openedBy] as string) : '';
    const options = cursorOptions({ batchSize: this.size, limit: this.limitOf() });
    this.inner = new Cursor<unknown>(host, name, () => host.command(cmd), options, this.openedBy);
    return this.inner;
  }
}
