import type { Document } from 'bson';
import { OperationError } from 'cosocket';
import { maskConnectionString } from './uri/mask.js';

/**
 * Base class of every error resty-mongo words itself; transport failures are cosocket's
 * `CosocketError`. Both derive from cosocket's `OperationError`, so every error carries
 * `address` (`host:port` or `unix:/path`) and `command` (the MongoDB command: `find`, `getMore`,
 * `hello`, `saslStart`, ...; `connect` for the connect step), and, except for a server's own
 * reply, its message ends in both: `... (127.0.0.1:27017, find)`.
 */
export class MongoError extends OperationError {
  /** Always `'MongoError'`. */
  override name = 'MongoError';
}

/** One failed statement of a write command (`writeErrors[i]`), indexed within the whole call. */
export interface WriteError {
  /** Position of the failed document or statement in your whole call. */
  index: number;
  /** Server error code (11000: duplicate key). */
  code: number;
  /** The server's message. */
  errmsg: string;
  /** The error name, when the server sent one. */
  codeName?: string;
  /** Details, e.g. of a failed document validation. */
  errInfo?: Document;
}

/**
 * The server refused a command (`ok: 0`) or some statements of a write (`writeErrors`). The
 * reply was read whole, so the connection stays usable and poolable (`keepsConnection`); the
 * message is the server's `errmsg`, unchanged, with `address` and `command` as fields only.
 */
export class MongoServerError extends MongoError {
  /** Always `'MongoServerError'`. */
  override name = 'MongoServerError';
  /** Server error code (11000 for a duplicate key; the first write error's code for writes). */
  readonly code: number;
  /** The error's name, e.g. `DuplicateKey`, when the server sent one. */
  readonly codeName: string | undefined;
  /** The server's message. */
  readonly errmsg: string;
  /** Per-statement failures of insert/update/delete, indexes relative to the whole call. */
  readonly writeErrors: WriteError[];
  /** The write concern failure, if the server reported one. */
  readonly writeConcernError: Document | undefined;
  /** Labels the server attached (e.g. `TransientTransactionError`). */
  readonly errorLabels: string[];
  /** The partial result of a write that failed part way (e.g. `insertedCount`). */
  result: Document | undefined;

  constructor(fields: {
    code: number;
    codeName?: string | undefined;
    errmsg: string;
    writeErrors?: WriteError[] | undefined;
    writeConcernError?: Document | undefined;
    errorLabels?: string[] | undefined;
  }) {
    super(fields.errmsg);
    this.code = fields.code;
    this.codeName = fields.codeName;
    this.errmsg = fields.errmsg;
    this.writeErrors = fields.writeErrors ?? [];
    this.writeConcernError = fields.writeConcernError;
    this.errorLabels = fields.errorLabels ?? [];
    this.result = undefined;
  }

  /** A server reply read whole: the connection is in sync. */
  override get keepsConnection(): boolean {
    return true;
  }
}

/**
 * The server broke the wire protocol (bad length, wrong responseTo, unknown opcode or section,
 * bad checksum, truncated BSON). The connection was closed at once and never reaches the pool.
 */
export class MongoProtocolError extends MongoError {
  /** Always `'MongoProtocolError'`. */
  override name = 'MongoProtocolError';
}

/**
 * Client-side authentication failure: the server's SCRAM answer could not be trusted (bad
 * nonce, too few iterations, wrong server signature). Server refusals are `MongoServerError`
 * (code 18). Messages never carry the password, the proof or derived keys.
 */
export class MongoAuthError extends MongoError {
  /** Always `'MongoAuthError'`. */
  override name = 'MongoAuthError';
}

/**
 * A document or message exceeds the server's limits. Raised before anything was written, so the
 * connection never saw the request and stays as it was.
 */
export class MongoSizeError extends MongoError {
  /** Always `'MongoSizeError'`. */
  override name = 'MongoSizeError';
  constructor(
    message: string,
    /** Size of the offending document or message, in bytes. */
    readonly size: number,
    /** The limit it exceeds. */
    readonly limit: number,
  ) {
    super(message);
  }
}

/**
 * The application misused the client in a way a `TypeError` for a bad argument does not cover
 * (e.g. a `Cursor` built without a command to open it). Nothing was sent.
 */
export class MongoClientError extends MongoError {
  /** Always `'MongoClientError'`. */
  override name = 'MongoClientError';
}

/**
 * A connection string that the MongoDB Connection String or URI Options specification calls
 * invalid. A `TypeError`, like every bad URL of the client layer (api.md): the message quotes the
 * string with its passwords masked and says what is wrong, `bad URL "mongodb://u:****@h:0": ...`.
 */
export class MongoParseError extends TypeError {
  /** Always `'MongoParseError'`. */
  override name = 'MongoParseError';
  /** The connection string, passwords masked. */
  readonly uri: string;
  /** What is wrong with it. */
  readonly problem: string;

  constructor(uri: string, problem: string) {
    const masked = maskConnectionString(uri);
    super(`bad URL "${masked}": ${problem}`);
    this.uri = masked;
    this.problem = problem;
  }
}

/** Names for codes a server may send without `codeName` (FerretDB omits it in write errors). */
const CODE_NAMES: Record<number, string> = {
  2: 'BadValue',
  9: 'FailedToParse',
  11: 'UserNotFound',
  13: 'Unauthorized',
  14: 'TypeMismatch',
  17: 'ProtocolError',
  18: 'AuthenticationFailed',
  26: 'NamespaceNotFound',
  43: 'CursorNotFound',
  50: 'MaxTimeMSExpired',
  59: 'CommandNotFound',
  186: 'ClientMetadataCannotBeMutated',
  334: 'MechanismUnavailable',
  10334: 'BSONObjectTooLarge',
  11000: 'DuplicateKey',
};

/** The server's codeName, or the well-known name of `code`. */
export function codeNameOf(code: number, given: unknown): string | undefined {
  return typeof given === 'string' ? given : CODE_NAMES[code];
}

/** Builds the error for an `ok: 0` reply. */
export function serverErrorFromReply(reply: Document): MongoServerError {
  const code = typeof reply.code === 'number' ? reply.code : 0;
  return new MongoServerError({
    code,
    codeName: codeNameOf(code, reply.codeName),
    errmsg: typeof reply.errmsg === 'string' ? reply.errmsg : 'command failed',
    errorLabels: Array.isArray(reply.errorLabels) ? (reply.errorLabels as string[]) : undefined,
  });
}
