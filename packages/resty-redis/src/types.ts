import type { ClientTlsOptions } from 'cosocket';
import type { RedisReplyError } from './errors.js';

/** What a command argument may be. Anything else (null, undefined, objects, booleans) is a TypeError. */
export type RedisArg = string | number | bigint | Uint8Array;

/**
 * A decoded RESP2 reply: status and bulk replies are strings (Buffers with `returnBuffers`),
 * integers are numbers, nil is `null`, multi-bulk replies are arrays, and error replies nested
 * in arrays are `RedisReplyError` values.
 */
export type RedisReply = string | Buffer | number | null | RedisReplyArray | RedisReplyError;

/** A multi-bulk reply. */
export interface RedisReplyArray extends Array<RedisReply> {}

/** Options of `new Redis(...)`. */
export interface RedisOptions {
  /** Return bulk and status replies as Buffers instead of UTF-8 strings (default false). */
  returnBuffers?: boolean;
  /**
   * The largest reply accepted, in bytes (default 512 MiB, Redis's own proto-max-bulk-len).
   * A bulk length or element count announcing more is a protocol error, raised before
   * anything is allocated for it.
   */
  maxReplySize?: number;
}

/** Options of `connect`. */
export interface RedisConnectOptions extends ClientTlsOptions {
  /** Pool name; by default derived from host, port, database, username, password digest and TLS. */
  pool?: string;
  /** Size of the pool if this connect creates it. */
  poolSize?: number;
  /** Queue length for connects beyond `poolSize`. */
  backlog?: number;
  /** ACL user name for AUTH (needs `password`). */
  username?: string;
  /** Password for AUTH, sent on fresh connections only. */
  password?: string;
  /** Database SELECTed on fresh connections, and restored before pooling (default 0). */
  database?: number;
}
