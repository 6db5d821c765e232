// Hostile input for the cosocket core, through real loopback sockets: random bytes, cut at
// random places, then FIN or RST, read with receiveUntil and receiveFrame. The only outcomes
// allowed are the correct result or a clear CosocketError; never a hang (every case ends with
// FIN/RST, so a read timeout is a failure), never a read larger than the frame limit.
// (The matcher alone, fed in memory at every split, is covered in packages/cosocket/test.)
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { configure, CosocketError, FrameError, receiveFrame, tcp, type FrameSpec, type TcpSocket } from 'cosocket';
import { cutAt, suiteFeeder } from '@cosocket/test-kit';
import { captureLogs } from './support/outcomes.js';
import { scale } from './support/runs.js';
import { count } from './support/stats.js';

// Each case is one TCP connection (~1 ms a case): 1,000 in the test run, 100,000 in the soak.
const SOCKET_RUNS = scale(1_000, 100_000);

const alphabet = [0x61, 0x62, 0x0d, 0x0a];
const bytesOf = (min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => Buffer.from(a));

beforeAll(() => {
  captureLogs(configure);
});
const feeder = suiteFeeder();

async function open(): Promise<TcpSocket<Buffer>> {
  const sock = tcp();
  sock.setTimeout(3000);
  await sock.connect(feeder.host, feeder.port);
  return sock;
}

/** The occurrences of `pattern` found left to right, and what follows the last one. */
function reference(data: Buffer, pattern: Buffer): { segments: Buffer[]; tail: Buffer } {
  const segments: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const at = data.indexOf(pattern, pos);
    if (at === -1) return { segments, tail: data.subarray(pos) };
    segments.push(data.subarray(pos, at));
    pos = at + pattern.length;
  }
}

/** Reads one `receiveUntil` segment: whole (size 0) or in sized chunks up to `null`. */
async function readSegment(read: (size?: number) => Promise<Buffer | null>, size: number, maxChunk: number): Promise<Buffer> {
  if (size === 0) return (await read())!;
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = await read(size);
    if (chunk === null) return Buffer.concat(parts);
    expect(chunk.length).toBeLessThanOrEqual(maxChunk);
    parts.push(chunk);
  }
}

function expectTransportError(error: unknown): CosocketError {
  expect(error).toBeInstanceOf(CosocketError);
  const code = (error as CosocketError).code;
  expect(['closed', 'connection reset by peer']).toContain(code);
  return error as CosocketError;
}

describe('receiveUntil over a real socket: random bytes, random splits, FIN or RST', () => {
  it('returns exactly the data between patterns, then a clear closed/reset error', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytesOf(1, 4),
        bytesOf(0, 64),
        fc.array(fc.nat(64), { maxLength: 6 }),
        fc.constantFrom(0, 0, 1, 3, 8),
        fc.boolean(),
        fc.constantFrom<'fin' | 'rst'>('fin', 'fin', 'rst'),
        async (pattern, data, cuts, size, inclusive, end) => {
          count('hostileInputs');
          feeder.next({ chunks: cutAt(data, cuts), end });
          const { segments, tail } = reference(data, pattern);
          let got = 0;
          const tailRead: Buffer[] = [];
          // An RST can arrive before the connect completes: that too must be a clear error.
          const sock = tcp();
          sock.setTimeout(3000);
          try {
            await sock.connect(feeder.host, feeder.port);
            const read = sock.receiveUntil(pattern, { inclusive });
            for (const segment of segments) {
              const expected = inclusive ? Buffer.concat([segment, pattern]) : segment;
              expect(await readSegment(read, size, size + pattern.length)).toEqual(expected);
              got++;
            }
            // No pattern left: reads return tail chunks (sized mode) until the stream ends.
            for (;;) {
              const chunk = await read(size);
              expect(chunk).not.toBeNull();
              tailRead.push(chunk!);
            }
          } catch (error) {
            if (!(error instanceof CosocketError)) throw error;
            expectTransportError(error);
            // A FIN loses nothing: every segment was read before the error.
            if (end === 'fin') expect(got).toBe(segments.length);
            if (got === segments.length) {
              // What came back is a prefix of the tail, short of at most a withheld pattern prefix.
              const returned = Buffer.concat([...tailRead, Buffer.from(error.partial)]);
              expect(tail.subarray(0, returned.length)).toEqual(returned);
              if (end === 'fin') expect(returned.length).toBeGreaterThan(tail.length - pattern.length);
            }
          } finally {
            await sock.close().catch(() => undefined);
          }
        },
      ),
      { numRuns: SOCKET_RUNS },
    );
  });
});

const specArb: fc.Arbitrary<FrameSpec> = fc
  .record({
    headerSize: fc.integer({ min: 1, max: 8 }),
    lengthBytes: fc.constantFrom<1 | 2 | 4>(1, 2, 4),
    byteOrder: fc.constantFrom<'le' | 'be'>('le', 'be'),
    lengthIncludesHeader: fc.boolean(),
    extra: fc.nat(200),
    offsetSeed: fc.nat(8),
  })
  .filter((s) => s.lengthBytes <= s.headerSize)
  .map((s) => ({
    headerSize: s.headerSize,
    lengthBytes: s.lengthBytes,
    lengthOffset: s.offsetSeed % (s.headerSize - s.lengthBytes + 1),
    byteOrder: s.byteOrder,
    lengthIncludesHeader: s.lengthIncludesHeader,
    maxSize: s.headerSize + s.extra,
  }));

/** What receiveFrame must do with `data` (the whole stream, then FIN). */
function expectedFrame(spec: FrameSpec, data: Buffer): { frame: Buffer } | { bad: true } | { short: true } {
  const { headerSize, maxSize } = spec;
  if (data.length < headerSize) return { short: true };
  const off = spec.lengthOffset ?? 0;
  const le = spec.byteOrder !== 'be';
  const n =
    spec.lengthBytes === 1
      ? data[off]!
      : spec.lengthBytes === 2
        ? le
          ? data.readUInt16LE(off)
          : data.readUInt16BE(off)
        : le
          ? data.readInt32LE(off)
          : data.readInt32BE(off);
  const total = spec.lengthIncludesHeader === false ? headerSize + n : n;
  if (n < 0 || total < headerSize || total > maxSize) return { bad: true };
  if (data.length < total) return { short: true };
  return { frame: data.subarray(0, total) };
}

/** A stream that starts with a plausible header half the time, random bytes otherwise. */
const frameStream = (spec: FrameSpec) =>
  fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.nat(400)).map(([raw, plausible, len]) => {
    const data = Buffer.from(raw);
    const off = spec.lengthOffset ?? 0;
    if (plausible && data.length >= spec.headerSize) {
      const value = len % (spec.lengthBytes === 1 ? 256 : 400);
      if (spec.lengthBytes === 1) data[off] = value;
      else if (spec.lengthBytes === 2) spec.byteOrder === 'be' ? data.writeUInt16BE(value, off) : data.writeUInt16LE(value, off);
      else spec.byteOrder === 'be' ? data.writeInt32BE(value, off) : data.writeInt32LE(value, off);
    }
    return data;
  });

describe('receiveFrame over a real socket: random headers and bodies', () => {
  it('returns the announced frame, or fails clearly (bad length closes the socket); never reads past maxSize', async () => {
    await fc.assert(
      fc.asyncProperty(
        specArb.chain((spec) => fc.tuple(fc.constant(spec), frameStream(spec), fc.array(fc.nat(300), { maxLength: 5 }))),
        async ([spec, data, cuts]) => {
          count('hostileInputs');
          feeder.next({ chunks: cutAt(data, cuts), end: 'fin' });
          const sock = await open();
          let largest = 0;
          const source = {
            receive: (n: number) => {
              largest = Math.max(largest, n);
              return sock.receive(n);
            },
            forceClose: (reason: string) => sock.forceClose(reason),
          };
          const expected = expectedFrame(spec, data);
          try {
            const frame = await receiveFrame(source, spec);
            expect('frame' in expected).toBe(true);
            if ('frame' in expected) expect(Buffer.concat([frame.header, frame.body])).toEqual(expected.frame);
          } catch (error) {
            if ('bad' in expected) {
              expect(error).toBeInstanceOf(FrameError);
              expect((error as FrameError).code).toBe('bad frame length');
              // The connection is closed at once: nothing of that length is awaited.
              await expect(sock.receive(1)).rejects.toMatchObject({ code: 'closed' });
            } else {
              expect('short' in expected).toBe(true);
              expect(error).not.toBeInstanceOf(FrameError);
              expectTransportError(error);
            }
          } finally {
            await sock.close().catch(() => undefined);
          }
          expect(largest).toBeLessThanOrEqual(spec.maxSize);
        },
      ),
      { numRuns: SOCKET_RUNS },
    );
  });
});
