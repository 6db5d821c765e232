import type { Document } from 'bson';
import { findAndModifyCommand, type FindAndModifyOptions, type WriteConcernSettings } from '../collection-commands.js';
import { MongoServerError } from '../errors.js';
import type { Db } from './db.js';
import { MongoBulkWriteError } from './errors.js';
import type { FindOneAndUpdateOptions, WriteOptions } from './options.js';
import type { BulkWriteResult, ModifyResult } from './results.js';
import { formatSort } from './sort.js';

/**
 * What the client layer adds around the socket-level writes: the write concern an operation
 * inherits (operation, then collection, database, client), `acknowledged`, the driver's error
 * class for a failed `insertMany`, and the shapes of `findOneAnd*`.
 */

/** The options with their write concern resolved, and whether the write is acknowledged (not `w: 0`). */
export function resolveWrite<O extends WriteOptions>(options: O, inherited: WriteConcernSettings | undefined): { options: O; acknowledged: boolean } {
  const own = options.writeConcern ?? (options.w !== undefined ? { w: options.w } : undefined);
  if (own === undefined && inherited === undefined) return { options, acknowledged: true };
  const writeConcern = own ?? inherited;
  return { options: options.writeConcern !== undefined ? options : { ...options, writeConcern }, acknowledged: writeConcern?.w !== 0 };
}

/** An empty bulk write result. */
export function emptyBulkResult(acknowledged = true): BulkWriteResult {
  return {
    acknowledged,
    insertedCount: 0,
    matchedCount: 0,
    modifiedCount: 0,
    deletedCount: 0,
    upsertedCount: 0,
    insertedIds: {},
    upsertedIds: {},
  };
}

/** The socket-level insertMany's failure as the driver's `MongoBulkWriteError` (other errors unchanged). */
export function insertManyError(error: unknown): unknown {
  if (!(error instanceof MongoServerError) || error.writeErrors.length === 0 || error.result === undefined) return error;
  const partial = error.result as { insertedCount: number; insertedIds: Record<number, unknown> };
  const result = { ...emptyBulkResult(), insertedCount: partial.insertedCount, insertedIds: partial.insertedIds };
  const bulk = new MongoBulkWriteError({ writeErrors: error.writeErrors, writeConcernError: error.writeConcernError }, result);
  return bulk.locate(error.address, error.command);
}

/** findAndModify, shaped as the driver v6+: the document or null, or `{ value, lastErrorObject, ok }` when asked. */
export async function findAndModify<T>(
  db: Db,
  collection: string,
  filter: Document,
  change: { update: Document | Document[] } | { remove: true },
  options: FindOneAndUpdateOptions,
  inherited: WriteConcernSettings | undefined,
): Promise<T | ModifyResult<Document> | null> {
  const { options: resolved } = resolveWrite(options, inherited);
  const { sort, includeResultMetadata, ...rest } = resolved;
  const commandOptions: FindAndModifyOptions = sort === undefined ? rest : { ...rest, sort: formatSort(sort) };
  const cmd = findAndModifyCommand(collection, filter, change, commandOptions);
  const reply = await db.run('findAndModify', (sdb) => sdb.command(cmd));
  const value = (reply.value as Document | null | undefined) ?? null;
  if (includeResultMetadata === true) {
    const result: ModifyResult<Document> = { value: value as ModifyResult<Document>['value'], ok: 1 };
    if (reply.lastErrorObject !== undefined) result.lastErrorObject = reply.lastErrorObject as Document;
    return result;
  }
  return value as T | null;
}
