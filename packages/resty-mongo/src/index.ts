/**
 * resty-mongo: a MongoDB client on cosockets (OP_MSG, SCRAM-SHA-256/1, CRUD and cursors),
 * with lua-resty-mongol's shape. See the package README.
 *
 * @module resty-mongo
 */
export { Mongo, defaultPoolName, type MongoOptions, type MongoConnectOptions, type ConnectionResource } from './client.js';
export { Database } from './database.js';
export { Collection, type FindOptions, type UpdateResult } from './collection.js';
export { Cursor, type CursorOptions } from './cursor.js';
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
