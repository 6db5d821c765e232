import type { Document } from 'bson';
import { checkReplacement, checkUpdate, copyOptions, writeCommandFields } from '../collection-commands.js';
import type { Collection as DatabaseCollection } from '../collection.js';
import { planBulkWrite, runBulkWrite, type AnyBulkWriteOperation } from './bulk-write.js';
import { AggregationCursor, FindCursor, ListIndexesCursor } from './cursors.js';
import type { Db, DbOptions } from './db.js';
import { createIndexesCommand, describeIndex, type IndexSpecification } from './indexes.js';
import type {
  AggregateOptions,
  BulkWriteOptions,
  CountDocumentsOptions,
  CreateIndexesOptions,
  DeleteOptions,
  DistinctOptions,
  DropOptions,
  EstimatedDocumentCountOptions,
  FindOneAndDeleteOptions,
  FindOneAndReplaceOptions,
  FindOneAndUpdateOptions,
  FindOneOptions,
  FindOptions,
  IndexCommandOptions,
  IndexDescription,
  InsertOneOptions,
  ReplaceOptions,
  UpdateOptions,
} from './options.js';
import type { BulkWriteResult, DeleteResult, InsertManyResult, InsertOneResult, ModifyResult, UpdateResult } from './results.js';
import type { Filter, InferIdType, OptionalUnlessRequiredId, UpdateFilter, WithId, WithoutId } from './schema.js';
import { formatSort } from './sort.js';
import { findAndModify, insertManyError, resolveWrite } from './writes.js';

/** The element type of an array field, or the field's type (what `distinct` returns). */
type Flatten<T> = T extends readonly (infer E)[] ? E : T;

/**
 * A collection of a `MongoClient` (the driver's `Collection<TSchema>`). Each operation leases a
 * pooled connection, runs the socket-level command (the same command building and reply
 * handling as `Mongo`), and gives the connection back; cursors lease one per batch.
 */
export class Collection<TSchema extends Document = Document> {
  constructor(
    /** The database this collection belongs to. */
    readonly db: Db,
    /** The collection name. */
    readonly collectionName: string,
    /** Defaults of this collection's operations. */
    readonly options: DbOptions = {},
  ) {}

  /** The database name. */
  get dbName(): string {
    return this.db.databaseName;
  }

  /** `<db>.<collection>`. */
  get namespace(): string {
    return `${this.db.databaseName}.${this.collectionName}`;
  }

  // ------------------------------------------------------------------------------ writes

  /** Inserts one document; a missing `_id` is generated (an `ObjectId`) and returned. */
  async insertOne(doc: OptionalUnlessRequiredId<TSchema>, options: InsertOneOptions = {}): Promise<InsertOneResult<TSchema>> {
    const w = resolveWrite(options, this.options.writeConcern);
    const { insertedId } = await this.run('insert', (col) => col.insertOne(doc as Document, w.options));
    return { acknowledged: w.acknowledged, insertedId: insertedId as InferIdType<TSchema> };
  }

  /** Inserts documents; a failure rejects with `MongoBulkWriteError` (ordered: stops there; unordered: carries on). */
  async insertMany(docs: readonly OptionalUnlessRequiredId<TSchema>[], options: BulkWriteOptions = {}): Promise<InsertManyResult<TSchema>> {
    if (!Array.isArray(docs) || docs.length === 0) throw new TypeError('insertMany needs a non-empty array of documents');
    const w = resolveWrite(options, this.options.writeConcern);
    try {
      const { insertedCount, insertedIds } = await this.run('insert', (col) => col.insertMany(docs as readonly Document[], w.options));
      return { acknowledged: w.acknowledged, insertedCount, insertedIds: insertedIds as InsertManyResult<TSchema>['insertedIds'] };
    } catch (error) {
      throw insertManyError(error);
    }
  }

  /** Runs insert, update, replace and delete operations in as few commands as possible (see `runBulkWrite`). */
  async bulkWrite(operations: readonly AnyBulkWriteOperation<TSchema>[], options: BulkWriteOptions = {}): Promise<BulkWriteResult> {
    const w = resolveWrite(options, this.options.writeConcern);
    const fields = writeCommandFields(w.options);
    const ordered = options.ordered ?? true;
    const batches = planBulkWrite(operations, ordered);
    return this.db.run('bulkWrite', (db) => runBulkWrite(db, this.collectionName, batches, ordered, fields, w.acknowledged));
  }

  /** Updates the first document matching `filter` (update operators, or a pipeline). */
  async updateOne(filter: Filter<TSchema>, update: UpdateFilter<TSchema> | Document[], options: UpdateOptions = {}): Promise<UpdateResult<TSchema>> {
    checkUpdate(update);
    const w = resolveWrite(options, this.options.writeConcern);
    const result = await this.run('update', (col) => col.updateOne(filter as Document, update, w.options));
    return { acknowledged: w.acknowledged, ...result } as UpdateResult<TSchema>;
  }

  /** Updates every document matching `filter`. */
  async updateMany(filter: Filter<TSchema>, update: UpdateFilter<TSchema> | Document[], options: UpdateOptions = {}): Promise<UpdateResult<TSchema>> {
    checkUpdate(update);
    const w = resolveWrite(options, this.options.writeConcern);
    const result = await this.run('update', (col) => col.updateMany(filter as Document, update, w.options));
    return { acknowledged: w.acknowledged, ...result } as UpdateResult<TSchema>;
  }

  /** Replaces the first document matching `filter` whole (no update operators). */
  async replaceOne(filter: Filter<TSchema>, replacement: WithoutId<TSchema>, options: ReplaceOptions = {}): Promise<UpdateResult<TSchema>> {
    checkReplacement(replacement);
    const w = resolveWrite(options, this.options.writeConcern);
    const result = await this.run('update', (col) => col.replaceOne(filter as Document, replacement as Document, w.options));
    return { acknowledged: w.acknowledged, ...result } as UpdateResult<TSchema>;
  }

  /** Deletes the first document matching `filter`. */
  async deleteOne(filter: Filter<TSchema> = {}, options: DeleteOptions = {}): Promise<DeleteResult> {
    const w = resolveWrite(options, this.options.writeConcern);
    const { deletedCount } = await this.run('delete', (col) => col.deleteOne(filter as Document, w.options));
    return { acknowledged: w.acknowledged, deletedCount };
  }

  /** Deletes every document matching `filter`. */
  async deleteMany(filter: Filter<TSchema> = {}, options: DeleteOptions = {}): Promise<DeleteResult> {
    const w = resolveWrite(options, this.options.writeConcern);
    const { deletedCount } = await this.run('delete', (col) => col.deleteMany(filter as Document, w.options));
    return { acknowledged: w.acknowledged, deletedCount };
  }

  /** Updates one document; resolves it as it was (`returnDocument: 'before'`, the default) or is, or null. */
  findOneAndUpdate(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options: FindOneAndUpdateOptions & { includeResultMetadata: true },
  ): Promise<ModifyResult<TSchema>>;
  findOneAndUpdate(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options?: FindOneAndUpdateOptions,
  ): Promise<WithId<TSchema> | null>;
  async findOneAndUpdate(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options: FindOneAndUpdateOptions = {},
  ): Promise<unknown> {
    checkUpdate(update);
    return findAndModify(this.db, this.collectionName, filter as Document, { update: update }, options, this.options.writeConcern);
  }

  /** Replaces one document whole; resolves it (before or after), or null. */
  findOneAndReplace(
    filter: Filter<TSchema>,
    replacement: WithoutId<TSchema>,
    options: FindOneAndReplaceOptions & { includeResultMetadata: true },
  ): Promise<ModifyResult<TSchema>>;
  findOneAndReplace(filter: Filter<TSchema>, replacement: WithoutId<TSchema>, options?: FindOneAndReplaceOptions): Promise<WithId<TSchema> | null>;
  async findOneAndReplace(filter: Filter<TSchema>, replacement: WithoutId<TSchema>, options: FindOneAndReplaceOptions = {}): Promise<unknown> {
    checkReplacement(replacement);
    return findAndModify(this.db, this.collectionName, filter as Document, { update: replacement as Document }, options, this.options.writeConcern);
  }

  /** Deletes one document; resolves it, or null. */
  findOneAndDelete(filter: Filter<TSchema>, options: FindOneAndDeleteOptions & { includeResultMetadata: true }): Promise<ModifyResult<TSchema>>;
  findOneAndDelete(filter: Filter<TSchema>, options?: FindOneAndDeleteOptions): Promise<WithId<TSchema> | null>;
  async findOneAndDelete(filter: Filter<TSchema>, options: FindOneAndDeleteOptions = {}): Promise<unknown> {
    return findAndModify(this.db, this.collectionName, filter as Document, { remove: true }, options, this.options.writeConcern);
  }

  // ------------------------------------------------------------------------------- reads

  /** The first matching document, or null. `T` retypes it (after a projection, say). */
  async findOne<T = WithId<TSchema>>(filter: Filter<TSchema> = {}, options: FindOneOptions = {}): Promise<T | null> {
    const { sort, ...rest } = options;
    const commandOptions = sort === undefined ? rest : { ...rest, sort: formatSort(sort) };
    return this.run('find', (col) => col.findOne<T>(filter as Document, commandOptions));
  }

  /** A lazy, chainable cursor over the matching documents. `T` retypes them. */
  find<T = WithId<TSchema>>(filter: Filter<TSchema> = {}, options: FindOptions = {}): FindCursor<T> {
    return new FindCursor<T>(this.db, this.collectionName, filter, options);
  }

  /** An aggregation pipeline, as a lazy cursor. */
  aggregate<T extends Document = Document>(pipeline: Document[] = [], options: AggregateOptions = {}): AggregationCursor<T> {
    return new AggregationCursor<T>(this.db, this.collectionName, [...pipeline], options);
  }

  /** The exact number of matching documents (an aggregation). */
  async countDocuments(filter: Filter<TSchema> = {}, options: CountDocumentsOptions = {}): Promise<number> {
    return this.run('aggregate', (col) => col.countDocuments(filter as Document, options));
  }

  /** The collection's document count from its metadata (fast, no filter). */
  async estimatedDocumentCount(options: EstimatedDocumentCountOptions = {}): Promise<number> {
    return this.run('count', (col) => col.estimatedDocumentCount(options));
  }

  /** The distinct values of a field among the matching documents. */
  distinct<K extends keyof WithId<TSchema> & string>(
    key: K,
    filter?: Filter<TSchema>,
    options?: DistinctOptions,
  ): Promise<Flatten<WithId<TSchema>[K]>[]>;
  distinct(key: string, filter?: Filter<TSchema>, options?: DistinctOptions): Promise<unknown[]>;
  async distinct(key: string, filter: Filter<TSchema> = {}, options: DistinctOptions = {}): Promise<unknown[]> {
    return this.run('distinct', (col) => col.distinct(key, filter as Document, options));
  }

  // ----------------------------------------------------------------------------- indexes

  /** Creates an index (`{ a: 1 }`, `'a'`, `[['a', 1], ['b', -1]]`, ...); resolves its name. */
  async createIndex(spec: IndexSpecification, options: CreateIndexesOptions = {}): Promise<string> {
    const [name] = await this.createIndexes([describeIndex(spec)], options);
    return name!;
  }

  /** Creates several indexes in one command; resolves their names. */
  async createIndexes(indexes: readonly IndexDescription[], options: CreateIndexesOptions = {}): Promise<string[]> {
    const cmd = createIndexesCommand(this.collectionName, indexes, options);
    await this.db.run('createIndexes', (db) => db.command(cmd));
    return (cmd.indexes as Document[]).map((index) => index.name as string);
  }

  /** The collection's indexes, as a cursor. */
  listIndexes(options: IndexCommandOptions = {}): ListIndexesCursor {
    const cmd = copyOptions({ listIndexes: this.collectionName, cursor: {} }, options, ['comment', 'maxTimeMS']);
    const cursor = new ListIndexesCursor(this.db, 'listIndexes', cmd);
    return options.batchSize !== undefined ? cursor.batchSize(options.batchSize) : cursor;
  }

  /** Every index description. */
  async indexes(options: IndexCommandOptions = {}): Promise<Document[]> {
    return this.listIndexes(options).toArray();
  }

  /** Whether indexes of these names all exist. */
  async indexExists(names: string | string[], options: IndexCommandOptions = {}): Promise<boolean> {
    const existing = new Set((await this.indexes(options)).map((index) => index.name as string));
    return (Array.isArray(names) ? names : [names]).every((name) => existing.has(name));
  }

  /** Drops one index, by name (or key pattern); resolves the server's reply. */
  async dropIndex(index: string | Document, options: IndexCommandOptions = {}): Promise<Document> {
    const cmd = copyOptions({ dropIndexes: this.collectionName, index }, options, ['comment', 'maxTimeMS']);
    return this.db.run('dropIndexes', (db) => db.command(cmd));
  }

  /** Drops every index but `_id`'s; resolves true. */
  async dropIndexes(options: IndexCommandOptions = {}): Promise<boolean> {
    await this.dropIndex('*', options);
    return true;
  }

  /** Drops the collection; resolves false when it did not exist (servers before 7.0). */
  async drop(options: DropOptions = {}): Promise<boolean> {
    const writeConcern = options.writeConcern ?? this.options.writeConcern;
    return this.run('drop', (col) => col.drop(writeConcern === undefined ? options : { ...options, writeConcern }));
  }

  /** Runs `fn` on the socket-level collection of a leased connection. */
  private run<R>(operation: string, fn: (col: DatabaseCollection) => Promise<R>): Promise<R> {
    return this.db.run(operation, (db) => fn(db.collection(this.collectionName)));
  }
}
