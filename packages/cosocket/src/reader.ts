/**
 * The receive buffer shared by every read operation of one socket.
 *
 * Chunks arrive from the network as Buffers and are queued as they are (no copy on arrival).
 * Reads take bytes from the front: when a read falls inside the first chunk it gets a
 * zero-copy view of it; when it spans chunks the bytes are copied once into a fresh Buffer.
 * Nothing here does I/O, so every method is synchronous and unit-testable.
 */
const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

export class Reader {
  private chunks: Buffer[] = [];
  /** Index of the first live chunk in `chunks` (avoids Array#shift on every read). */
  private head = 0;
  /** Read offset inside `chunks[head]`. */
  private offset = 0;
  private total = 0;

  /** Bytes currently buffered. */
  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Puts bytes back at the front (receiveUntil's withheld pattern prefix). */
  unshift(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.compact();
    if (this.offset > 0) {
      this.chunks[0] = this.chunks[0]!.subarray(this.offset);
      this.offset = 0;
    }
    this.chunks.unshift(bytes);
    this.total += bytes.length;
  }

  /** A zero-copy view of the first buffered chunk (empty when nothing is buffered). */
  front(): Buffer {
    const chunk = this.chunks[this.head];
    return chunk === undefined ? EMPTY : chunk.subarray(this.offset);
  }

  /**
   * Everything buffered as one Buffer, without consuming it: a zero-copy view when it sits in
   * one chunk, else the chunks are joined once (and kept joined, so asking again is free).
   */
  contiguous(): Buffer {
    const first = this.chunks[this.head];
    if (first === undefined) return EMPTY;
    if (first.length - this.offset === this.total) return first.subarray(this.offset);
    const joined = this.take(this.total);
    this.chunks = [joined];
    this.head = 0;
    this.offset = 0;
    this.total = joined.length;
    return joined;
  }

  /** The byte at position `i` from the front, without consuming it. */
  peek(i: number): number {
    let idx = this.head;
    let pos = this.offset + i;
    for (;;) {
      const chunk = this.chunks[idx];
      if (chunk === undefined) return -1;
      if (pos < chunk.length) return chunk[pos]!;
      pos -= chunk.length;
      idx++;
    }
  }

  /** Removes and returns exactly `n` bytes; the caller checks `length >= n` first. */
  take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.chunks[this.head]!;
    const available = first.length - this.offset;
    if (n <= available) {
      const out = first.subarray(this.offset, this.offset + n);
      this.advance(n, first.length);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[this.head]!;
      const count = Math.min(n - written, chunk.length - this.offset);
      chunk.copy(out, written, this.offset, this.offset + count);
      written += count;
      this.advance(count, chunk.length);
    }
    return out;
  }

  /** Removes and returns everything buffered. */
  takeAll(): Buffer {
    return this.take(this.total);
  }

  /** Drops `n` bytes from the front. */
  skip(n: number): void {
    while (n > 0) {
      const chunk = this.chunks[this.head]!;
      const count = Math.min(n, chunk.length - this.offset);
      this.advance(count, chunk.length);
      n -= count;
    }
  }

  /**
   * Position of the first `byte` at or after `from`, counted from the front, or -1.
   * Used by line reads and by receiveUntil's fast scan.
   */
  indexOf(byte: number, from = 0): number {
    let base = 0;
    for (let idx = this.head; idx < this.chunks.length; idx++) {
      const chunk = this.chunks[idx]!;
      const start = idx === this.head ? this.offset : 0;
      const size = chunk.length - start;
      if (from < base + size) {
        const found = chunk.indexOf(byte, start + Math.max(0, from - base));
        if (found !== -1) return base + found - start;
      }
      base += size;
    }
    return -1;
  }

  /**
   * Takes one line if a LF is buffered: the LF is consumed, every CR is dropped (OpenResty's
   * `*l` filter drops all CRs, not only the one before LF). Returns null when no LF is buffered.
   */
  takeLine(): Buffer | null {
    const lf = this.indexOf(LF);
    if (lf === -1) return null;
    const line = this.take(lf);
    this.skip(1);
    return stripCR(line);
  }

  private advance(count: number, chunkLength: number): void {
    this.offset += count;
    this.total -= count;
    if (this.offset === chunkLength) {
      this.chunks[this.head] = EMPTY;
      this.head++;
      this.offset = 0;
      if (this.head === this.chunks.length) {
        this.chunks.length = 0;
        this.head = 0;
      } else if (this.head > 64) {
        this.compact();
      }
    }
  }

  private compact(): void {
    if (this.head > 0) {
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** Removes every CR byte; returns a view of the input when it can (no CR, or one at the end). */
export function stripCR(line: Buffer): Buffer {
  let cr = line.indexOf(CR);
  if (cr === -1) return line;
  if (cr === line.length - 1) return line.subarray(0, cr);
  // Rare: CRs inside the line. Copy the runs between them.
  const out = Buffer.allocUnsafe(line.length);
  let n = 0;
  let start = 0;
  while (cr !== -1) {
    n += line.copy(out, n, start, cr);
    start = cr + 1;
    cr = line.indexOf(CR, start);
  }
  n += line.copy(out, n, start);
  return out.subarray(0, n);
}
