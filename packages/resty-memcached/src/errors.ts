/**
 * The error family of resty-memcached, rooted in `MemcachedError` (itself cosocket's
 * `OperationError`): every error carries `address` (`host:port` or `unix:/path`) and `command`
 * (`get`, `set`, `flush_all`, ...) and its message names both, except a server's error reply,
 * whose message is the server's line. Transport failures are cosocket's `CosocketError`
 * (re-exported from the package index), with the same two fields. Whether a connection
 * survives an error is `keepsConnection(error)` (cosocket), true only for a server error reply.
 */
import { OperationError } from 'cosocket';

/** The first word of a memcached error line. */
export type MemcachedErrorCode = 'ERROR' | 'CLIENT_ERROR' | 'SERVER_ERROR';

/** What broke the protocol: the `code` of a `MemcachedProtocolError`. */
export type MemcachedProtocolErrorCode =
  | 'unexpected reply'
  | 'bad VALUE line'
  | 'value too large'
  | 'line too long'
  | 'key not asked for'
  | 'bad trailer'
  | 'reply cut short'
  | 'unexpected bytes';

/** Where an error happened, and what caused it. */
interface Origin {
  address?: string | undefined;
  command?: string | undefined;
  cause?: unknown;
}

/**
 * The base of every error resty-memcached throws itself: a server error reply
 * (`MemcachedServerError`), a reply that breaks the protocol (`MemcachedProtocolError`) or a
 * misuse of the client (`MemcachedClientError`).
 */
export class MemcachedError extends OperationError {
  /** The class name: `'MemcachedServerError'`, `'MemcachedProtocolError'`, ... */
  override name = 'MemcachedError';
  /** A short fixed string: the server's first word, or what went wrong. */
  readonly code: string;

  constructor(code: string, text: string, origin: Origin = {}) {
    super(text, origin);
    this.code = code;
  }
}

/**
 * The server answered `ERROR`, `CLIENT_ERROR ...` or `SERVER_ERROR ...`: `code` is the first
 * word, `message` the server's line. Only this command failed: the connection stays in sync,
 * usable and poolable (`keepsConnection` is true).
 */
export class MemcachedServerError extends MemcachedError {
  /** Always `'MemcachedServerError'`. */
  override name = 'MemcachedServerError';
  /** `ERROR`, `CLIENT_ERROR` or `SERVER_ERROR`. */
  declare readonly code: MemcachedErrorCode;

  /** `line` is the whole server line, e.g. `SERVER_ERROR object too large for cache`. */
  constructor(code: MemcachedErrorCode, line: string, command: string) {
    super(code, line, { command });
  }

  /** A reply read whole: the stream is still in sync. */
  override get keepsConnection(): boolean {
    return true;
  }
}

/**
 * The server sent bytes that break the protocol: a garbage line, a VALUE block whose byte
 * count or trailer does not match, a value for a key that was not asked for, a line or value
 * over the configured limits, or a reply cut short by EOF. The stream is out of sync, so the
 * connection has been closed and will never reach the pool.
 */
export class MemcachedProtocolError extends MemcachedError {
  /** Always `'MemcachedProtocolError'`. */
  override name = 'MemcachedProtocolError';
  /** What broke the protocol (`unexpected reply`, `bad trailer`, `reply cut short`, ...). */
  declare readonly code: MemcachedProtocolErrorCode;

  constructor(code: MemcachedProtocolErrorCode, text: string, command: string, options: { cause?: unknown } = {}) {
    super(code, text, { command, cause: options.cause });
  }
}

/**
 * A misuse of the client that is not a bad argument (those are `TypeError` / `RangeError`):
 * `quit` on a multiplexed connection, a second `connect` of a multiplexed client. Nothing was
 * sent.
 */
export class MemcachedClientError extends MemcachedError {
  /** Always `'MemcachedClientError'`. */
  override name = 'MemcachedClientError';
}
