import RedisParser from 'redis-parser';
import { RedisProtocolError, RedisReplyError } from './errors.js';
import { RespScanner } from './scanner.js';
import type { RedisReply } from './types.js';

/** 512 MiB: Redis's own proto-max-bulk-len. */
export const DEFAULT_MAX_REPLY_SIZE = 512 * 1024 * 1024;

/**
 * Turns the byte stream of one connection into a FIFO of replies.
 *
 * Every chunk goes through the RespScanner first (hostile lengths and malformed framing are
 * refused before redis-parser allocates anything), then to redis-parser, which calls back
 * synchronously from `execute` once per complete reply — possibly several times for one chunk —
 * so replies are queued and handed out one by one. A top-level error reply is queued as a
 * RedisReplyError value; the caller decides whether to throw it (a command) or keep it (a
 * pipeline). Error replies nested in arrays become RedisReplyError values in place.
 */
export class ReplyDecoder {
  private readonly parser: RedisParser;
  private readonly scanner: RespScanner;
  private queue: RedisReply[] = [];
  private head = 0;

  constructor(returnBuffers: boolean, maxReplySize: number) {
    this.scanner = new RespScanner(maxReplySize);
    this.parser = new RedisParser({
      returnBuffers,
      returnReply: (reply: unknown) => {
        this.queue.push(Array.isArray(reply) ? convertNested(reply) : (reply as RedisReply));
      },
      returnError: (error: Error) => {
        this.queue.push(new RedisReplyError(error.message));
      },
      // The scanner refuses every framing error first, so this is a safety net only.
      returnFatalError: (error: Error) => {
        throw new RedisProtocolError(error.message);
      },
    });
  }

  /** Number of complete replies waiting. */
  get available(): number {
    return this.queue.length - this.head;
  }

  /** Whether anything was received and not handed out: queued replies or a partial one. */
  get hasUnread(): boolean {
    return this.available > 0 || this.scanner.midReply;
  }

  /** Feeds one chunk; throws RedisProtocolError when the server broke RESP2. */
  feed(chunk: Buffer): void {
    this.scanner.scan(chunk);
    this.parser.execute(chunk);
  }

  /** The oldest queued reply; call only when `available > 0`. */
  shift(): RedisReply {
    const value = this.queue[this.head]!;
    if (++this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else {
      this.queue[this.head - 1] = null;
    }
    return value;
  }

  /** Forgets everything (a new connection starts). */
  reset(): void {
    this.queue = [];
    this.head = 0;
    this.scanner.reset();
    this.parser.reset();
  }
}

/** Replaces redis-parser's nested ReplyError values by RedisReplyError, recursively. */
function convertNested(reply: unknown[]): RedisReply {
  for (let i = 0; i < reply.length; i++) {
    const v = reply[i];
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) convertNested(v);
      else if (v instanceof Error) reply[i] = new RedisReplyError(v.message);
    }
  }
  return reply as RedisReply;
}
