import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readMultiValues, type ReadOptions } from '../src/protocol/read-reply.js';
import { scanValueBlock } from '../src/protocol/value-block.js';
import { ChunkedSocket } from '@cosocket/test-kit';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const MAX = 1024 * 1024;

describe('scanValueBlock', () => {
  it('takes a plain, complete block and says where its data is', () => {
    const buf = b('xxVALUE k-1 4294967295 5\r\na\r\nbc\r\nEND\r\n');
    expect(scanValueBlock(buf, 2, false, MAX, 8192)).toEqual({ key: 'k-1', flags: 4294967295, cas: undefined, dataStart: 26, dataEnd: 31 });
    expect(buf.toString('latin1', 26, 31)).toBe('a\r\nbc');
    expect(scanValueBlock(b('VALUE k 0 0 9999999999999999999\r\n\r\n'), 0, true, MAX, 8192)).toMatchObject({
      cas: '9999999999999999999',
      dataStart: 33,
    });
  });

  it('leaves every prefix of a block to the general reader', () => {
    const block = 'VALUE key 3 2 77\r\nab\r\n';
    expect(scanValueBlock(b(block), 0, true, MAX, 8192)).not.toBeNull();
    for (let n = 0; n < block.length; n++) expect(scanValueBlock(b(block.slice(0, n)), 0, true, MAX, 8192), `${n} bytes`).toBeNull();
  });

  it.each([
    ['not a VALUE line', 'VALUX k 0 1\r\nx\r\n', false],
    ['empty key', 'VALUE  0 1\r\nx\r\n', false],
    ['non-ASCII key', 'VALUE k\xe9 0 1\r\nx\r\n', false],
    ['control byte in key', 'VALUE k\x01 0 1\r\nx\r\n', false],
    ['flags over 2^32-1', 'VALUE k 4294967296 1\r\nx\r\n', false],
    ['flags not decimal', 'VALUE k 0x1 1\r\nx\r\n', false],
    ['byte count missing', 'VALUE k 0\r\nx\r\n', false],
    ['byte count over maxValueSize', `VALUE k 0 ${MAX + 1}\r\nx\r\n`, false],
    ['a fourth field on get', 'VALUE k 0 1 5\r\nx\r\n', false],
    ['no cas on gets', 'VALUE k 0 1\r\nx\r\n', true],
    ['a 20-digit cas (checked against 2^64 by the general reader)', 'VALUE k 0 1 12345678901234567890\r\nx\r\n', true],
    ['a bare LF ending the header', 'VALUE k 0 1\nx\r\n\r\n', false],
    ['data not followed by CRLF', 'VALUE k 0 1\r\nxy\r\n', false],
    ['data followed by LF CR', 'VALUE k 0 1\r\nx\n\r', false],
  ])('returns null for %s', (_, block, withCas) => {
    expect(scanValueBlock(b(block), 0, withCas, MAX, 8192)).toBeNull();
  });

  it('leaves a header over maxLineLength to the general reader', () => {
    // The header `VALUE kkkk 0 1` is 14 bytes.
    expect(scanValueBlock(b('VALUE kkkk 0 1\r\nx\r\n'), 0, false, MAX, 13)).toBeNull();
    expect(scanValueBlock(b('VALUE kkkk 0 1\r\nx\r\n'), 0, false, MAX, 14)).not.toBeNull();
  });
});

describe('multi-get fast path against the general reader', () => {
  const opts: ReadOptions = { maxValueSize: 64, maxLineLength: 48, returnBuffers: false };
  const asked = new Set(['a', 'b%20c', 'k9', 'long-key-long-key-long-key-long-key']);

  /**
   * `whole`: the reply is buffered before reading starts, so every block meets the fast path.
   * Otherwise byte by byte, so no block is ever whole in the buffer and each one takes the
   * general reader.
   */
  async function outcome(reply: Buffer, whole: boolean, command: 'get' | 'gets', returnBuffers: boolean): Promise<unknown> {
    const sock = new ChunkedSocket(whole ? [reply] : [...reply].map((x) => Buffer.from([x])));
    if (whole && reply.length > 0) await sock.receiveMore();
    try {
      const got = await readMultiValues(sock, command, asked, decodeURIComponent, { ...opts, returnBuffers });
      // Bytes after the reply: buffered or not yet delivered, depending on the delivery.
      return { got, left: sock.rest.length };
    } catch (error) {
      // A too-long line is quoted as far as it was buffered, which depends on the delivery.
      const message = (error as Error).message.replace(/(longer than \d+ bytes): .*$/s, '$1');
      return { error: (error as Error).constructor.name, message };
    }
  }

  // Mostly valid blocks (so results, not only errors, are compared), with every way to be
  // wrong mixed in: unasked and non-ASCII keys, bad numbers, wrong counts and trailers.
  const often = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<T> =>
    fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
  const key = often(fc.constantFrom('a', 'b%20c', 'k9', 'long-key-long-key-long-key-long-key'), fc.constantFrom('z', 'caf\xc3\xa9', ''));
  const field = often(
    fc.oneof(fc.nat({ max: 20 }).map(String), fc.nat({ max: 4294967295 }).map(String), fc.constant('4294967295')),
    fc.constantFrom('4294967296', '007', '', 'x1', '99999999999999999'),
  );
  // Short values, and values around maxValueSize (64), which fast-check's sizing rarely reaches.
  const data = fc
    .oneof(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ minLength: 60, maxLength: 70 }))
    .map((a) => Buffer.from(a).toString('latin1'));
  const cas = often(
    fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String), fc.constant('18446744073709551615')),
    fc.constantFrom('18446744073709551616', '99999999999999999999', '', 'abc'),
  );
  const count = often(fc.constant(undefined), field);
  const trailer = often(fc.constant('\r\n'), fc.constantFrom('\n', '\r', '\rx', 'x\r\n', ''));
  const block = fc.record({ key, flags: field, data, cas, count, trailer });
  const reply = fc.record({
    command: fc.constantFrom<'get' | 'gets'>('get', 'gets'),
    blocks: fc.array(block, { maxLength: 5 }),
    end: often(fc.constant('END\r\n'), fc.constantFrom('END', 'ERROR\r\n', 'END\r\nVALUE')),
    // A byte overwritten somewhere (or none): framing errors at every position.
    corrupt: often(fc.constant(undefined), fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
    returnBuffers: fc.boolean(),
  });

  it('accept and refuse the same replies, with the same results and errors (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(reply, async ({ command, blocks, end, corrupt, returnBuffers }) => {
        let text = '';
        for (const x of blocks) {
          const count = x.count ?? String(x.data.length);
          text += `VALUE ${x.key} ${x.flags} ${count}${command === 'gets' ? ` ${x.cas}` : ''}\r\n${x.data}${x.trailer}`;
        }
        const bytes = b(text + end);
        if (corrupt !== undefined && bytes.length > 0) bytes[corrupt[0] % bytes.length] = corrupt[1];
        expect(await outcome(bytes, true, command, returnBuffers)).toEqual(await outcome(bytes, false, command, returnBuffers));
      }),
      { numRuns: 2000 },
    );
  });
});
