import type { Document } from 'bson';

/**
 * The command documents of the collection operations, built once for both layers: the
 * socket-level `Collection` and the client layer's `Collection<TSchema>`. Option names are the
 * official driver's; absent (undefined) options are left out, and so are zero values where the
 * server would refuse them (FerretDB refuses fields it does not expect, and answers code 238,
 * NotImplemented, for `collation`, `let` and `arrayFilters`).
 */

/** A write concern as the driver takes it (`journal`/`wtimeoutMS` or the wire's `j`/`wtimeout`). */
export interface WriteConcernSettings {
  /** Acknowledgement: a number of members, `'majority'` or a tag set name; 0 = unacknowledged. */
  w?: number | string;
  /** Wait for the journal. */
  journal?: boolean;
  /** The wire name of `journal`. */
  j?: boolean;
  /** How long the server may wait for the acknowledgement (ms). */
  wtimeoutMS?: number;
  /** The wire name of `wtimeoutMS`. */
  wtimeout?: number;
}

/** Options every command takes. */
export interface CommandOptions {
  /** Attached to the command, visible in the server's logs and profiler. */
  comment?: unknown;
  /** Server-side time limit (ms). */
  maxTimeMS?: number;
}

/** Options of the write commands (insert, update, delete, findAndModify). */
export interface WriteCommandOptions {
  /** Attached to the command, visible in the server's logs and profiler. */
  comment?: unknown;
  /** The write concern of this command. */
  writeConcern?: WriteConcernSettings;
  /** Skip the collection's document validation. */
  bypassDocumentValidation?: boolean;
  /** Variables the filter and update may use as `$$name`. */
  let?: Document;
}

/** Options of one update or delete statement. */
export interface StatementOptions {
  /** The index to use (its name or its key pattern). */
  hint?: string | Document;
  /** String comparison rules (`{ locale: 'fr' }`). */
  collation?: Document;
}

/** Options of `find` and `findOne`. */
export interface FindOptions extends CommandOptions, StatementOptions {
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
  /** Variables the filter may use as `$$name`. */
  let?: Document;
  /** Inclusive lower index bound (with `hint`). */
  min?: Document;
  /** Exclusive upper index bound (with `hint`). */
  max?: Document;
  /** Let the server use temporary files for large sorts. */
  allowDiskUse?: boolean;
  /** Return only the index keys. */
  returnKey?: boolean;
  /** Add `$recordId` to each document. */
  showRecordId?: boolean;
  /** Ask the server not to time the cursor out. */
  noCursorTimeout?: boolean;
  /** The read concern (`{ level: 'local' }`). */
  readConcern?: Document;
}

/** Options of `aggregate`. */
export interface AggregateOptions extends CommandOptions, StatementOptions {
  /** Documents per batch. */
  batchSize?: number;
  /** Let the server use temporary files. */
  allowDiskUse?: boolean;
  /** Skip document validation (`$out`, `$merge`). */
  bypassDocumentValidation?: boolean;
  /** Variables the pipeline may use as `$$name`. */
  let?: Document;
  /** The read concern (`{ level: 'local' }`). */
  readConcern?: Document;
}

const FIND_FIELDS = [
  'hint',
  'comment',
  'maxTimeMS',
  'collation',
  'let',
  'min',
  'max',
  'allowDiskUse',
  'returnKey',
  'showRecordId',
  'noCursorTimeout',
  'readConcern',
] as const;
const AGGREGATE_FIELDS = ['allowDiskUse', 'bypassDocumentValidation', 'collation', 'comment', 'hint', 'let', 'maxTimeMS', 'readConcern'] as const;
const WRITE_FIELDS = ['comment', 'bypassDocumentValidation', 'let'] as const;
const STATEMENT_FIELDS = ['hint', 'collation'] as const;

/** Copies the options named in `keys` that are set onto `target`. */
export function copyOptions<K extends string>(target: Document, options: Partial<Record<K, unknown>>, keys: readonly K[]): Document {
  for (const key of keys) {
    const value = options[key];
    if (value !== undefined) target[key] = value;
  }
  return target;
}

/** The wire form of a write concern (`{ w, j, wtimeout }`), or undefined when nothing is set. */
export function writeConcernDocument(wc: WriteConcernSettings | undefined): Document | undefined {
  if (wc === undefined) return undefined;
  const out: Document = {};
  if (wc.w !== undefined) out.w = wc.w;
  const j = wc.journal ?? wc.j;
  if (j !== undefined) out.j = j;
  const wtimeout = wc.wtimeoutMS ?? wc.wtimeout;
  if (wtimeout !== undefined) out.wtimeout = wtimeout;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The command-level fields of a write (`comment`, `let`, `writeConcern`, ...), or undefined when none. */
export function writeCommandFields(options: WriteCommandOptions): Document | undefined {
  const out = copyOptions({}, options, WRITE_FIELDS);
  const wc = writeConcernDocument(options.writeConcern);
  if (wc !== undefined) out.writeConcern = wc;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Adds the statement options (`hint`, `collation`, and `arrayFilters` for updates) to one statement. */
export function withStatementOptions(statement: Document, options: StatementOptions & { arrayFilters?: Document[] }): Document {
  copyOptions(statement, options, STATEMENT_FIELDS);
  if (options.arrayFilters !== undefined) statement.arrayFilters = options.arrayFilters;
  return statement;
}

/** The `find` command. */
export function findCommand(collection: string, filter: Document, options: FindOptions): Document {
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
  return copyOptions(cmd, options, FIND_FIELDS);
}

/** The `aggregate` command (its `cursor` document is mandatory). */
export function aggregateCommand(collection: string | 1, pipeline: Document[], options: AggregateOptions): Document {
  const cursor: Document = options.batchSize !== undefined && options.batchSize > 0 ? { batchSize: options.batchSize } : {};
  return copyOptions({ aggregate: collection, pipeline, cursor }, options, AGGREGATE_FIELDS);
}

/** What the cursor itself needs of the options (getMore sizes, the overall limit). */
export function cursorOptions(options: { batchSize?: number | undefined; limit?: number | undefined }): { batchSize?: number; limit?: number } {
  const out: { batchSize?: number; limit?: number } = {};
  if (options.batchSize !== undefined && options.batchSize > 0) out.batchSize = options.batchSize;
  if (options.limit !== undefined && options.limit !== 0) out.limit = Math.abs(options.limit);
  return out;
}

/** `countDocuments` as an aggregation (`$match`, `$skip`, `$limit`, `$group`). */
export function countPipeline(filter: Document, options: { skip?: number | undefined; limit?: number | undefined }): Document[] {
  const pipeline: Document[] = [{ $match: filter }];
  if (options.skip !== undefined && options.skip > 0) pipeline.push({ $skip: options.skip });
  if (options.limit !== undefined && options.limit > 0) pipeline.push({ $limit: options.limit });
  pipeline.push({ $group: { _id: 1, n: { $sum: 1 } } });
  return pipeline;
}

/** Options of `findAndModify` (findOneAndUpdate, findOneAndReplace, findOneAndDelete). */
export interface FindAndModifyOptions extends WriteCommandOptions, StatementOptions {
  /** Which document, when several match. */
  sort?: Document;
  /** Fields of the returned document. */
  projection?: Document;
  /** The document as it was (`'before'`, the default) or as it is now (`'after'`). */
  returnDocument?: 'before' | 'after';
  /** Insert when nothing matches. */
  upsert?: boolean;
  /** Which array elements an update's `$[name]` touches. */
  arrayFilters?: Document[];
  /** Server-side time limit (ms). */
  maxTimeMS?: number;
}

/** The `findAndModify` command: `change` is `{ update }` (a document or pipeline) or `{ remove: true }`. */
export function findAndModifyCommand(
  collection: string,
  filter: Document,
  change: { update: Document | Document[] } | { remove: true },
  options: FindAndModifyOptions,
): Document {
  const cmd: Document = { findAndModify: collection, query: filter, ...change };
  if (options.sort !== undefined) cmd.sort = options.sort;
  if (options.projection !== undefined) cmd.fields = options.projection;
  if ('update' in change) {
    if (options.returnDocument === 'after') cmd.new = true;
    if (options.upsert === true) cmd.upsert = true;
    if (options.arrayFilters !== undefined) cmd.arrayFilters = options.arrayFilters;
  }
  copyOptions(cmd, options, ['hint', 'collation', 'maxTimeMS', ...WRITE_FIELDS]);
  const wc = writeConcernDocument(options.writeConcern);
  if (wc !== undefined) cmd.writeConcern = wc;
  return cmd;
}

/** Throws unless `update` is an aggregation pipeline or starts with an update operator. */
export function checkUpdate(update: Document | Document[]): void {
  if (Array.isArray(update)) return;
  const keys = Object.keys(update);
  if (keys.length === 0 || !keys[0]!.startsWith('$')) throw new TypeError('update document requires atomic operators ($set, $inc, ...)');
}

/** Throws if a replacement document holds update operators. */
export function checkReplacement(replacement: Document): void {
  if (Object.keys(replacement).some((k) => k.startsWith('$'))) throw new TypeError('replacement document must not contain update operators');
}

/** The default index name, `<field>_<dir>` joined by `_` (the server's rule; FerretDB needs one sent). */
export function indexName(keys: Document): string {
  return Object.entries(keys)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join('_');
}

/** One index of `createIndexes`: the options, `key`, and `name` (given or the default). */
export function indexSpec(keys: Document, options: Document = {}): Document {
  return { ...options, key: keys, name: typeof options.name === 'string' ? options.name : indexName(keys) };
}
