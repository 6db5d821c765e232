import { BSON, ObjectId, type Document } from 'bson';
import { locateError } from 'cosocket';
import type { Database } from './database.js';
import { codeNameOf, MongoServerError, MongoSizeError, type WriteError } from './errors.js';

/**
 * insert / update / delete as write commands. Statements are serialized once each and sent
 * as kind-1 document sequences, split into batches by `maxWriteBatchSize` and by
 * `maxMessageSizeBytes`; write errors come back per statement and are re-indexed against the
 * whole call. `ok: 1` with `writeErrors` is a failure: it throws `MongoServerError`.
 */

const SERIALIZE_OPTIONS: BSON.SerializeOptions = { checkKeys: false, serializeFunctions: false, ignoreUndefined: false };
/** Room for the header, flags, command body and section header of a write message. */
const ENVELOPE_RESERVE = 16 * 1024;

export type WriteKind = 'insert' | 'update' | 'delete';
const SEQUENCE_ID: Record<WriteKind, string> = { insert: 'documents', update: 'updates', delete: 'deletes' };

export interface WriteOutcome {
  /** Sum of `n` over the batches sent. */
  n: number;
  nModified: number;
  /** Upserted ids by statement index. */
  upserted: { index: number; _id: unknown }[];
  writeErrors: WriteError[];
  writeConcernError: Document | undefined;
  /** Statements sent (in order; for ordered writes the ones after a failed batch are not). */
  sent: number;
  /** Where the write went and which command it was, for the error of `throwOnWriteErrors`. */
  address: string | undefined;
  command: WriteKind;
}

/**
 * Statements serialized back to back into one buffer: statement i is
 * `bytes.subarray(offsets[i], offsets[i + 1])`. A batch is then one contiguous slice, sent
 * without a per-document allocation or a concatenation.
 */
export interface SerializedStatements {
  bytes: Buffer;
  offsets: number[];
}

/** An ObjectId `_id` element: type byte 0x07, the cstring "_id", 12 id bytes. */
const ID_ELEMENT_BYTES = 17;

/**
 * Serializes every statement into one growing buffer, each checked against `limit`. Where
 * `prefixIds[i]` is set, statement i goes out with `_id: prefixIds[i]` as its first field
 * (see `withIds`): the bytes of `{ _id, ...statement }` without building that copy, except
 * that `_id` stays first even before integer-like keys, which such a copy would move ahead.
 */
export function serializeStatements(
  statements: readonly Document[],
  limit: number,
  prefixIds?: readonly (ObjectId | undefined)[],
): SerializedStatements {
  let bytes = Buffer.allocUnsafe(Math.max(1024, statements.length * 128));
  const offsets = new Array<number>(statements.length + 1);
  // A literal, not `{ ...SERIALIZE_OPTIONS, index }`: on Node 20 the spread costs ~0.45 µs and
  // leaves an object that makes every bson call after it ~1 µs slower (measured per insertOne).
  const options: BSON.SerializeOptions & { index: number } = { checkKeys: false, serializeFunctions: false, ignoreUndefined: false, index: 0 };
  let at = 0;
  offsets[0] = 0;
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i]!;
    const id = prefixIds?.[i];
    const head = id === undefined ? 0 : ID_ELEMENT_BYTES;
    let end: number;
    for (;;) {
      options.index = at + head;
      try {
        // bson serializes into its scratch buffer and copies the result to `bytes` at `at + head`.
        end = BSON.serializeWithBufferAndIndex(statement, bytes, options) + 1;
        break;
      } catch (error) {
        // RangeError: the document outgrew bson's 17 MiB scratch buffer, or our buffer is full.
        if (!(error instanceof RangeError)) throw error;
        const size = BSON.calculateObjectSize(statement, SERIALIZE_OPTIONS) + head;
        if (size > limit) throw new MongoSizeError(`document at index ${i} is ${size} bytes, above maxBsonObjectSize ${limit}`, size, limit);
        if (at + size <= bytes.length) throw error;
        const grown = Buffer.allocUnsafe(Math.max(bytes.length * 2, at + size));
        bytes.copy(grown, 0, 0, at);
        bytes = grown;
      }
    }
    if (id !== undefined) {
      // The new total length, then the _id element over the statement's own 4-byte length
      // (at `at + head`); the statement's fields and terminator follow unchanged.
      bytes.writeInt32LE(end - at, at);
      bytes[at + 4] = 0x07; // ObjectId
      bytes[at + 5] = 0x5f; // _
      bytes[at + 6] = 0x69; // i
      bytes[at + 7] = 0x64; // d
      bytes[at + 8] = 0x00;
      bytes.set(id.id, at + 9);
    }
    const size = end - at;
    if (size > limit) throw new MongoSizeError(`document at index ${i} is ${size} bytes, above maxBsonObjectSize ${limit}`, size, limit);
    at = end;
    offsets[i + 1] = at;
  }
  return { bytes, offsets };
}

/** Documents ready for `runWrite`, with the `_id` each one is inserted under. */
export interface PreparedInserts {
  /** What to serialize: the caller's own documents, or a copy where one was needed. */
  docs: Document[];
  /** Each document's `_id`, the caller's or a generated one. */
  ids: unknown[];
  /** A generated `_id` that `serializeStatements` writes first, in front of `docs[i]`'s fields. */
  prefixIds: (ObjectId | undefined)[];
}

/**
 * Adds `_id` (first, as the CRUD spec asks) to documents that lack one; never mutates input.
 * A plain object with no `_id` key is not copied: its generated `_id` is spliced in when it is
 * serialized (`prefixIds`). Other documents lacking an `_id` value are copied as
 * `{ _id, ...doc }`, as before: bson would serialize a class instance, a Map or a `toBSON`
 * differently from that copy, and an own `_id: undefined` key would be sent twice.
 */
export function withIds(docs: readonly Document[]): PreparedInserts {
  const out = new Array<Document>(docs.length);
  const ids = new Array<unknown>(docs.length);
  const prefixIds = new Array<ObjectId | undefined>(docs.length);
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i];
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new TypeError(`document at index ${i} is not an object`);
    out[i] = doc;
    if (doc._id !== undefined) {
      ids[i] = doc._id;
      continue;
    }
    const id = new ObjectId();
    ids[i] = id;
    const proto: unknown = Object.getPrototypeOf(doc);
    if ((proto === Object.prototype || proto === null) && doc.toBSON === undefined && !Object.hasOwn(doc, '_id')) {
      prefixIds[i] = id;
    } else {
      const copy: Document = { _id: id, ...doc };
      // An own `_id: undefined` overwrote the id just above (and went out as null, while
      // insertedId reported the generated id); set it back, keeping its first place.
      copy._id = id;
      out[i] = copy;
    }
  }
  return { docs: out, ids, prefixIds };
}

/**
 * Runs a write command over `statements`, in as many batches as the server's limits need.
 * `prefixIds`: generated `_id`s to write first in inserted documents (see `withIds`);
 * `fields`: more command fields for every batch (`writeConcern`, `comment`, `let`, ...).
 */
export async function runWrite(
  db: Database,
  kind: WriteKind,
  collection: string,
  statements: readonly Document[],
  ordered: boolean,
  prefixIds?: readonly (ObjectId | undefined)[],
  fields?: Document,
): Promise<WriteOutcome> {
  const limits = db.conn.limits;
  // A statement wrapping a document ({q, u}) may exceed the document limit by its envelope.
  const statementLimit = kind === 'insert' ? limits.maxBsonObjectSize : limits.maxBsonObjectSize + ENVELOPE_RESERVE;
  let serialized: SerializedStatements;
  try {
    serialized = serializeStatements(statements, statementLimit, prefixIds);
  } catch (error) {
    throw locateError(error, db.conn.address, kind);
  }
  const { bytes: all, offsets } = serialized;
  const count = statements.length;
  const outcome: WriteOutcome = {
    n: 0,
    nModified: 0,
    upserted: [],
    writeErrors: [],
    writeConcernError: undefined,
    sent: 0,
    address: db.conn.address,
    command: kind,
  };
  const maxBytes = limits.maxMessageSizeBytes - ENVELOPE_RESERVE;
  let start = 0;
  while (start < count) {
    let end = start;
    while (end < count && end - start < limits.maxWriteBatchSize) {
      if (end > start && offsets[end + 1]! - offsets[start]! > maxBytes) break;
      end++;
    }
    // The batch's documents are contiguous: one slice of the shared buffer.
    const documents = [all.subarray(offsets[start], offsets[end])];
    const cmd: Document = fields === undefined ? { [kind]: collection, ordered } : { [kind]: collection, ordered, ...fields };
    const reply = await db.conn.command(db.name, cmd, [{ identifier: SEQUENCE_ID[kind], documents }]);
    merge(outcome, reply, start);
    outcome.sent = end;
    if (ordered && (outcome.writeErrors.length > 0 || outcome.writeConcernError !== undefined)) break;
    start = end;
  }
  return outcome;
}

function merge(outcome: WriteOutcome, reply: Document, offset: number): void {
  if (typeof reply.n === 'number') outcome.n += reply.n;
  if (typeof reply.nModified === 'number') outcome.nModified += reply.nModified;
  if (Array.isArray(reply.upserted)) {
    for (const u of reply.upserted as Document[]) outcome.upserted.push({ index: Number(u.index) + offset, _id: u._id });
  }
  if (Array.isArray(reply.writeErrors)) {
    for (const e of reply.writeErrors as Document[]) {
      const code = Number(e.code);
      const error: WriteError = { index: Number(e.index) + offset, code, errmsg: String(e.errmsg ?? '') };
      const codeName = codeNameOf(code, e.codeName);
      if (codeName !== undefined) error.codeName = codeName;
      if (e.errInfo !== undefined) error.errInfo = e.errInfo as Document;
      outcome.writeErrors.push(error);
    }
  }
  if (reply.writeConcernError !== undefined) outcome.writeConcernError = reply.writeConcernError as Document;
}

/** Throws `MongoServerError` when the outcome holds write or write-concern errors. */
export function throwOnWriteErrors(outcome: WriteOutcome, result: Document): void {
  const first = outcome.writeErrors[0];
  const wce = outcome.writeConcernError;
  if (first === undefined && wce === undefined) return;
  const error = new MongoServerError({
    code: first?.code ?? Number(wce?.code ?? 0),
    codeName: first?.codeName ?? codeNameOf(Number(wce?.code ?? 0), wce?.codeName),
    errmsg: first?.errmsg ?? String(wce?.errmsg ?? 'write concern error'),
    writeErrors: outcome.writeErrors,
    writeConcernError: wce,
  });
  error.result = result;
  throw error.locate(outcome.address, outcome.command);
}
