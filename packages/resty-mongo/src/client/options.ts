import type { Document } from 'bson';
import type {
  AggregateOptions as CommandAggregateOptions,
  CommandOptions,
  FindAndModifyOptions,
  FindOptions as CommandFindOptions,
  StatementOptions,
  WriteCommandOptions,
  WriteConcernSettings,
} from '../collection-commands.js';
import type { Sort } from './schema.js';

/**
 * The option bags of the client layer's operations, with the official driver's names. Options
 * the server does not know are sent anyway and its refusal is yours to see (FerretDB refuses
 * `collation`, `let` and `arrayFilters` with code 238, NotImplemented).
 */

export type { CommandOptions, StatementOptions, WriteConcernSettings };

/** The write concern of one operation: `writeConcern`, or its legacy shorthand `w`. */
export interface WriteOptions extends Omit<WriteCommandOptions, 'writeConcern'> {
  writeConcern?: WriteConcernSettings;
  /** Shorthand for `writeConcern: { w }`. */
  w?: number | string;
}

/** Options of `find` (also set by the cursor's chainable methods). */
export interface FindOptions extends Omit<CommandFindOptions, 'sort'> {
  /** Sort order, in any of the driver's spellings. */
  sort?: Sort;
}

/** Options of `findOne`. */
export type FindOneOptions = Omit<FindOptions, 'limit' | 'batchSize' | 'noCursorTimeout'>;

/** Options of `aggregate`. */
export type AggregateOptions = CommandAggregateOptions;

/** Options of `countDocuments`. */
export interface CountDocumentsOptions extends CommandOptions, StatementOptions {
  /** Documents to skip before counting. */
  skip?: number;
  /** Count at most this many. */
  limit?: number;
}

/** Options of `estimatedDocumentCount`. */
export type EstimatedDocumentCountOptions = CommandOptions;

/** Options of `distinct`. */
export interface DistinctOptions extends CommandOptions {
  /** String comparison rules. */
  collation?: Document;
}

/** Options of `insertOne`. */
export interface InsertOneOptions extends Omit<WriteOptions, 'let'> {
  /** Ignored: the client always generates a missing `_id`. */
  forceServerObjectId?: boolean;
}

/** Options of `insertMany` and `bulkWrite`. */
export interface BulkWriteOptions extends WriteOptions {
  /** Stop at the first failure (default true); unordered carries on. */
  ordered?: boolean;
}

/** Options of `updateOne` and `updateMany`. */
export interface UpdateOptions extends WriteOptions, StatementOptions {
  /** Insert a document when nothing matches. */
  upsert?: boolean;
  /** Which array elements an update's `$[name]` touches. */
  arrayFilters?: Document[];
}

/** Options of `replaceOne`. */
export type ReplaceOptions = Omit<UpdateOptions, 'arrayFilters'>;

/** Options of `deleteOne` and `deleteMany`. */
export type DeleteOptions = WriteOptions & StatementOptions;

/** Options of `findOneAndUpdate`. */
export interface FindOneAndUpdateOptions extends Omit<FindAndModifyOptions, 'writeConcern' | 'sort'>, WriteOptions {
  /** Which document, when several match. */
  sort?: Sort;
  /** Resolve `{ value, lastErrorObject, ok }` instead of the document (default false, as in driver v6). */
  includeResultMetadata?: boolean;
}

/** Options of `findOneAndReplace`. */
export type FindOneAndReplaceOptions = Omit<FindOneAndUpdateOptions, 'arrayFilters'>;

/** Options of `findOneAndDelete`. */
export type FindOneAndDeleteOptions = Omit<FindOneAndUpdateOptions, 'arrayFilters' | 'returnDocument' | 'upsert'>;

/** An index to create: its key pattern and options (the `createIndexes` command's own shape). */
export interface IndexDescription extends Document {
  key: Document;
  name?: string;
}

/** Options of `createIndex` and `createIndexes`: the index options plus the command's. */
export interface CreateIndexesOptions extends CommandOptions {
  name?: string;
  unique?: boolean;
  sparse?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Document;
  collation?: Document;
  hidden?: boolean;
  weights?: Document;
  default_language?: string;
  language_override?: string;
  /** Sent with the command, not the index: how many members must build it. */
  commitQuorum?: number | string;
  /** Legacy, ignored by servers since 4.2. */
  background?: boolean;
  [option: string]: unknown;
}

/** Options of `dropIndex`, `dropIndexes` and `listIndexes`. */
export interface IndexCommandOptions extends CommandOptions {
  /** Documents per batch (`listIndexes`). */
  batchSize?: number;
}

/** Options of `db.listCollections`. */
export interface ListCollectionsOptions extends CommandOptions {
  /** Only names and types (cheaper). */
  nameOnly?: boolean;
  /** Only the collections the user may act on. */
  authorizedCollections?: boolean;
  /** Documents per batch. */
  batchSize?: number;
}

/** Options of `db.createCollection` (the `create` command's fields: `capped`, `size`, `validator`, ...). */
export interface CreateCollectionOptions extends CommandOptions {
  writeConcern?: WriteConcernSettings;
  [option: string]: unknown;
}

/** Options of `drop`, `dropCollection` and `dropDatabase`. */
export interface DropOptions extends CommandOptions {
  writeConcern?: WriteConcernSettings;
}

/** Options of `db.command`. */
export interface RunCommandOptions {
  /** Ignored: one server for now (the topology issue brings read preferences). */
  readPreference?: unknown;
}
