import type { Document, ObjectId } from 'bson';
import { checkReplacement, checkUpdate, withStatementOptions, type StatementOptions } from '../collection-commands.js';
import type { Database } from '../database.js';
import type { WriteError } from '../errors.js';
import { runWrite, withIds, type WriteKind } from '../write-commands.js';
import { MongoBulkWriteError } from './errors.js';
import type { BulkWriteResult } from './results.js';
import type { Filter, OptionalUnlessRequiredId, UpdateFilter, WithoutId } from './schema.js';
import { emptyBulkResult } from './writes.js';

export interface InsertOneModel<TSchema> {
  document: OptionalUnlessRequiredId<TSchema>;
}
export interface UpdateModel<TSchema> extends StatementOptions {
  filter: Filter<TSchema>;
  update: UpdateFilter<TSchema> | Document[];
  upsert?: boolean;
  arrayFilters?: Document[];
}
export interface ReplaceOneModel<TSchema> extends StatementOptions {
  filter: Filter<TSchema>;
  replacement: WithoutId<TSchema>;
  upsert?: boolean;
}
export interface DeleteModel<TSchema> extends StatementOptions {
  filter: Filter<TSchema>;
}

/** One operation of `bulkWrite`, in the driver's shape. */
export type AnyBulkWriteOperation<TSchema = Document> =
  | { insertOne: InsertOneModel<TSchema> }
  | { replaceOne: ReplaceOneModel<TSchema> }
  | { updateOne: UpdateModel<TSchema> }
  | { updateMany: UpdateModel<TSchema> }
  | { deleteOne: DeleteModel<TSchema> }
  | { deleteMany: DeleteModel<TSchema> };

/** Statements of one kind, sent together (in as many commands as the server's limits need). */
export interface Batch {
  kind: WriteKind;
  statements: Document[];
  /** The operation index of each statement. */
  indexes: number[];
}

/**
 * `bulkWrite` over one connection: the operations become insert, update and delete statements;
 * ordered, consecutive operations of a kind go together and the first failure stops the rest;
 * unordered, all inserts, then all updates, then all deletes, each carrying on past failures.
 * Write errors are re-indexed against the operations and thrown as `MongoBulkWriteError` with
 * the partial result.
 */
export async function runBulkWrite(
  db: Database,
  collection: string,
  batches: readonly Batch[],
  ordered: boolean,
  fields: Document | undefined,
  acknowledged: boolean,
): Promise<BulkWriteResult> {
  const result = emptyBulkResult(acknowledged);
  const writeErrors: WriteError[] = [];
  let writeConcernError: Document | undefined;
  let failedKind: WriteKind | undefined;
  for (const batch of batches) {
    let prefixIds: (ObjectId | undefined)[] | undefined;
    let ids: unknown[] = [];
    if (batch.kind === 'insert') {
      const prepared = withIds(batch.statements);
      batch.statements = prepared.docs;
      prefixIds = prepared.prefixIds;
      ids = prepared.ids;
    }
    const outcome = await runWrite(db, batch.kind, collection, batch.statements, ordered, prefixIds, fields);
    const failed = new Set<number>();
    for (const e of outcome.writeErrors) {
      failed.add(e.index);
      writeErrors.push({ ...e, index: batch.indexes[e.index]! });
    }
    if (batch.kind === 'insert') {
      result.insertedCount += outcome.n;
      const stop = ordered && failed.size > 0 ? Math.min(...failed) : outcome.sent;
      for (let i = 0; i < stop; i++) if (!failed.has(i)) result.insertedIds[batch.indexes[i]!] = ids[i];
    } else if (batch.kind === 'update') {
      result.matchedCount += outcome.n - outcome.upserted.length;
      result.modifiedCount += outcome.nModified;
      result.upsertedCount += outcome.upserted.length;
      for (const u of outcome.upserted) result.upsertedIds[batch.indexes[u.index]!] = u._id;
    } else {
      result.deletedCount += outcome.n;
    }
    if (outcome.writeConcernError !== undefined) writeConcernError = outcome.writeConcernError;
    if ((failed.size > 0 || outcome.writeConcernError !== undefined) && failedKind === undefined) failedKind = batch.kind;
    if (ordered && failedKind !== undefined) break;
  }
  if (failedKind !== undefined) {
    writeErrors.sort((a, b) => a.index - b.index);
    throw new MongoBulkWriteError({ writeErrors, writeConcernError }, result).locate(db.conn.address, failedKind);
  }
  return result;
}

/**
 * The batches of a `bulkWrite`, checked before anything is sent (a bad operation is a
 * `TypeError` that costs no connection).
 */
export function planBulkWrite(operations: readonly Document[], ordered: boolean): Batch[] {
  if (!Array.isArray(operations) || operations.length === 0) throw new TypeError('bulkWrite needs a non-empty array of operations');
  return ordered ? consecutive(operations) : byKind(operations);
}

/** The statement of one operation, and its kind. */
function statementOf(operation: Document, index: number): { kind: WriteKind; statement: Document } {
  const keys = operation === null || typeof operation !== 'object' ? [] : Object.keys(operation);
  const name = keys[0];
  const model = (name === undefined ? undefined : operation[name]) as Record<string, unknown> | null | undefined;
  if (keys.length !== 1 || model === null || typeof model !== 'object') {
    throw new TypeError(`bulkWrite operation ${index} must be one of insertOne, updateOne, updateMany, replaceOne, deleteOne, deleteMany`);
  }
  switch (name) {
    case 'insertOne':
      if (model.document === null || typeof model.document !== 'object')
        throw new TypeError(`bulkWrite operation ${index}: insertOne needs a document`);
      return { kind: 'insert', statement: model.document };
    case 'updateOne':
    case 'updateMany': {
      checkUpdate(model.update as Document);
      const statement: Document = { q: model.filter ?? {}, u: model.update as Document };
      if (name === 'updateMany') statement.multi = true;
      if (model.upsert === true) statement.upsert = true;
      return { kind: 'update', statement: withStatementOptions(statement, model) };
    }
    case 'replaceOne': {
      checkReplacement(model.replacement as Document);
      const statement: Document = { q: model.filter ?? {}, u: model.replacement as Document };
      if (model.upsert === true) statement.upsert = true;
      return {
        kind: 'update',
        statement: withStatementOptions(statement, {
          hint: model.hint as StatementOptions['hint'],
          collation: model.collation as Document | undefined,
        }),
      };
    }
    case 'deleteOne':
    case 'deleteMany':
      return { kind: 'delete', statement: withStatementOptions({ q: model.filter ?? {}, limit: name === 'deleteOne' ? 1 : 0 }, model) };
    default:
      throw new TypeError(`bulkWrite operation ${index}: unknown operation ${String(name)}`);
  }
}

/** Ordered: runs of consecutive operations of one kind. */
function consecutive(operations: readonly Document[]): Batch[] {
  const batches: Batch[] = [];
  operations.forEach((operation, index) => {
    const { kind, statement } = statementOf(operation, index);
    const last = batches[batches.length - 1];
    if (last?.kind === kind) {
      last.statements.push(statement);
      last.indexes.push(index);
    } else {
      batches.push({ kind, statements: [statement], indexes: [index] });
    }
  });
  return batches;
}

/** Unordered: one batch per kind, inserts first. */
function byKind(operations: readonly Document[]): Batch[] {
  const batches: Record<WriteKind, Batch> = {
    insert: { kind: 'insert', statements: [], indexes: [] },
    update: { kind: 'update', statements: [], indexes: [] },
    delete: { kind: 'delete', statements: [], indexes: [] },
  };
  operations.forEach((operation, index) => {
    const { kind, statement } = statementOf(operation, index);
    batches[kind].statements.push(statement);
    batches[kind].indexes.push(index);
  });
  return [batches.insert, batches.update, batches.delete].filter((b) => b.statements.length > 0);
}
