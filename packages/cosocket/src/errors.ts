/**
 * Transport failures, with `code` set to OpenResty's error string so code written against
 * lua-nginx-module's `nil, err` returns maps one to one.
 */
export class CosocketError extends Error {
  /** Always `'CosocketError'`. */
  override name = 'CosocketError';
  /** OpenResty's error string: `timeout`, `closed`, `socket busy reading`, ... */
  readonly code: string;
  /** Bytes received before a failed read (empty when none, or for non-read failures). */
  readonly partial: Buffer | string;

  constructor(code: string, options: { partial?: Buffer | string; cause?: unknown; message?: string } = {}) {
    super(options.message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.partial = options.partial ?? EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);

/** Maps Node's errno codes to the lower-case glibc strerror texts OpenResty returns. */
const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'broken pipe',
  ENOENT: 'no such file or directory',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EACCES: 'permission denied',
  ENOTSOCK: 'socket operation on non-socket',
  ECONNABORTED: 'software caused connection abort',
};

export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined && ERRNO_TEXT[code]) || 'error';
}

/** Wraps a Node socket error in a CosocketError carrying the OpenResty text. */
export function fromSystemError(err: unknown, partial?: Buffer | string): CosocketError {
  return new CosocketError(errnoText(err), { cause: err, ...(partial === undefined ? {} : { partial }) });
}
