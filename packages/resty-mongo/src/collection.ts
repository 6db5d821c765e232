import type { Document } from 'bson';
import {
  aggregateCommand,
  checkReplacement,
  checkUpdate,
  countPipeline,
  cursorOptions,
  findAndModifyCommand,
  findCommand,
  indexSpec,
  withStatementOptions,
  writeCommandFields,
  writeConcernDocument,
  type AggregateOptions,
  type CommandOptions,
  type FindAndModifyOptions,
  type FindOptions,
  type StatementOptions,
  type WriteCommandOptions,
} from './collection-commands.js';
import { Cursor } from './cursor.js';
import type { Database } from './database.js';
import { MongoServerError } from './errors.js';
import { runWrite, throwOnWriteErrors, withIds } from './write-commands.js';

export type { AggregateOptions, CommandOptions, FindAndModifyOptions, FindOptions, StatementOptions, WriteCommandOptions };

/** Options of `updateOne`, `updateMany` and `replaceOne`. */
export interface UpdateOptions extends WriteCommandOptions, StatementOptions {
  /** Insert a document when nothing matches. */
  upsert?: boolean;
  /** Which array elements an update's `$[name]` touches (not for `replaceOne`). */
  arrayFilters?: Document[];
}

/** Options of `deleteOne` and `deleteMany`. */
export type DeleteOptions = WriteCommandOptions & StatementOptions;

/** Options of `insertOne` and `insertMany`. */
export interface InsertOptions extends Omit<WriteCommandOptions, 'let'> {
  /** Stop at the first failure (default true); unordered carries on. */
  ordered?: boolean;
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
  async insertOne(doc: Document, options: Omit<InsertOptions, 'ordered'> = {}): Promise<{ insertedId: unknown }> {
    const { insertedIds } = await this.insertMany([doc], options);
    return { insertedId: insertedIds[0] };
  }

  /**
   * Inserts documents in as many batches as the server's limits need. `ordered` (default true)
   * stops at the first failure; unordered carries on. Failures throw `MongoServerError` whose
   * `writeErrors` are indexed against `docs` and whose `result` holds what was inserted.
   */
  async insertMany(docs: readonly Document[], options: InsertOptions = {}): Promise<{ insertedCount: number; insertedIds: Record<number, unknown> }> {
    if (!Array.isArray(docs) || docs.length === 0) throw new TypeError('insertMany needs a non-empty array of documents');
    const ordered = options.ordered ?? true;
    const prepared = withIds(docs);
    const outcome = await runWrite(this.db, 'insert', this.name, prepared.docs, ordered, prepared.prefixIds, writeCommandFields(options));
    const failed = new Set(outcome.writeErrors.map((e) => e.index));
    const stop = ordered && outcome.writeErrors.length > 0 ? Math.min(...failed) : outcome.sent;
    const insertedIds: Record<number, unknown> = {};
    for (let i = 0; i < stop; i++) if (!failed.has(i)) insertedIds[i] = prepared.ids[i];
    const result = { insertedCount: outcome.n, insertedIds };
    throwOnWriteErrors(outcome, result);
    return result;
  }

  /** The first matching document, or null. */
  async findOne<T = Document>(filter: Document = {}, options: Omit<FindOptions, 'limit' | 'batchSize'> = {}): Promise<T | null> {
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
  aggregate<T = Document>(pipeline: Document[], options: AggregateOptions = {}): Cursor<T> {
    const cmd = aggregateCommand(this.name, pipeline, options);
    return new Cursor<T>(this.db, this.name, () => this.db.command(cmd), cursorOptions(options), 'aggregate');
  }

  /** Updates the first document matching `filter` (operators, or an aggregation pipeline). */
  async updateOne(filter: Document, update: Document | Document[], options: UpdateOptions = {}): Promise<UpdateResult> {
    checkUpdate(update);
    return this.update(filter, update, false, options);
  }

  /** Updates every document matching `filter`. */
  async updateMany(filter: Document, update: Document | Document[], options: UpdateOptions = {}): Promise<UpdateResult> {
    checkUpdate(update);
    return this.update(filter, update, true, options);
  }

  /** Replaces one document whole (no update operators allowed). */
  async replaceOne(filter: Document, replacement: Document, options: Omit<UpdateOptions, 'arrayFilters'> = {}): Promise<UpdateResult> {
    checkReplacement(replacement);
    return this.update(filter, replacement, false, options);
  }

  private async update(filter: Document, update: Document | Document[], multi: boolean, options: UpdateOptions): Promise<UpdateResult> {
    const statement: Document = { q: filter, u: update };
    if (options.upsert === true) statement.upsert = true;
    if (multi) statement.multi = true;
    withStatementOptions(statement, options);
    const outcome = await runWrite(this.db, 'update', this.name, [statement], true, undefined, writeCommandFields(options));
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
  async deleteOne(filter: Document, options: DeleteOptions = {}): Promise<{ deletedCount: number }> {
    return this.delete(filter, 1, options);
  }

  /** Deletes every document matching `filter`; resolves `{ deletedCount }`. */
  async deleteMany(filter: Document, options: DeleteOptions = {}): Promise<{ deletedCount: number }> {
    return this.delete(filter, 0, options);
  }

  private async delete(filter: Document, limit: 0 | 1, options: DeleteOptions): Promise<{ deletedCount: number }> {
    const statement = withStatementOptions({ q: filter, limit }, options);
    const outcome = await runWrite(this.db, 'delete', this.name, [statement], true, undefined, writeCommandFields(options));
    const result = { deletedCount: outcome.n };
    throwOnWriteErrors(outcome, result);
    return result;
  }

  /** Exact count through aggregate (`$match` + `$group`); 0 when nothing matches. */
  async countDocuments(
    filter: Document = {},
    options: { skip?: number; limit?: number } & Omit<AggregateOptions, 'batchSize'> = {},
  ): Promise<number> {
    const { skip, limit, ...rest } = options;
    const docs = await this.aggregate<{ n: number }>(countPipeline(filter, { skip, limit }), rest).toArray();
    return docs[0]?.n ?? 0;
  }

  /** The collection's document count from its metadata (the `count` command, no filter). */
  async estimatedDocumentCount(options: CommandOptions = {}): Promise<number> {
    const cmd: Document = { count: this.name };
    if (options.comment !== undefined) cmd.comment = options.comment;
    if (options.maxTimeMS !== undefined) cmd.maxTimeMS = options.maxTimeMS;
    const reply = await this.db.command(cmd);
    return Number(reply.n ?? 0);
  }

  /** The distinct values of `field` among the documents matching `filter`. */
  async distinct(field: string, filter: Document = {}, options: CommandOptions & Pick<StatementOptions, 'collation'> = {}): Promise<unknown[]> {
    const cmd: Document = { distinct: this.name, key: field, query: filter };
    if (options.collation !== undefined) cmd.collation = options.collation;
    if (options.comment !== undefined) cmd.comment = options.comment;
    if (options.maxTimeMS !== undefined) cmd.maxTimeMS = options.maxTimeMS;
    const reply = await this.db.command(cmd);
    return (reply.values as unknown[] | undefined) ?? [];
  }

  /**
   * Updates one document through findAndModify and returns it as it was (`returnDocument:
   * 'before'`, the default) or as it is now (`'after'`), or null when nothing matched.
   */
  async findOneAndUpdate<T = Document>(filter: Document, update: Document | Document[], options: FindAndModifyOptions = {}): Promise<T | null> {
    checkUpdate(update);
    const reply = await this.db.command(findAndModifyCommand(this.name, filter, { update }, options));
    return (reply.value as T | null | undefined) ?? null;
  }

  /** Replaces one document whole through findAndModify; returns it (before or after), or null. */
  async findOneAndReplace<T = Document>(
    filter: Document,
    replacement: Document,
    options: Omit<FindAndModifyOptions, 'arrayFilters'> = {},
  ): Promise<T | null> {
    checkReplacement(replacement);
    const reply = await this.db.command(findAndModifyCommand(this.name, filter, { update: replacement }, options));
    return (reply.value as T | null | undefined) ?? null;
  }

  /** Deletes one document through findAndModify and returns it, or null. */
  async findOneAndDelete<T = Document>(
    filter: Document,
    options: Omit<FindAndModifyOptions, 'returnDocument' | 'upsert' | 'arrayFilters'> = {},
  ): Promise<T | null> {
    const reply = await this.db.command(findAndModifyCommand(this.name, filter, { remove: true }, options));
    return (reply.value as T | null | undefined) ?? null;
  }

  /** Creates an index; its name defaults to `<field>_<dir>` joined by `_` (FerretDB needs one). */
  async createIndex(keys: Document, options: { name?: string; unique?: boolean } & Document = {}): Promise<string> {
    const spec = indexSpec(keys, options);
    await this.db.command({ createIndexes: this.name, indexes: [spec] });
    return spec.name as string;
  }

  /** Drops the collection; a missing one is not an error (code 26 on servers before 7.0). */
  async drop(options: Pick<WriteCommandOptions, 'comment' | 'writeConcern'> = {}): Promise<boolean> {
    const cmd: Document = { drop: this.name };
    if (options.comment !== undefined) cmd.comment = options.comment;
    const wc = writeConcernDocument(options.writeConcern);
    if (wc !== undefined) cmd.writeConcern = wc;
    try {
      await this.db.command(cmd);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 26) return false;
      throw error;
    }
  }
}
