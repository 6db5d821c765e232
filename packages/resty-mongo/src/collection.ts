import type { Document } from 'bson';
import { Cursor } from './cursor.js';
import type { Database } from './database.js';
import { MongoServerError } from './errors.js';
import { runWrite, throwOnWriteErrors, withIds } from './write-commands.js';

/** Options of `find` and `findOne`. */
export interface FindOptions {
  /** Fields to return (`{ name: 1 }`) or leave out (`{ _id: 0 }`). */
  projection?: Document;
  /** Sort order, done by the server (`{ price: -1 }`). */
  sort?: Document;
  /** Documents to skip. */
  skip?: number;
  /** The most documents to return (`find` only); negative: one batch of that many. */
  limit?: number;
  /** Documents per batch (`find` only). */
  batchSize?: number;
}

/** What `updateOne`, `updateMany` and `replaceOne` resolve. */
export interface UpdateResult {
  /** Documents the filter matched. */
  matchedCount: number;
  /** Documents actually changed. */
  modifiedCount: number;
  /** 1 when the update inserted a document (upsert), else 0. */
  upsertedCount: number;
  /** The new document's `_id` when the update upserted, else null. */
  upsertedId: unknown;
}

/** A collection handle (lua-resty-mongol's col object, on write and cursor commands). */
export class Collection {
  constructor(
    /** The database this collection belongs to. */
    readonly db: Database,
    /** The collection name. */
    readonly name: string,
  ) {}

  /** Inserts one document (an `_id` is generated when missing). Duplicate key throws code 11000. */
  async insertOne(doc: Document): Promise<{ insertedId: unknown }> {
    const { insertedIds } = await this.insertMany([doc]);
    return { insertedId: insertedIds[0] };
  }

  /**
   * Inserts documents in as many batches as the server's limits need. `ordered` (default true)
   * stops at the first failure; unordered carries on. Failures throw `MongoServerError` whose
   * `writeErrors` are indexed against `docs` and whose `result` holds what was inserted.
   */
  async insertMany(
    docs: readonly Document[],
    options: { ordered?: boolean } = {},
  ): Promise<{ insertedCount: number; insertedIds: Record<number, unknown> }> {
    if (!Array.isArray(docs) || docs.length === 0) throw new TypeError('insertMany needs a non-empty array of documents');
    const ordered = options.ordered ?? true;
    const prepared = withIds(docs);
    const outcome = await runWrite(this.db, 'insert', this.name, prepared.docs, ordered, prepared.prefixIds);
    const failed = new Set(outcome.writeErrors.map((e) => e.index));
    const stop = ordered && outcome.writeErrors.length > 0 ? Math.min(...failed) : outcome.sent;
    const insertedIds: Record<number, unknown> = {};
    for (let i = 0; i < stop; i++) if (!failed.has(i)) insertedIds[i] = prepared.ids[i];
    const result = { insertedCount: outcome.n, insertedIds };
    throwOnWriteErrors(outcome, result);
    return result;
  }

  /** The first matching document, or null. */
  async findOne<T = Document>(filter: Document = {}, options: { projection?: Document; sort?: Document; skip?: number } = {}): Promise<T | null> {
    const cmd = findCommand(this.name, filter, { ...options, limit: 1 });
    cmd.singleBatch = true;
    cmd.batchSize = 1;
    const reply = await this.db.command(cmd);
    const batch = (reply.cursor as Document | undefined)?.firstBatch as T[] | undefined;
    return batch?.[0] ?? null;
  }

  /** A lazy cursor: nothing is sent until the first `next()` / iteration. */
  find<T = Document>(filter: Document = {}, options: FindOptions = {}): Cursor<T> {
    const cmd = findCommand(this.name, filter, options);
    return new Cursor<T>(this.db, this.name, () => this.db.command(cmd), cursorOptions(options), 'find');
  }

  /** An aggregation pipeline, as a lazy cursor. */
  aggregate<T = Document>(pipeline: Document[], options: { batchSize?: number } = {}): Cursor<T> {
    const cursor: Document = options.batchSize !== undefined ? { batchSize: options.batchSize } : {};
    const cmd = { aggregate: this.name, pipeline, cursor };
    return new Cursor<T>(this.db, this.name, () => this.db.command(cmd), cursorOptions(options), 'aggregate');
  }

  /** Updates the first document matching `filter` (operators, or an aggregation pipeline). */
  async updateOne(filter: Document, update: Document | Document[], options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    checkUpdate(update);
    return this.update(filter, update, false, options.upsert);
  }

  /** Updates every document matching `filter`. */
  async updateMany(filter: Document, update: Document | Document[], options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    checkUpdate(update);
    return this.update(filter, update, true, options.upsert);
  }

  /** Replaces one document whole (no update operators allowed). */
  async replaceOne(filter: Document, replacement: Document, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    if (Object.keys(replacement).some((k) => k.startsWith('$'))) throw new TypeError('replacement document must not contain update operators');
    return this.update(filter, replacement, false, options.upsert);
  }

  private async update(filter: Document, update: Document | Document[], multi: boolean, upsert: boolean | undefined): Promise<UpdateResult> {
    const statement: Document = { q: filter, u: update };
    if (upsert === true) statement.upsert = true;
    if (multi) statement.multi = true;
    const outcome = await runWrite(this.db, 'update', this.name, [statement], true);
    const upsertedCount = outcome.upserted.length;
    const result: UpdateResult = {
      matchedCount: outcome.n - upsertedCount,
      modifiedCount: outcome.nModified,
      upsertedCount,
      upsertedId: outcome.upserted[0]?._id ?? null,
    };
    throwOnWriteErrors(outcome, result);
    return result;
  }

  /** Deletes the first document matching `filter`; resolves `{ deletedCount }`. */
  async deleteOne(filter: Document): Promise<{ deletedCount: number }> {
    return this.delete(filter, 1);
  }

  /** Deletes every document matching `filter`; resolves `{ deletedCount }`. */
  async deleteMany(filter: Document): Promise<{ deletedCount: number }> {
    return this.delete(filter, 0);
  }

  private async delete(filter: Document, limit: 0 | 1): Promise<{ deletedCount: number }> {
    const outcome = await runWrite(this.db, 'delete', this.name, [{ q: filter, limit }], true);
    const result = { deletedCount: outcome.n };
    throwOnWriteErrors(outcome, result);
    return result;
  }

  /** Exact count through aggregate (`$match` + `$group`); 0 when nothing matches. */
  async countDocuments(filter: Document = {}, options: { skip?: number; limit?: number } = {}): Promise<number> {
    const pipeline: Document[] = [{ $match: filter }];
    if (options.skip !== undefined && options.skip > 0) pipeline.push({ $skip: options.skip });
    if (options.limit !== undefined && options.limit > 0) pipeline.push({ $limit: options.limit });
    pipeline.push({ $group: { _id: 1, n: { $sum: 1 } } });
    const docs = await this.aggregate<{ n: number }>(pipeline).toArray();
    return docs[0]?.n ?? 0;
  }

  /** The distinct values of `field` among the documents matching `filter`. */
  async distinct(field: string, filter: Document = {}): Promise<unknown[]> {
    const reply = await this.db.command({ distinct: this.name, key: field, query: filter });
    return (reply.values as unknown[] | undefined) ?? [];
  }

  /**
   * Updates one document through findAndModify and returns it as it was (`returnDocument:
   * 'before'`, the default) or as it is now (`'after'`), or null when nothing matched.
   */
  async findOneAndUpdate<T = Document>(
    filter: Document,
    update: Document | Document[],
    options: { returnDocument?: 'before' | 'after'; upsert?: boolean; sort?: Document; projection?: Document } = {},
  ): Promise<T | null> {
    checkUpdate(update);
    const cmd: Document = { findAndModify: this.name, query: filter, update };
    if (options.sort !== undefined) cmd.sort = options.sort;
    if (options.projection !== undefined) cmd.fields = options.projection;
    if (options.returnDocument === 'after') cmd.new = true;
    if (options.upsert === true) cmd.upsert = true;
    const reply = await this.db.command(cmd);
    return (reply.value as T | null | undefined) ?? null;
  }

  /** Deletes one document through findAndModify and returns it, or null. */
  async findOneAndDelete<T = Document>(filter: Document, options: { sort?: Document; projection?: Document } = {}): Promise<T | null> {
    const cmd: Document = { findAndModify: this.name, query: filter, remove: true };
    if (options.sort !== undefined) cmd.sort = options.sort;
    if (options.projection !== undefined) cmd.fields = options.projection;
    const reply = await this.db.command(cmd);
    return (reply.value as T | null | undefined) ?? null;
  }

  /** Creates an index; its name defaults to `<field>_<dir>` joined by `_` (FerretDB needs one). */
  async createIndex(keys: Document, options: { name?: string; unique?: boolean } & Document = {}): Promise<string> {
    const name = options.name ?? indexName(keys);
    await this.db.command({ createIndexes: this.name, indexes: [{ ...options, key: keys, name }] });
    return name;
  }

  /** Drops the collection; a missing one is not an error (code 26 on servers before 7.0). */
  async drop(): Promise<boolean> {
    try {
      await this.db.command({ drop: this.name });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 26) return false;
      throw error;
    }
  }
}

function findCommand(collection: string, filter: Document, options: FindOptions): Document {
  // Zero and absent values are omitted: FerretDB refuses fields it does not expect.
  const cmd: Document = { find: collection, filter };
  if (options.sort !== undefined) cmd.sort = options.sort;
  if (options.projection !== undefined) cmd.projection = options.projection;
  if (options.skip !== undefined && options.skip > 0) cmd.skip = options.skip;
  if (options.limit !== undefined && options.limit !== 0) {
    cmd.limit = Math.abs(options.limit);
    if (options.limit < 0) cmd.singleBatch = true;
  }
  // A negative limit means "one batch of that many": batchSize must not cut it short.
  if (options.batchSize !== undefined && options.batchSize !== 0 && cmd.singleBatch !== true) cmd.batchSize = Math.abs(options.batchSize);
  if (options.batchSize !== undefined && options.batchSize < 0) cmd.singleBatch = true;
  return cmd;
}

function cursorOptions(options: { batchSize?: number; limit?: number }): { batchSize?: number; limit?: number } {
  const out: { batchSize?: number; limit?: number } = {};
  if (options.batchSize !== undefined && options.batchSize > 0) out.batchSize = options.batchSize;
  if (options.limit !== undefined && options.limit !== 0) out.limit = Math.abs(options.limit);
  return out;
}

function checkUpdate(update: Document | Document[]): void {
  if (Array.isArray(update)) return;
  const keys = Object.keys(update);
  if (keys.length === 0 || !keys[0]!.startsWith('$')) throw new TypeError('update document requires atomic operators ($set, $inc, ...)');
}

function indexName(keys: Document): string {
  return Object.entries(keys)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join('_');
}
