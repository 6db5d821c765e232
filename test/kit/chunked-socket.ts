// An in-memory socket over a fixed list of chunks, for the pure reader and decoder tests: bytes
// become available one chunk at a time (each wait is an await), EOF after the last, so a test
// can feed a reply at every split without a network. It has the read side of a cosocket
// (`receive(n)`, `receiveAny(max)`, `forceClose`, and the pull reads `peek`, `skip`,
// `receiveMore`), structurally, so it fits any reader that asks for those.
import { CosocketError } from 'cosocket';

export class ChunkedSocket {
  private buffered = Buffer.alloc(0);
  private next = 0;
  /** Set by `forceClose`: every later read fails with `closed`. */
  closed = false;
  /** The largest size any `receive` asked for: a reader must never ask past its limit. */
  largest = 0;
  /** The most bytes buffered when a reader asked to wait for more (`receiveMore`). */
  largestWait = 0;

  constructor(private readonly chunks: Buffer[]) {}

  /** Bytes not consumed by the readers: buffered plus not yet arrived. */
  get rest(): Buffer {
    return Buffer.concat([this.buffered, ...this.chunks.slice(this.next)]);
  }

  /** What a cosocket does on a protocol error: the connection is gone. */
  forceClose(): void {
    this.closed = true;
  }

  /** One more chunk into the buffer; at EOF a `closed` error carrying what was buffered. */
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
    this.largest = Math.max(this.largest, n);
    if (this.closed) throw new CosocketError('closed');
    while (this.buffered.length < n) await this.more();
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  async receiveAny(max: number): Promise<Buffer> {
    if (this.closed) throw new CosocketError('closed');
    if (this.buffered.length === 0) await this.more();
    const out = this.buffered.subarray(0, max);
    this.buffered = this.buffered.subarray(out.length);
    return out;
  }

  /** Pull reads: everything buffered, not consumed. */
  peek(): Buffer {
    if (this.closed) throw new CosocketError('closed');
    return this.buffered;
  }

  skip(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.buffered.length) throw new RangeError(`bad skip count: ${n}`);
    this.buffered = this.buffered.subarray(n);
  }

  /** One more chunk, consuming nothing; at EOF `closed` with the buffered bytes as partial. */
  async receiveMore(): Promise<number> {
    if (this.closed) throw new CosocketError('closed');
    this.largestWait = Math.max(this.largestWait, this.buffered.length);
    await Promise.resolve();
    const chunk = this.chunks[this.next++];
    if (chunk === undefined) throw new CosocketError('closed', { partial: this.buffered });
    this.buffered = Buffer.concat([this.buffered, chunk]);
    return this.buffered.length;
  }
}
