/**
 * The client's read buffer over the cosocket. Replies are taken from it synchronously while
 * bytes are buffered, and it refills with `receiveAny` only when they run out. A multi-get of
 * a hundred small values then costs a few socket reads instead of two awaited reads per value.
 *
 * Lines are bounded: a buffered run longer than the limit without CRLF is reported at once,
 * so a server that never ends its line cannot grow this buffer. Large values skip the buffer
 * and are read with `receive(n)` (exact length, announced and checked beforehand).
 */
import { CosocketError } from 'cosocket';

/** The socket operations the reader needs; a cosocket `TcpSocket<Buffer>` has them. */
export interface ReplySocket {
  receiveAny(max: number): Promise<Buffer>;
  receive(n: number): Promise<Buffer>;
}

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
/** How much one refill asks for (cosocket returns at most one received chunk). */
const FILL_SIZE = 64 * 1024;

/** Thrown by `tryLine` / `line` when a line exceeds the limit; callers turn it into a protocol error. */
export class LineTooLong extends Error {
  constructor(readonly head: Buffer) {
    super('line too long');
  }
}

export class ReplyReader {
  private buf: Buffer = EMPTY;
  private pos = 0;

  constructor(private readonly sock: ReplySocket) {}

  /** Bytes buffered and not yet consumed. */
  get pending(): number {
    return this.buf.length - this.pos;
  }

  /**
   * The buffered bytes; unread data starts at `offset`. For a parser that takes a whole item
   * straight from the buffer and then calls `consume`.
   */
  get buffer(): Buffer {
    return this.buf;
  }

  get offset(): number {
    return this.pos;
  }

  /** Marks the buffer up to `end` (an index into `buffer`, at most its length) as read. */
  consume(end: number): void {
    this.pos = end;
  }

  /** Drops the buffer (new connection, or the old one was closed). */
  clear(): void {
    this.buf = EMPTY;
    this.pos = 0;
  }

  /** The next CRLF-terminated line (without CRLF) if it is buffered, else null. */
  tryLine(maxLength: number): string | null {
    const buf = this.buf;
    const start = this.pos;
    const crlf = buf.indexOf(CRLF, start);
    if (crlf === -1) {
      // maxLength + 1: the last buffered byte may be the CR of a line of exactly maxLength.
      if (buf.length - start > maxLength + 1) throw new LineTooLong(buf.subarray(start, start + 80));
      return null;
    }
    if (crlf - start > maxLength) throw new LineTooLong(buf.subarray(start, start + 80));
    this.pos = crlf + 2;
    return buf.toString('utf8', start, crlf);
  }

  /** The next line, reading more as needed. */
  async line(maxLength: number): Promise<string> {
    for (;;) {
      const line = this.tryLine(maxLength);
      if (line !== null) return line;
      await this.fill();
    }
  }

  /** Exactly `n` bytes if they are buffered, else null. */
  tryBytes(n: number): Buffer | null {
    if (this.buf.length - this.pos < n) return null;
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Exactly `n` bytes: the buffered ones, then the rest straight from the socket. */
  async bytes(n: number): Promise<Buffer> {
    const ready = this.tryBytes(n);
    if (ready !== null) return ready;
    const have = this.buf.subarray(this.pos);
    this.clear();
    let rest: Buffer;
    try {
      rest = await this.sock.receive(n - have.length);
    } catch (error) {
      if (!(error instanceof CosocketError)) throw error;
      // Report everything received for this read, ours and the socket's.
      const partial = Buffer.concat([have, typeof error.partial === 'string' ? Buffer.from(error.partial) : error.partial]);
      throw new CosocketError(error.code, { partial, cause: error, message: error.message });
    }
    return have.length === 0 ? rest : Buffer.concat([have, rest]);
  }

  /** Appends whatever the socket has next (waits for at least one byte). */
  private async fill(): Promise<void> {
    let chunk: Buffer;
    try {
      chunk = await this.sock.receiveAny(FILL_SIZE);
    } catch (error) {
      if (!(error instanceof CosocketError) || this.pending === 0) throw error;
      const partial = Buffer.concat([this.buf.subarray(this.pos), typeof error.partial === 'string' ? Buffer.from(error.partial) : error.partial]);
      throw new CosocketError(error.code, { partial, cause: error, message: error.message });
    }
    if (this.pos === this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }
}
