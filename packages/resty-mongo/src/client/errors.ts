import type { Document } from 'bson';
import { CosocketError, OperationError } from 'cosocket';
import { MongoError, MongoServerError, type WriteError } from '../errors.js';
import type { BulkWriteResult } from './results.js';

/**
 * No connection to the server could be made within `serverSelectionTimeoutMS`. `code`, `address`
 * and `command` are those of the last attempt's failure (`connection refused`, `127.0.0.1:1`,
 * `connect`), which is also `cause`; `operation` is what was waiting (`find`, ...). The message
 * says all of it: `server selection timed out after 30000 ms (find): connection refused (127.0.0.1:1, connect)`.
 */
export class MongoServerSelectionError extends MongoError {
  /** Always `'MongoServerSelectionError'`. */
  override name = 'MongoServerSelectionError';
  /** The OpenResty code of the last attempt's failure (`connection refused`, `timeout`, ...). */
  readonly code: string;

  constructor(
    /** The operation that waited for the server. */
    readonly operation: string,
    timeoutMs: number,
    last: unknown,
    address: string,
  ) {
    const why = last instanceof OperationError ? last.text : last instanceof Error ? last.message : String(last);
    super(`server selection timed out after ${timeoutMs} ms (${operation}): ${why}`, {
      address: last instanceof OperationError ? (last.address ?? address) : address,
      command: last instanceof OperationError ? (last.command ?? 'connect') : 'connect',
      cause: last,
    });
    this.code = last instanceof CosocketError ? last.code : 'timeout';
  }
}

/**
 * Some operations of a `bulkWrite` or `insertMany` failed. `writeErrors` are indexed against
 * your operations (documents, for `insertMany`); `result` and the counts say what was done
 * (ordered: everything before the first failure; unordered: everything else). A
 * `MongoServerError` (code: the first write error's), as in the official driver.
 */
export class MongoBulkWriteError extends MongoServerError {
  /** Always `'MongoBulkWriteError'`. */
  override name = 'MongoBulkWriteError';
  /** What was written before (or, unordered, besides) the failures. */
  override result: BulkWriteResult;

  constructor(fields: { writeErrors: WriteError[]; writeConcernError: Document | undefined }, result: BulkWriteResult) {
    const first = fields.writeErrors[0];
    const wce = fields.writeConcernError;
    super({
      code: first?.code ?? Number(wce?.code ?? 0),
      codeName: first?.codeName ?? (typeof wce?.codeName === 'string' ? wce.codeName : undefined),
      errmsg: first?.errmsg ?? String(wce?.errmsg ?? 'write concern error'),
      writeErrors: fields.writeErrors,
      writeConcernError: wce,
    });
    this.result = result;
  }

  get insertedCount(): number {
    return this.result.insertedCount;
  }
  get matchedCount(): number {
    return this.result.matchedCount;
  }
  get modifiedCount(): number {
    return this.result.modifiedCount;
  }
  get deletedCount(): number {
    return this.result.deletedCount;
  }
  get upsertedCount(): number {
    return this.result.upsertedCount;
  }
  get insertedIds(): { [index: number]: unknown } {
    return this.result.insertedIds;
  }
  get upsertedIds(): { [index: number]: unknown } {
    return this.result.upsertedIds;
  }
}
