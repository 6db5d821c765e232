// Hostile input for resty-memcached's reply readers: valid replies at random splits read
// exactly; random and mutated bytes end only in a value, a MemcachedServerError (ERROR lines), a
// MemcachedProtocolError or a CosocketError `closed`; no reader waits for more bytes while it
// already holds more than a value or a line can take, so the buffer never grows past the limits. (The client closes the
// connection on a MemcachedProtocolError: checked over a real socket in hostile-stream.test.ts.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CosocketError, MemcachedProtocolError, MemcachedServerError } from 'resty-memcached';
import {
  readCounter,
  readMultiValues,
  readSingleValue,
  readStats,
  readStatus,
  type ReadOptions,
  type ReplySource,
} from '../../packages/resty-memcached/src/protocol/read-reply.js';
import { ChunkedSocket, cutAt } from '@cosocket/test-kit';
import { PROPERTY_RUNS } from './support/runs.js';
import { count } from './support/stats.js';

const OPTS: ReadOptions = { maxValueSize: 256, maxLineLength: 128, returnBuffers: true };

type Reading = 'get' | 'gets' | 'multi' | 'counter' | 'status' | 'stats';
const READINGS: Reading[] = ['get', 'gets', 'multi', 'counter', 'status', 'stats'];

function readWith(kind: Reading, r: ReplySource): Promise<unknown> {
  switch (kind) {
    case 'get':
    case 'gets':
      return readSingleValue(r, kind, 'k1', OPTS);
    case 'multi':
      return readMultiValues(r, 'get', new Set(['k1', 'k2']), (k) => k, OPTS);
    case 'counter':
      return readCounter(r, 'incr', OPTS);
    case 'status':
      return readStatus(r, 'set', OPTS, 'STORED', ['NOT_STORED', 'EXISTS', 'NOT_FOUND']);
    case 'stats':
      return readStats(r, OPTS);
  }
}

/** Reads once; fails the property on any outcome but a value or one of the clear errors. */
async function readOnce(kind: Reading, chunks: Buffer[]): Promise<{ value?: unknown; error?: unknown }> {
  const sock = new ChunkedSocket(chunks);
  try {
    return { value: await readWith(kind, sock) };
  } catch (error) {
    const clear =
      error instanceof MemcachedProtocolError || error instanceof MemcachedServerError || (error instanceof CosocketError && error.code === 'closed');
    expect(clear, `${(error as Error)?.name}: ${(error as Error)?.message}`).toBe(true);
    return { error };
  } finally {
    // A value block with its trailer (`\r\nEND\r\n`), or a line with its CR, at most.
    expect(sock.largestWait).toBeLessThan(Math.max(OPTS.maxValueSize + 7, OPTS.maxLineLength + 2));
  }
}

const word = fc.string({ unit: fc.constantFrom(...'abcXYZ019_'.split('')), minLength: 1, maxLength: 8 });
const value = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b));
const flags = fc.nat(2 ** 32 - 1);
const cas = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

/** A valid reply for each reading, with what it must read back. */
const validReply: fc.Arbitrary<{ kind: Reading; bytes: Buffer; expected: unknown }> = fc.oneof(
  fc.tuple(value, flags).map(([v, f]) => ({
    kind: 'get' as const,
    bytes: Buffer.concat([Buffer.from(`VALUE k1 ${f} ${v.length}\r\n`), v, Buffer.from('\r\nEND\r\n')]),
    expected: { value: v, flags: f },
  })),
  fc.tuple(value, flags, cas).map(([v, f, c]) => ({
    kind: 'gets' as const,
    bytes: Buffer.concat([Buffer.from(`VALUE k1 ${f} ${v.length} ${c}\r\n`), v, Buffer.from('\r\nEND\r\n')]),
    expected: { value: v, flags: f, cas: String(c) },
  })),
  fc.tuple(fc.option(value), fc.option(value)).map(([a, b]) => {
    const parts: Buffer[] = [];
    const expected: Record<string, unknown> = {};
    for (const [k, v] of [
      ['k1', a],
      ['k2', b],
    ] as const) {
      if (v === null) continue;
      parts.push(Buffer.from(`VALUE ${k} 0 ${v.length}\r\n`), v, Buffer.from('\r\n'));
      expected[k] = { value: v, flags: 0 };
    }
    return { kind: 'multi' as const, bytes: Buffer.concat([...parts, Buffer.from('END\r\n')]), expected };
  }),
  fc.nat().map((n) => ({ kind: 'counter' as const, bytes: Buffer.from(`${n}\r\n`), expected: n })),
  fc.constantFrom('STORED', 'NOT_STORED').map((s) => ({ kind: 'status' as const, bytes: Buffer.from(`${s}\r\n`), expected: s === 'STORED' })),
  fc.array(fc.tuple(word, word), { maxLength: 4 }).map((pairs) => ({
    kind: 'stats' as const,
    bytes: Buffer.from(`${pairs.map(([k, v]) => `STAT ${k} ${v}\r\n`).join('')}END\r\n`),
    expected: Object.fromEntries(pairs),
  })),
);

const cuts = fc.array(fc.nat(300), { maxLength: 6 });

describe('resty-memcached reply readers under hostile input', () => {
  it('reads any valid reply exactly, however it is split', async () => {
    await fc.assert(
      fc.asyncProperty(validReply, cuts, async ({ kind, bytes, expected }, at) => {
        count('hostileInputs');
        const { value: got, error } = await readOnce(kind, cutAt(bytes, at));
        expect(error).toBeUndefined();
        expect(got).toEqual(expected);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('random bytes: a value or a clear error, for every kind of reply', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...READINGS), fc.uint8Array({ maxLength: 300 }), cuts, async (kind, raw, at) => {
        count('hostileInputs');
        await readOnce(kind, cutAt(Buffer.from(raw), at));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('mutated valid replies: a value or a clear error, never past the limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        validReply,
        fc.array(fc.tuple(fc.nat(300), fc.constantFrom(0x20, 0x0d, 0x0a, 0x30, 0x39, 0x2d, 0x41, 0xff, 0x00)), { minLength: 1, maxLength: 3 }),
        cuts,
        async ({ kind, bytes }, flips, at) => {
          count('hostileInputs');
          const mutated = Buffer.from(bytes);
          for (const [pos, byte] of flips) mutated[pos % mutated.length] = byte;
          await readOnce(kind, cutAt(mutated, at));
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('a value length beyond maxValueSize is refused from the header alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 257n, max: 10n ** 30n }), async (n) => {
        count('hostileInputs');
        const { error } = await readOnce('get', [Buffer.from(`VALUE k1 0 ${n}\r\n`)]);
        expect(error).toBeInstanceOf(MemcachedProtocolError);
      }),
      { numRuns: Math.min(PROPERTY_RUNS, 10_000) },
    );
  });
});
