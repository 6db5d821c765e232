import { CosocketError } from 'cosocket';

/**
 * An error reply from Redis (`-ERR ...`). The connection stays usable. Thrown for a top-level
 * reply; a value inside arrays (pipeline results, EXEC replies, script results).
 */
export class RedisReplyError extends Error {
  /** Always `'RedisReplyError'`. */
  override name = 'RedisReplyError';
  /** The first word of the server text: `ERR`, `WRONGTYPE`, `NOSCRIPT`, `WRONGPASS`, ... */
  readonly code: string;

  constructor(message: string) {
    super(message);
    const space = message.indexOf(' ');
    this.code = space === -1 ? message : message.slice(0, space);
  }
}

/**
 * The server broke RESP2 (unknown type byte, malformed or oversized length, missing CRLF).
 * The connection is closed at once and never pooled.
 */
export class RedisProtocolError extends Error {
  /** Always `'RedisProtocolError'`. */
  override name = 'RedisProtocolError';
}

/**
 * A local misuse of the client, found before any I/O: `not subscribed`, `no pipeline`,
 * `subscribed state` (setKeepalive while subscribed), ...
 */
export class RedisClientError extends Error {
  /** Always `'RedisClientError'`. */
  override name = 'RedisClientError';
}

/** The error a second overlapping command gets, the way a cosocket reports a busy socket. */
export function busyError(phase: 'writing' | 'reading'): CosocketError {
  return new CosocketError(phase === 'writing' ? 'socket busy writing' : 'socket busy reading');
}
