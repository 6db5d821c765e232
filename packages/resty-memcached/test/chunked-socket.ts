// A test-only ReplySocket over a fixed list of chunks: bytes become available one chunk at a
// time (each wait is an await), EOF after the last. It lets the pure reader tests split a
// reply at every boundary without a network.
import { CosocketError } from 'cosocket';
import type { ReplySocket } from '../src/protocol/reply-reader.js';

export class ChunkedSocket implements ReplySocket {
  private buffered = Buffer.alloc(0);
  private next = 0;

  constructor(private readonly chunks: Buffer[]) {}

  /** Bytes not consumed by the readers. */
  get rest(): Buffer {
    return Buffer.concat([this.buffered, ...this.chunks.slice(this.next)]);
  }

  private async more(): Promise<void> {
    await Promise.resolve();
    const chunk = this.chunks[this.next++];
    if (chunk === undefined) {
      const partial = this.buffered;
      this.buffered = Buffer.alloc(0);
      throw new CosocketError('closed', { partial });
    }
    this.buffered = Buffer.concat([this.buffered, chunk]);
  }

  async receive(n: number): Promise<Buffer> {
    while (this.buffered.length < n) await this.more();
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  async receiveAny(max: number): Promise<Buffer> {
    if (this.buffered.length === 0) await this.more();
    const out = this.buffered.subarray(0, max);
    this.buffered = this.buffered.subarray(out.length);
    return out;
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
