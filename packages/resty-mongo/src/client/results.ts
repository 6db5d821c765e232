import type { Document } from 'bson';
import type { InferIdType, WithId } from './schema.js';

/** What `insertOne` resolves. */
export interface InsertOneResult<TSchema = Document> {
  /** False for an unacknowledged write (`w: 0`). */
  acknowledged: boolean;
  /** The document's `_id`, yours or the generated `ObjectId`. */
  insertedId: InferIdType<TSchema>;
}

/** What `insertMany` resolves. */
export interface InsertManyResult<TSchema = Document> {
  /** False for an unacknowledged write (`w: 0`). */
  acknowledged: boolean;
  /** Documents inserted. */
  insertedCount: number;
  /** The `_id` of each inserted document, keyed by its index in your array. */
  insertedIds: { [index: number]: InferIdType<TSchema> };
}

/** What `updateOne`, `updateMany` and `replaceOne` resolve. */
export interface UpdateResult<TSchema = Document> {
  /** False for an unacknowledged write (`w: 0`). */
  acknowledged: boolean;
  /** Documents the filter matched. */
  matchedCount: number;
  /** Documents actually changed. */
  modifiedCount: number;
  /** 1 when the update inserted a document (upsert), else 0. */
  upsertedCount: number;
  /** The upserted document's `_id`, else null. */
  upsertedId: InferIdType<TSchema> | null;
}

/** What `deleteOne` and `deleteMany` resolve. */
export interface DeleteResult {
  /** False for an unacknowledged write (`w: 0`). */
  acknowledged: boolean;
  /** Documents deleted. */
  deletedCount: number;
}

/** What `bulkWrite` resolves, and the partial result a `MongoBulkWriteError` carries. */
export interface BulkWriteResult {
  /** False for an unacknowledged write (`w: 0`). */
  acknowledged: boolean;
  insertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  upsertedCount: number;
  /** `_id` of each inserted document, keyed by the index of its operation. */
  insertedIds: { [index: number]: unknown };
  /** `_id` of each upserted document, keyed by the index of its operation. */
  upsertedIds: { [index: number]: unknown };
}

/** What `findOneAnd*` resolve with `includeResultMetadata: true` (the reply of findAndModify). */
export interface ModifyResult<TSchema = Document> {
  /** The document (before or after, as asked), or null. */
  value: WithId<TSchema> | null;
  /** `{ n, updatedExisting, upserted }` as the server reported them. */
  lastErrorObject?: Document;
  ok: 0 | 1;
}
