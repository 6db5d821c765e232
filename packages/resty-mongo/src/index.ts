/**
 * resty-mongo: a MongoDB client on cosockets (OP_MSG, SCRAM-SHA-256/1, CRUD and cursors).
 * `MongoClient` is the official driver's shape (one client, a pool of connections, shared by
 * every caller); underneath it, `Mongo` is one connection with lua-resty-mongol's shape. See
 * the package README.
 *
 * @module resty-mongo
 */
// The client layer (the official driver's names).
export { MongoClient } from './client/mongo-client.js';
export type { MongoClientOptions, ClientSettings } from './client/client-options.js';
export { Db, type DbOptions } from './client/db.js';
export { Collection } from './client/collection.js';
export { AbstractCursor, FindCursor, AggregationCursor, ListIndexesCursor, ListCollectionsCursor, type CollectionInfo } from './client/cursors.js';
export { MongoBulkWriteError, MongoServerSelectionError } from './client/errors.js';
export type { AnyBulkWriteOperation, InsertOneModel, UpdateModel, ReplaceOneModel, DeleteModel } from './client/bulk-write.js';
export type { IndexSpecification } from './client/indexes.js';
export type * from './client/options.js';
export type * from './client/results.js';
export type * from './client/schema.js';
// The layer underneath: one connection (lua-resty-mongol's shape).
export { Mongo, defaultPoolName, type MongoOptions, type MongoConnectOptions, type ConnectionResource } from './client.js';
export { Database } from './database.js';
export {
  Collection as DatabaseCollection,
  type UpdateResult as DatabaseUpdateResult,
  type UpdateOptions as DatabaseUpdateOptions,
  type DeleteOptions as DatabaseDeleteOptions,
  type InsertOptions as DatabaseInsertOptions,
} from './collection.js';
export type { FindOptions as DatabaseFindOptions, FindAndModifyOptions } from './collection-commands.js';
export { Cursor, type CursorOptions, type CursorHost } from './cursor.js';
export {
  MongoError,
  MongoServerError,
  MongoProtocolError,
  MongoAuthError,
  MongoSizeError,
  MongoClientError,
  MongoParseError,
  type WriteError,
} from './errors.js';
export {
  parseConnectionString,
  type ParsedConnectionString,
  type ConnectionStringAuth,
  type ConnectionStringHost,
  type ConnectionStringOptions,
  type HostType,
  type AuthMechanism,
  type ReadPreferenceMode,
  type Compressor,
} from './uri/index.js';
export type { ServerLimits } from './handshake.js';
export type { ScramMechanism } from './auth/scram.js';
export { CosocketError, OperationError, keepsConnection } from 'cosocket';
export {
  BSON,
  Binary,
  BSONError,
  BSONRegExp,
  BSONSymbol,
  Code,
  DBRef,
  Decimal128,
  Double,
  EJSON,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
  type Document,
} from 'bson';
