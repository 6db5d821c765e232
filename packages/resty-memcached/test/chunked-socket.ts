// A test-only ReplySource over a fixed list of chunks: bytes become available one chunk at a
// time (each wait is an await), EOF after the last. It lets the pure reader tests split a
// reply at every boundary without a network.
import { CosocketError } from 'cosocket';
import type { ReplySource } from '../src/protocol/read-reply.js';

export class ChunkedSocket implements ReplySource {
  private buffered = Buffer.alloc(0);
  private next = 0;
  /** The most bytes buffered when a reader asked to wait for more. */
  largestWait = 0;

  constructor(private readonly chunks: Buffer[]) {}

  /** Bytes not consumed by the readers. */
  get rest(): Buffer {
    return Buffer.concat([this.buffered, ...this.chunks.slice(this.next)]);
  }

  peek(): Buffer {
    return this.buffered;
  }

  skip(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.buffered.length) throw new RangeError(`bad skip count: ${n}`);
    this.buffered = this.buffered.subarray(n);
  }

  async receiveMore(): Promise<number> {
    this.largestWait = Math.max(this.largestWait, this.buffered.length);
    await Promise.resolve();
    const chunk = this.chunks[this.next++];
    if (chunk === undefined) throw new CosocketError('closed', { partial: this.buffered });
    this.buffered = Buffer.concat([this.buffered, chunk]);
    return this.buffered.length;
  }
}

/** Every way to cut `bytes` for a test: whole, byte by byte, and in two at each boundary. */
export function splits(bytes: Buffer): [string, Buffer[]][] {
  const out: [string, Buffer[]][] = [
    ['whole', [bytes]],
    ['byte by byte', [...bytes].map((b) => Buffer.from([b]))],
  ];
  for (let i = 1; i < bytes.length; i++) out.push([`split at ${i}`, [bytes.subarray(0, i), bytes.subarray(i)]]);
  return out;
}
