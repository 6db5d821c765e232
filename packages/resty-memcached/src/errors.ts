/**
 * Error classes of resty-memcached. Transport failures are cosocket's `CosocketError`
 * (re-exported from the package index); these two cover what the server says and what it
 * must never say.
 */

/** The first word of a memcached error line. */
export type MemcachedErrorCode = 'ERROR' | 'CLIENT_ERROR' | 'SERVER_ERROR';

/**
 * The server answered `ERROR`, `CLIENT_ERROR ...` or `SERVER_ERROR ...`. Only this command
 * failed: the connection stays in sync, usable and poolable.
 */
export class MemcachedError extends Error {
  /** Always `'MemcachedError'`. */
  override name = 'MemcachedError';
  /** `ERROR`, `CLIENT_ERROR` or `SERVER_ERROR`. */
  readonly code: MemcachedErrorCode;
  /** The command that drew the error (`set`, `get`, `incr`, ...). */
  readonly command: string;

  /** `line` is the whole server line, e.g. `SERVER_ERROR object too large for cache`. */
  constructor(code: MemcachedErrorCode, line: string, command: string) {
    super(line);
    this.code = code;
    this.command = command;
  }
}

/**
 * The server sent bytes that break the protocol: a garbage line, a VALUE block whose byte
 * count or trailer does not match, a value for a key that was not asked for, a line or value
 * over the configured limits, or a reply cut short by EOF. The stream is out of sync, so the
 * connection has been closed and will never reach the pool.
 */
export class MemcachedProtocolError extends Error {
  /** Always `'MemcachedProtocolError'`. */
  override name = 'MemcachedProtocolError';
  /** The command whose reply was malformed. */
  readonly command: string;

  constructor(message: string, command: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.command = command;
  }
}
