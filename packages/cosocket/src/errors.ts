/**
 * The error family of every package. `OperationError` is the base: it carries where the error
 * happened (`address`: `host:port` or `unix:/path`) and in which operation (`command`: `connect`,
 * `receive`, `GET`, `find`, ...), and its message names both:
 * `connection refused (127.0.0.1:6399, connect)`. Each package derives its own family from it;
 * transport failures are `CosocketError`, with `code` set to OpenResty's error string so code
 * written against lua-nginx-module's `nil, err` returns maps one to one.
 *
 * Server error replies (a Redis `-ERR`, a memcached `SERVER_ERROR`, a MongoDB `ok: 0`) keep the
 * server's words as their message (api.md fixes that) and carry `address` and `command` as
 * fields; they are also the only errors after which a connection stays usable
 * (`keepsConnection`), a rule written here once for every client and the multiplexer.
 */
export class OperationError extends Error {
  override name = 'OperationError';
  /** `host:port` or `unix:/path` of the peer, when known. */
  address: string | undefined;
  /** The operation that failed: a socket operation, a command name (`GET`), `connect`, ... */
  command: string | undefined;
  /** What went wrong, without the `(address, command)` suffix. */
  readonly text: string;

  constructor(text: string, options: { address?: string | undefined; command?: string | undefined; cause?: unknown } = {}) {
    super(text, options.cause === undefined ? undefined : { cause: options.cause });
    this.text = text;
    this.address = options.address;
    this.command = options.command;
    if (options.address !== undefined || options.command !== undefined) this.message = this.compose();
  }

  /**
   * Whether the connection this error came from is still in sync and may be reused (and
   * pooled): true only for a server's error reply that was read whole.
   */
  get keepsConnection(): boolean {
    return false;
  }

  /**
   * Names where and in what the error happened; a later caller (the client around a socket)
   * overrides the socket's own operation with its command. Returns the same error.
   */
  locate(address: string | undefined, command: string | undefined): this {
    if (address !== undefined) this.address = address;
    if (command !== undefined) this.command = command;
    // The stack is left alone: V8 writes its first line from the message when it is first read,
    // which for an error on its way to the caller is after this; formatting it here would cost
    // ~30 µs per error.
    this.message = this.compose();
    return this;
  }

  private compose(): string {
    if (this.keepsConnection) return this.text;
    const origin = [this.address, this.command].filter((part) => part !== undefined && part !== '');
    return origin.length === 0 ? this.text : `${this.text} (${origin.join(', ')})`;
  }
}

/** Whether the connection behind `error` may be kept: a server error reply read whole. */
export function keepsConnection(error: unknown): error is OperationError {
  return error instanceof OperationError && error.keepsConnection;
}

/** Adds address and command to an error of the family; other values pass through untouched. */
export function locateError(error: unknown, address: string | undefined, command: string | undefined): unknown {
  if (error instanceof OperationError) error.locate(address, command);
  return error;
}

/**
 * Transport failures, with `code` set to OpenResty's error string (`timeout`, `closed`,
 * `connection refused`, ...). The message adds why where OpenResty's string alone would mislead
 * (`not connected: call connect() first`, `closed (after a read timeout)`) and the origin.
 */
export class CosocketError extends OperationError {
  /** Always `'CosocketError'`. */
  override name = 'CosocketError';
  /** OpenResty's error string: `timeout`, `closed`, `socket busy reading`, ... */
  readonly code: string;
  /** Bytes received before a failed read (empty when none, or for non-read failures). */
  readonly partial: Buffer | string;

  constructor(
    code: string,
    options: { partial?: Buffer | string; cause?: unknown; message?: string; address?: string | undefined; command?: string | undefined } = {},
  ) {
    super(options.message ?? code, options);
    this.code = code;
    this.partial = options.partial ?? EMPTY;
  }
}

/**
 * A peer broke the protocol spoken over the connection (a frame length out of bounds, a reply
 * that does not parse). The connection was closed and never reaches the pool. Each client's
 * protocol error derives from its own package base; this one is cosocket's (framing).
 */
export class ProtocolError extends OperationError {
  override name = 'ProtocolError';
  /** A short fixed string naming the violation, e.g. `bad frame length`. */
  readonly code: string;

  constructor(code: string, options: { message?: string; cause?: unknown; address?: string | undefined; command?: string | undefined } = {}) {
    super(options.message ?? code, options);
    this.code = code;
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
