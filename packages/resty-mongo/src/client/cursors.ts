import type { Document } from 'bson';
import { aggregateCommand, findCommand, type AggregateOptions } from '../collection-commands.js';
import { AbstractCursor, type Transform } from './abstract-cursor.js';
import type { Db } from './db.js';
import type { FindOptions } from './options.js';
import type { Sort, SortDirection } from './schema.js';
import { formatSort } from './sort.js';

export { AbstractCursor };

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
