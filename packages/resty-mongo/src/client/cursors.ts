import type { Document, Long } from 'bson';
import { aggregateCommand, cursorOptions, findCommand, type AggregateOptions } from '../collection-commands.js';
import { Cursor, type CursorHost } from '../cursor.js';
import { MongoClientError } from '../errors.js';
import type { Db } from './db.js';
import type { FindOptions } from './options.js';
import type { Sort, SortDirection } from './schema.js';
import { formatSort } from './sort.js';

/** A transform added by `map`. */
type Transform = (doc: unknown) => unknown;
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

/** The cursor of `collection.find()`: chainable `sort`, `skip`, `limit`, `project`, ... before the first document. */
export class FindCursor<TSchema = Document> extends AbstractCursor<TSchema> {
  protected readonly openedBy = 'find';
  private readonly options: FindOptions;

  constructor(
    database: Db,
    private readonly collectionName: string,
    private query: Document,
    options: FindOptions = {},
  ) {
    super(database);
    this.options = { ...options };
    if (options.batchSize !== undefined) this.size = options.batchSize;
  }

  /** Replaces the filter. */
  filter(filter: Document): this {
    this.throwIfStarted('filter');
    this.query = filter;
    return this;
  }

  /** Sort order: `{ a: 1 }`, `'a'` with a direction, `[['a', -1]]`, ... */
  sort(sort: Sort, direction?: SortDirection): this {
    return this.set('sort', formatSort(sort, direction));
  }

  /** Documents to skip. */
  skip(n: number): this {
    return this.set('skip', n);
  }

  /** The most documents to return (negative: one batch of that many). */
  limit(n: number): this {
    return this.set('limit', n);
  }

  /** Fields to return or leave out; the documents' type is yours to give. */
  project<T extends Document = Document>(projection: Document): FindCursor<T> {
    this.set('projection', projection);
    return this as unknown as FindCursor<T>;
  }

  /** The index to use. */
  hint(hint: string | Document): this {
    return this.set('hint', hint);
  }

  /** Inclusive lower index bound. */
  min(min: Document): this {
    return this.set('min', min);
  }

  /** Exclusive upper index bound. */
  max(max: Document): this {
    return this.set('max', max);
  }

  /** A comment for the server's logs. */
  comment(comment: unknown): this {
    return this.set('comment', comment);
  }

  /** Server-side time limit (ms). */
  maxTimeMS(ms: number): this {
    return this.set('maxTimeMS', ms);
  }

  /** String comparison rules. */
  collation(collation: Document): this {
    return this.set('collation', collation);
  }

  /** Let the server use temporary files for large sorts. */
  allowDiskUse(allow = true): this {
    return this.set('allowDiskUse', allow);
  }

  /** Return only the index keys. */
  returnKey(value: boolean): this {
    return this.set('returnKey', value);
  }

  /** Add `$recordId` to each document. */
  showRecordId(value: boolean): this {
    return this.set('showRecordId', value);
  }

  /** Transforms each document (the cursor itself, retyped). */
  map<T>(fn: (doc: TSchema) => T): FindCursor<T> {
    this.addTransform(fn as Transform);
    return this as unknown as FindCursor<T>;
  }

  protected openingCommand(): Document {
    const { sort, ...rest } = this.options;
    return findCommand(this.collectionName, this.query, { ...rest, sort: formatSort(sort), batchSize: this.size });
  }

  protected override limitOf(): number | undefined {
    return this.options.limit;
  }

  private set<K extends keyof FindOptions>(key: K, value: FindOptions[K]): this {
    this.throwIfStarted(key);
    this.options[key] = value;
    return this;
  }
}

/** The cursor of `collection.aggregate()`; stages may be added until the first document. */
export class AggregationCursor<TSchema = Document> extends AbstractCursor<TSchema> {
  protected readonly openedBy = 'aggregate';

  constructor(
    database: Db,
    private readonly collectionName: string | 1,
    /** The stages, as sent. */
    readonly pipeline: Document[],
    private readonly options: AggregateOptions = {},
  ) {
    super(database);
    if (options.batchSize !== undefined) this.size = options.batchSize;
  }

  /** Adds a stage. */
  addStage<T = TSchema>(stage: Document): AggregationCursor<T> {
    this.throwIfStarted('addStage');
    this.pipeline.push(stage);
    return this as unknown as AggregationCursor<T>;
  }

  /** Adds `$match`. */
  match(filter: Document): this {
    return this.addStage({ $match: filter }) as unknown as this;
  }

  /** Adds `$sort`. */
  sort(sort: Sort): this {
    return this.addStage({ $sort: formatSort(sort) }) as unknown as this;
  }

  /** Adds `$skip`. */
  skip(n: number): this {
    return this.addStage({ $skip: n }) as unknown as this;
  }

  /** Adds `$limit`. */
  limit(n: number): this {
    return this.addStage({ $limit: n }) as unknown as this;
  }

  /** Adds `$project`. */
  project<T extends Document = Document>(projection: Document): AggregationCursor<T> {
    return this.addStage<T>({ $project: projection });
  }

  /** Adds `$group`. */
  group<T = Document>(group: Document): AggregationCursor<T> {
    return this.addStage<T>({ $group: group });
  }

  /** Adds `$unwind`. */
  unwind<T = Document>(field: string | Document): AggregationCursor<T> {
    return this.addStage<T>({ $unwind: field });
  }

  /** Transforms each document (the cursor itself, retyped). */
  map<T>(fn: (doc: TSchema) => T): AggregationCursor<T> {
    this.addTransform(fn as Transform);
    return this as unknown as AggregationCursor<T>;
  }

  protected openingCommand(): Document {
    return aggregateCommand(this.collectionName, this.pipeline, { ...this.options, batchSize: this.size });
  }
}

/** A cursor over a listing command (`listIndexes`, `listCollections`). */
class ListingCursor<TSchema> extends AbstractCursor<TSchema> {
  constructor(
    database: Db,
    protected readonly openedBy: string,
    private readonly command: Document,
  ) {
    super(database);
  }

  protected openingCommand(): Document {
    return this.size > 0 ? { ...this.command, cursor: { batchSize: this.size } } : this.command;
  }
}

/** The cursor of `collection.listIndexes()`. */
export class ListIndexesCursor extends ListingCursor<Document> {
  /** Transforms each index description. */
  map<T>(fn: (doc: Document) => T): AbstractCursor<T> {
    this.addTransform(fn as Transform);
    return this as unknown as AbstractCursor<T>;
  }
}

/** What `db.listCollections()` yields for each collection. */
export interface CollectionInfo extends Document {
  name: string;
  type?: string;
  options?: Document;
  info?: { readOnly?: boolean; uuid?: unknown };
  idIndex?: Document;
}

/** The cursor of `db.listCollections()`. */
export class ListCollectionsCursor<T extends Document = CollectionInfo> extends ListingCursor<T> {
  /** Transforms each collection description. */
  map<U>(fn: (doc: T) => U): AbstractCursor<U> {
    this.addTransform(fn as Transform);
    return this as unknown as AbstractCursor<U>;
  }
}

export type { CursorHost };
