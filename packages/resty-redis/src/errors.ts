import { CosocketError, OperationError } from 'cosocket';
import type { RedisReply } from './types.js';

/**
 * The base of every error resty-redis words itself (cosocket's `OperationError`): `address`
 * (`host:port` or `unix:/path`) and `command` (the Redis command in upper case, e.g. `GET`;
 * `connect` for the connect and its AUTH/SELECT, `PIPELINE` for a `commitPipeline` that failed
 * as a whole, `setkeepalive`, `readreply` and `close` for those methods) say where it happened.
 */
export class RedisError extends OperationError {
  override name = 'RedisError';
}

/**
 * An error reply from Redis (`-ERR ...`). The connection stays usable (`keepsConnection`), and
 * the message is the server text alone; `address` and `command` are fields. Thrown for a
 * top-level reply; a value inside arrays (pipeline results, EXEC replies, script results).
 */
export class RedisReplyError extends RedisError {
  /** Always `'RedisReplyError'`. */
  override name = 'RedisReplyError';
  /** The first word of the server text: `ERR`, `WRONGTYPE`, `NOSCRIPT`, `WRONGPASS`, ... */
  readonly code: string;

  constructor(message: string, options?: { address?: string | undefined; command?: string | undefined }) {
    super(message, options);
    const space = message.indexOf(' ');
    this.code = space === -1 ? message : message.slice(0, space);
  }

  /** A reply read whole: the stream is in sync, the connection may be reused and pooled. */
  override get keepsConnection(): boolean {
    return true;
  }
}

/**
 * The server broke RESP2 (unknown type byte, malformed or oversized length, missing CRLF).
 * The connection is closed at once and never pooled.
 */
export class RedisProtocolError extends RedisError {
  /** Always `'RedisProtocolError'`. */
  override name = 'RedisProtocolError';
}

/**
 * A local misuse of the client, found before any I/O: `not subscribed`, `no pipeline`,
 * `subscribed state` (setKeepalive while subscribed), a command refused on a multiplexed
 * connection, ...
 */
export class RedisClientError extends RedisError {
  /** Always `'RedisClientError'`. */
  override name = 'RedisClientError';
}

/** The error a second overlapping command gets, the way a cosocket reports a busy socket. */
export function busyError(phase: 'writing' | 'reading'): CosocketError {
  return new CosocketError(phase === 'writing' ? 'socket busy writing' : 'socket busy reading');
}

/**
 * What `command` names for an operation of the client that is not one Redis command: connect
 * (with its AUTH and SELECT), a failed commit of a pipeline as a whole, ...
 */
export const CONNECT = 'connect';
export const PIPELINE = 'PIPELINE';
export const SET_KEEPALIVE = 'setkeepalive';
export const READ_REPLY = 'readreply';
export const CLOSE = 'close';
const CLIENT_OPERATIONS: ReadonlySet<string> = new Set([CONNECT, PIPELINE, SET_KEEPALIVE, READ_REPLY, CLOSE]);

/** The `command` of an error: a Redis command upper-cased (`GET`), a client operation as is. */
function commandLabel(name: string): string {
  return CLIENT_OPERATIONS.has(name) ? name : name.toUpperCase();
}

/**
 * Names `address` and the command (`name` as sent or a client operation; upper-cased here, on
 * the error path only) on an error of the family; other values (a TypeError for a bad
 * argument) pass through.
 */
export function locateCommand<E>(error: E, address: string | undefined, name: string): E {
  if (error instanceof OperationError) error.locate(address, commandLabel(name));
  return error;
}

/**
 * Names address and command on the error replies in a reply: the reply itself or values nested
 * in an array (EXEC, scripts). Scalars return at the first check, so the success path of a
 * GET pays one `typeof`.
 */
export function locateReply(reply: RedisReply, address: string | undefined, name: string): void {
  if (typeof reply !== 'object' || reply === null) return;
  if (reply instanceof RedisReplyError) reply.locate(address, commandLabel(name));
  else if (Array.isArray(reply)) for (const value of reply) locateReply(value, address, name);
}

/**
 * Why a failure closed the connection, for the `closed (...)` message a later command gets
 * (`closed (after a read timeout)`) and for the pool's close event. Read before the client
 * puts its command on the error: a socket's send timeout names `send`.
 */
export function closeReason(error: unknown): string {
  if (error instanceof RedisProtocolError) return 'after a protocol error';
  if (!(error instanceof CosocketError)) return 'after an error';
  if (error.code === 'timeout') return error.command === 'send' ? 'after a send timeout' : 'after a read timeout';
  if (error.code === 'closed') return 'after the server closed the connection';
  return `after a transport error: ${error.code}`;
}
