import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { everySplit } from '@cosocket/test-kit';
import { Reader, stripCR } from '../src/reader.js';

/**
 * Reader is the receive buffer every read shares. Its results must depend only on the bytes
 * pushed, never on how the network cut them into chunks, and it must not copy more than needed.
 */

const LF = 0x0a;
const CR = 0x0d;

/** Fresh, unpooled memory, so "same ArrayBuffer" really means "no copy". */
function chunk(text: string | Buffer): Buffer {
  const src = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const out = Buffer.alloc(src.length);
  src.copy(out);
  return out;
}

function readerOf(chunks: Buffer[]): Reader {
  const r = new Reader();
  for (const c of chunks) r.push(c);
  return r;
}

const text = (b: Buffer | null) => (b === null ? null : b.toString('latin1'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Reader basics', () => {
  it('starts empty: length 0, empty front, peek -1, indexOf -1, takeLine null', () => {
    const r = new Reader();
    expect(r.length).toBe(0);
    expect(r.front().length).toBe(0);
    expect(r.peek(0)).toBe(-1);
    expect(r.indexOf(LF)).toBe(-1);
    expect(r.takeLine()).toBeNull();
    expect(r.take(0).length).toBe(0);
    expect(r.takeAll().length).toBe(0);
  });

  it('push counts bytes and ignores empty chunks', () => {
    const r = new Reader();
    r.push(chunk('abc'));
    r.push(Buffer.alloc(0));
    r.push(chunk('de'));
    expect(r.length).toBe(5);
    expect(text(r.front())).toBe('abc');
    expect(text(r.takeAll())).toBe('abcde');
    expect(r.length).toBe(0);
  });

  it('take returns exactly n bytes from the front and keeps the rest in order', () => {
    const r = readerOf([chunk('hello'), chunk(' '), chunk('world')]);
    expect(text(r.take(2))).toBe('he');
    expect(r.length).toBe(9);
    expect(text(r.take(4))).toBe('llo ');
    expect(text(r.take(0))).toBe('');
    expect(text(r.take(5))).toBe('world');
    expect(r.length).toBe(0);
  });

  it('peek looks at any position across chunks without consuming', () => {
    const r = readerOf([chunk('ab'), chunk('c'), chunk('def')]);
    r.skip(1);
    expect([0, 1, 2, 3, 4].map((i) => r.peek(i))).toEqual([...Buffer.from('bcdef')]);
    expect(r.peek(5)).toBe(-1);
    expect(r.peek(100)).toBe(-1);
    expect(r.length).toBe(5);
  });

  it('skip drops bytes across chunk boundaries', () => {
    const r = readerOf([chunk('ab'), chunk('cd'), chunk('ef')]);
    r.skip(3);
    expect(r.length).toBe(3);
    expect(text(r.front())).toBe('d');
    r.skip(0);
    expect(r.length).toBe(3);
    r.skip(3);
    expect(r.length).toBe(0);
    expect(r.front().length).toBe(0);
  });

  it('indexOf counts from the current front, honours `from`, and spans chunks', () => {
    const r = readerOf([chunk('xa'), chunk('bca'), chunk('za')]);
    r.skip(1); // buffered: "abcaza"
    const a = 'a'.charCodeAt(0);
    expect(r.indexOf(a)).toBe(0);
    expect(r.indexOf(a, 1)).toBe(3);
    expect(r.indexOf(a, 3)).toBe(3);
    expect(r.indexOf(a, 4)).toBe(5);
    expect(r.indexOf(a, 6)).toBe(-1);
    expect(r.indexOf('z'.charCodeAt(0))).toBe(4);
    expect(r.indexOf('x'.charCodeAt(0))).toBe(-1); // consumed, no longer visible
    expect(r.indexOf(LF)).toBe(-1);
  });

  it('front is a zero-copy view of the first chunk from the read offset', () => {
    const first = chunk('hello');
    const r = readerOf([first, chunk('world')]);
    r.skip(2);
    const front = r.front();
    expect(text(front)).toBe('llo');
    expect(front.buffer).toBe(first.buffer);
    expect(front.byteOffset).toBe(first.byteOffset + 2);
    expect(r.length).toBe(8); // front does not consume
  });

  it('takeAll returns everything buffered', () => {
    const r = readerOf([chunk('ab'), chunk('cd')]);
    r.skip(1);
    expect(text(r.takeAll())).toBe('bcd');
    expect(r.length).toBe(0);
  });
});

describe('Reader.unshift', () => {
  it('puts bytes back at the very front, before a partly read chunk', () => {
    const r = readerOf([chunk('abcdef'), chunk('gh')]);
    expect(text(r.take(3))).toBe('abc');
    r.unshift(chunk('XY'));
    expect(r.length).toBe(7);
    expect(text(r.front())).toBe('XY');
    expect(r.peek(2)).toBe('d'.charCodeAt(0));
    expect(r.indexOf('g'.charCodeAt(0))).toBe(5);
    expect(text(r.takeAll())).toBe('XYdefgh');
  });

  it('works after whole chunks were consumed and on an empty reader', () => {
    const r = readerOf([chunk('ab'), chunk('cd'), chunk('ef')]);
    r.skip(4);
    r.unshift(chunk('--'));
    expect(text(r.takeAll())).toBe('--ef');
    r.unshift(chunk('z'));
    expect(r.length).toBe(1);
    expect(text(r.takeAll())).toBe('z');
    r.unshift(Buffer.alloc(0));
    expect(r.length).toBe(0);
  });

  it('can be repeated: the last unshift comes first', () => {
    const r = readerOf([chunk('tail')]);
    r.unshift(chunk('2'));
    r.unshift(chunk('1'));
    expect(text(r.takeLine())).toBeNull();
    expect(text(r.takeAll())).toBe('12tail');
  });
});

describe('Reader.takeLine', () => {
  it('consumes the LF, returns the bytes before it and drops every CR', () => {
    const r = readerOf([chunk('foo\r\rbar\rbaz\nnext\r\n')]);
    expect(text(r.takeLine())).toBe('foobarbaz');
    expect(text(r.takeLine())).toBe('next');
    expect(r.length).toBe(0);
  });

  it('returns an empty line for "\\n" and for "\\r\\n"', () => {
    const r = readerOf([chunk('\n\r\n\r\r\nx')]);
    expect(text(r.takeLine())).toBe('');
    expect(text(r.takeLine())).toBe('');
    expect(text(r.takeLine())).toBe('');
    expect(r.length).toBe(1);
  });

  it('returns null and leaves the buffer untouched while no LF is buffered', () => {
    const r = readerOf([chunk('abc\r'), chunk('def')]);
    expect(r.takeLine()).toBeNull();
    expect(r.length).toBe(7);
    r.push(chunk('\nrest'));
    expect(text(r.takeLine())).toBe('abcdef');
    expect(text(r.takeAll())).toBe('rest');
  });

  it('is zero-copy for a CR-free line inside one chunk', () => {
    const c = chunk('line\nmore');
    const r = readerOf([c]);
    const line = r.takeLine()!;
    expect(text(line)).toBe('line');
    expect(line.buffer).toBe(c.buffer);
  });

  it('stripCR returns its input when there is no CR and a CR-free copy otherwise', () => {
    const plain = chunk('abc');
    expect(stripCR(plain)).toBe(plain);
    const withCr = chunk('\ra\rb\r\rc\r');
    expect(text(stripCR(withCr))).toBe('abc');
    expect(text(withCr)).toBe('\ra\rb\r\rc\r'); // input not modified
    expect(stripCR(chunk('\r\r')).length).toBe(0);
  });
});

describe('Reader zero-copy and single-copy reads', () => {
  it('take inside one chunk is a view of the same ArrayBuffer', () => {
    const c = chunk('0123456789');
    const r = readerOf([c, chunk('abc')]);
    r.skip(2);
    const out = r.take(5);
    expect(text(out)).toBe('23456');
    expect(out.buffer).toBe(c.buffer);
    expect(out.byteOffset).toBe(c.byteOffset + 2);
    c[3] = 'X'.charCodeAt(0); // proves it is a view, not a copy
    expect(text(out)).toBe('2X456');
    // Taking the rest of the chunk exactly is still a view.
    const rest = r.take(3);
    expect(rest.buffer).toBe(c.buffer);
    expect(text(rest)).toBe('789');
  });

  it('take across chunks copies into one fresh Buffer of exactly n bytes, once', () => {
    const chunks = [chunk('abc'), chunk('defg'), chunk('hij')];
    const r = readerOf(chunks);
    r.skip(1);
    const allocated: number[] = [];
    const track = (size: unknown) => allocated.push(Number(size));
    const allocUnsafe = Buffer.allocUnsafe;
    const allocUnsafeSlow = Buffer.allocUnsafeSlow;
    const alloc = Buffer.alloc;
    vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => (track(size), allocUnsafe(size)));
    vi.spyOn(Buffer, 'allocUnsafeSlow').mockImplementation((size: number) => (track(size), allocUnsafeSlow(size)));
    vi.spyOn(Buffer, 'alloc').mockImplementation(
      ((size: number, fill?: never, enc?: never) => (track(size), alloc(size, fill, enc))) as typeof Buffer.alloc,
    );
    const concat = vi.spyOn(Buffer, 'concat');
    let copied = 0;
    const copy = Buffer.prototype.copy;
    vi.spyOn(Buffer.prototype, 'copy').mockImplementation(function (this: Buffer, ...args: Parameters<Buffer['copy']>): number {
      const n = copy.apply(this, args);
      copied += n;
      return n;
    } as never);
    const set = Uint8Array.prototype.set;
    vi.spyOn(Uint8Array.prototype, 'set').mockImplementation(function (this: Uint8Array, array: ArrayLike<number>, offset?: number) {
      copied += array.length;
      return set.call(this, array, offset);
    });

    const out = r.take(8); // "bc" + "defg" + "hi"
    vi.restoreAllMocks();

    expect(text(out)).toBe('bcdefghi');
    expect(allocated).toEqual([8]);
    expect(concat).not.toHaveBeenCalled();
    expect(copied).toBe(8);
    for (const c of chunks) expect(out.buffer).not.toBe(c.buffer);
    chunks[1]![0] = 0; // a copy: later changes to the chunks do not show
    expect(text(out)).toBe('bcdefghi');
    expect(text(r.takeAll())).toBe('j');
  });
});

/** A fixed script of every operation; returns a transcript that must not depend on the splits. */
function script(r: Reader): unknown[] {
  const log: unknown[] = [];
  log.push(r.length, r.peek(0), r.peek(7), r.indexOf(LF), r.indexOf(LF, 6), r.indexOf(CR, 2));
  log.push(text(r.takeLine()));
  log.push(text(r.take(3)));
  r.unshift(chunk('<<'));
  log.push(r.length, r.peek(1), r.peek(2), r.indexOf(LF));
  log.push(text(r.takeLine()));
  r.skip(2);
  log.push(r.peek(0), text(r.take(0)), text(r.take(4)));
  log.push(text(r.takeLine()), text(r.takeLine()), text(r.takeLine()));
  log.push(r.length, text(r.takeAll()), r.length);
  return log;
}

describe('Reader results do not depend on chunk boundaries', () => {
  const data = Buffer.from('GET /\r\nHost: x\r\n\r\nbody\rwith\r\ncr\r\r\n\ntail', 'latin1');
  const expected = script(readerOf([chunk(data)]));

  it('the fixed script gives one transcript', () => {
    // Worked by hand from the data: 39 bytes, 'G' = 71, 'H' = 72, '<' = 60, 't' = 116, 'b' = 98.
    expect(expected).toEqual([39, 71, 72, 6, 6, 5, 'GET /', 'Hos', 31, 60, 116, 7, '<<t: x', 98, '', 'body', 'with', 'cr', '', 4, 'tail', 0]);
  });

  for (const { name, chunks } of everySplit(data)) {
    it(`identical transcript: ${name}`, () => {
      expect(script(readerOf(chunks))).toEqual(expected);
    });
  }

  it('lines read while chunks arrive one by one are the same for every split', () => {
    const drain = (chunks: Buffer[]) => {
      const r = new Reader();
      const lines: (string | null)[] = [];
      for (const c of chunks) {
        r.push(c);
        for (let line = r.takeLine(); line !== null; line = r.takeLine()) lines.push(text(line));
      }
      lines.push(text(r.takeAll()));
      return lines;
    };
    const want = ['GET /', 'Host: x', '', 'bodywith', 'cr', '', 'tail'];
    for (const { chunks } of everySplit(data)) expect(drain(chunks)).toEqual(want);
  });

  it('take(n) for every n gives the same bytes for every split', () => {
    for (let n = 0; n <= data.length; n++) {
      for (const { chunks } of everySplit(data)) {
        const r = readerOf(chunks);
        expect(r.take(n).equals(data.subarray(0, n))).toBe(true);
        expect(r.takeAll().equals(data.subarray(n))).toBe(true);
      }
    }
  });
});

describe('Reader against a flat-buffer model (property)', () => {
  type Op =
    | { op: 'push'; bytes: number[] }
    | { op: 'take'; n: number }
    | { op: 'line' }
    | { op: 'indexOf'; byte: number; from: number }
    | { op: 'peek'; i: number }
    | { op: 'skip'; n: number }
    | { op: 'unshift'; bytes: number[] }
    | { op: 'front' };
  // A tiny alphabet with LF and CR so lines and CRs are frequent.
  const byte = fc.constantFrom(0x61, 0x62, LF, CR);
  const bytes = fc.array(byte, { maxLength: 6 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('push' as const), bytes }),
    fc.record({ op: fc.constant('take' as const), n: fc.nat(12) }),
    fc.record({ op: fc.constant('line' as const) }),
    fc.record({ op: fc.constant('indexOf' as const), byte, from: fc.nat(12) }),
    fc.record({ op: fc.constant('peek' as const), i: fc.nat(12) }),
    fc.record({ op: fc.constant('skip' as const), n: fc.nat(12) }),
    fc.record({ op: fc.constant('unshift' as const), bytes }),
    fc.record({ op: fc.constant('front' as const) }),
  );

  it('every operation matches the model, and many small chunks stay correct', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const r = new Reader();
        let model = Buffer.alloc(0);
        for (const o of ops) {
          switch (o.op) {
            case 'push':
              r.push(Buffer.from(o.bytes));
              model = Buffer.concat([model, Buffer.from(o.bytes)]);
              break;
            case 'take': {
              const n = Math.min(o.n, model.length);
              expect(r.take(n).equals(model.subarray(0, n))).toBe(true);
              model = model.subarray(n);
              break;
            }
            case 'line': {
              const lf = model.indexOf(LF);
              const got = r.takeLine();
              if (lf === -1) expect(got).toBeNull();
              else {
                expect(got).not.toBeNull();
                expect([...got!]).toEqual([...model.subarray(0, lf)].filter((b) => b !== CR));
                model = model.subarray(lf + 1);
              }
              break;
            }
            case 'indexOf':
              expect(r.indexOf(o.byte, o.from)).toBe(model.indexOf(o.byte, Math.min(o.from, model.length)));
              break;
            case 'peek':
              expect(r.peek(o.i)).toBe(o.i < model.length ? model[o.i] : -1);
              break;
            case 'skip': {
              const n = Math.min(o.n, model.length);
              r.skip(n);
              model = model.subarray(n);
              break;
            }
            case 'unshift':
              r.unshift(Buffer.from(o.bytes));
              model = Buffer.concat([Buffer.from(o.bytes), model]);
              break;
            case 'front': {
              const f = r.front();
              if (model.length === 0) expect(f.length).toBe(0);
              else {
                expect(f.length).toBeGreaterThan(0);
                expect(f.equals(model.subarray(0, f.length))).toBe(true);
              }
              break;
            }
          }
          expect(r.length).toBe(model.length);
        }
        expect(r.takeAll().equals(model)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('stays correct across hundreds of one-byte chunks (head compaction)', () => {
    const r = new Reader();
    const data = Buffer.from(Array.from({ length: 500 }, (_, i) => 0x61 + (i % 26)));
    for (const b of data) r.push(Buffer.from([b]));
    let pos = 0;
    for (let i = 0; i < 150; i++) {
      expect(r.take(1)[0]).toBe(data[pos++]);
      if (i % 37 === 0) {
        r.unshift(Buffer.from([data[--pos]!]));
      }
    }
    expect(r.length).toBe(data.length - pos);
    expect(r.indexOf(data[499]!, 499 - pos - 1)).toBe(499 - pos);
    expect(r.peek(data.length - pos - 1)).toBe(data[499]);
    expect(r.takeAll().equals(data.subarray(pos))).toBe(true);
  });
});
