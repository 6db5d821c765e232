import { RedisProtocolError } from './errors.js';

/**
 * A RESP2 validator that looks at every chunk BEFORE redis-parser does.
 *
 * redis-parser trusts the server: it turns `$abc` into a garbage length, buffers whatever a
 * `$<huge>` announces until that many bytes came, and calls `new Array(n)` for `*<n>`. This
 * scanner follows the reply structure incrementally (headers are checked, bulk payloads are
 * skipped without being looked at) and throws a RedisProtocolError on an unknown type byte, a
 * malformed length or integer, a missing CRLF, or a bulk length / element count that would take
 * the current reply past `maxReplySize`. So a hostile length is refused before anything is
 * allocated for it, and redis-parser only ever sees well-formed RESP2.
 */
const CR = 0x0d;
const LF = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
/** Header lines (`$`, `*`, `:`) longer than this are malformed: 64-bit integers need 20. */
const MAX_NUMBER_LINE = 21;
/**
 * Arrays nested deeper than this are refused: redis-parser (and our nested-error conversion)
 * recurse once per level, so a few thousand `*1\r\n` would overflow the stack. Redis itself
 * never nests replies anywhere near this deep (Lua tables stop far earlier).
 */
export const MAX_NESTING_DEPTH = 1000;

const enum State {
  /** Expecting a type byte. */
  Type,
  /** Inside a header line. */
  Line,
  /** Saw CR at the end of a header line, expecting LF. */
  LineLF,
  /** Skipping a bulk payload. */
  Payload,
  /** Expecting the CR after a bulk payload. */
  PayloadCR,
  /** Expecting the LF after a bulk payload. */
  PayloadLF,
}

export class RespScanner {
  private state = State.Type;
  /** The type byte of the header line being read. */
  private type = 0;
  /** Header line bytes seen so far. */
  private lineLength = 0;
  /** Numeric header value being accumulated (digits only; `negative` holds the sign). */
  private value = 0;
  private negative = false;
  private digits = 0;
  /** Bulk payload bytes still to skip. */
  private remaining = 0;
  /** Elements still expected by each open array, innermost last. */
  private readonly stack: number[] = [];
  /** Bytes seen (or announced) so far by the current top-level reply. */
  private replyBytes = 0;
  /** Complete top-level replies seen since the last `take()`. */
  private completed = 0;

  constructor(private readonly maxReplySize: number) {}

  /** Whether a reply has started but not ended (bytes are buffered in the parser). */
  get midReply(): boolean {
    return this.state !== State.Type || this.stack.length > 0;
  }

  /** Returns and clears the number of top-level replies completed by the chunks scanned. */
  take(): number {
    const n = this.completed;
    this.completed = 0;
    return n;
  }

  reset(): void {
    this.state = State.Type;
    this.stack.length = 0;
    this.replyBytes = 0;
    this.completed = 0;
  }

  /** Scans one chunk; throws RedisProtocolError at the first violation. */
  scan(chunk: Buffer): void {
    const end = chunk.length;
    let i = 0;
    while (i < end) {
      switch (this.state) {
        case State.Type: {
          const t = chunk[i++]!;
          if (t !== 0x2b && t !== 0x2d && t !== 0x3a && t !== 0x24 && t !== 0x2a) {
            throw new RedisProtocolError(`unknown reply type byte ${JSON.stringify(String.fromCharCode(t))} (0x${t.toString(16).padStart(2, '0')})`);
          }
          this.type = t;
          this.lineLength = 0;
          this.value = 0;
          this.negative = false;
          this.digits = 0;
          this.replyBytes += 1;
          this.state = State.Line;
          break;
        }
        case State.Line: {
          if (this.type === 0x2b || this.type === 0x2d) {
            // Status and error text: jump to the CR.
            const cr = chunk.indexOf(CR, i);
            const stop = cr === -1 ? end : cr;
            this.lineLength += stop - i;
            this.replyBytes += stop - i;
            if (this.replyBytes > this.maxReplySize)
              throw new RedisProtocolError(`status line longer than the maximum reply size (${this.maxReplySize})`);
            i = stop;
            if (cr !== -1) {
              i++;
              this.state = State.LineLF;
            }
            break;
          }
          const c = chunk[i++]!;
          this.replyBytes++;
          if (c === CR) {
            this.state = State.LineLF;
            break;
          }
          if (++this.lineLength > MAX_NUMBER_LINE) throw this.malformed('too long');
          if (c === MINUS && this.lineLength === 1) this.negative = true;
          else if (c >= ZERO && c <= NINE) {
            this.value = this.value * 10 + (c - ZERO);
            this.digits++;
          } else throw this.malformed(`byte 0x${c.toString(16).padStart(2, '0')}`);
          break;
        }
        case State.LineLF:
          if (chunk[i++] !== LF) throw new RedisProtocolError('expected LF after CR in a reply header');
          this.replyBytes++;
          this.endLine();
          break;
        case State.Payload: {
          const n = Math.min(this.remaining, end - i);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.PayloadCR;
          break;
        }
        case State.PayloadCR:
          if (chunk[i++] !== CR) throw new RedisProtocolError('bulk string not terminated by CRLF');
          this.state = State.PayloadLF;
          break;
        case State.PayloadLF:
          if (chunk[i++] !== LF) throw new RedisProtocolError('bulk string not terminated by CRLF');
          this.state = State.Type;
          this.valueDone();
          break;
      }
    }
  }

  private malformed(what: string): RedisProtocolError {
    return new RedisProtocolError(`malformed ${String.fromCharCode(this.type)} header: ${what}`);
  }

  private endLine(): void {
    const t = this.type;
    this.state = State.Type;
    if (t === 0x2b || t === 0x2d) return this.valueDone();
    if (this.digits === 0) throw this.malformed('no digits');
    if (t === 0x3a) return this.valueDone();
    const n = this.negative ? -this.value : this.value;
    if (n < -1) throw this.malformed(`negative length ${n}`);
    if (t === 0x24) {
      if (n === -1) return this.valueDone();
      this.replyBytes += n + 2;
      if (this.replyBytes > this.maxReplySize) {
        throw new RedisProtocolError(`bulk length ${n} exceeds the maximum reply size (${this.maxReplySize})`);
      }
      this.remaining = n;
      this.state = n === 0 ? State.PayloadCR : State.Payload;
      return;
    }
    // '*': every element takes at least 3 bytes (`:0\r\n` is 4, `$-1\r\n` 5, `+\r\n` 3).
    if (n <= 0) return this.valueDone();
    if (this.stack.length >= MAX_NESTING_DEPTH) throw new RedisProtocolError(`reply nested deeper than ${MAX_NESTING_DEPTH} arrays`);
    if (this.replyBytes + 3 * n > this.maxReplySize) {
      throw new RedisProtocolError(`array of ${n} elements exceeds the maximum reply size (${this.maxReplySize})`);
    }
    this.stack.push(n);
  }

  /** A value ended: count it against its array, or as a complete top-level reply. */
  private valueDone(): void {
    const stack = this.stack;
    while (stack.length > 0) {
      const top = stack.length - 1;
      const left = stack[top]! - 1;
      if (left > 0) {
        stack[top] = left;
        return;
      }
      stack.pop();
    }
    this.completed++;
    this.replyBytes = 0;
  }
}
