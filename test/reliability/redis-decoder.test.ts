// Hostile input for resty-redis's reply decoder (RespScanner in front of redis-parser): valid
// RESP2 at random splits decodes exactly; random and mutated bytes end only in replies or a
// RedisProtocolError; announced lengths beyond maxReplySize are refused at the header, before
// any payload is awaited; nesting depth cannot blow the stack. The client closes the connection
// on a RedisProtocolError (checked against a scripted server in hostile-stream.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RedisProtocolError, RedisReplyError, ReplyDecoder } from 'resty-redis';
import { cutAt } from '@cosocket/test-kit';
import { PROPERTY_RUNS } from './support/runs.js';
import { count } from './support/stats.js';

type Resp = { t: '+' | '-'; s: string } | { t: ':'; n: number } | { t: '$'; b: Buffer | null } | { t: '*'; a: Resp[] | null };

const line = fc.string({ unit: fc.constantFrom(...'abcXYZ 019-_:$*+'.split('')), maxLength: 12 });
const { resp } = fc.letrec<{ resp: Resp }>((tie) => ({
  resp: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    line.map((s) => ({ t: '+' as const, s })),
    line.map((s) => ({ t: '-' as const, s: `ERR ${s}` })),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((n) => ({ t: ':' as const, n })),
    fc.option(fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b))).map((b) => ({ t: '$' as const, b })),
    fc.option(fc.array(tie('resp'), { maxLength: 4 })).map((a) => ({ t: '*' as const, a })),
  ),
}));

function encode(v: Resp): Buffer {
  switch (v.t) {
    case '+':
    case '-':
      return Buffer.from(`${v.t}${v.s}\r\n`);
    case ':':
      return Buffer.from(`:${v.n}\r\n`);
    case '$':
      return v.b === null ? Buffer.from('$-1\r\n') : Buffer.concat([Buffer.from(`$${v.b.length}\r\n`), v.b, Buffer.from('\r\n')]);
    case '*':
      return v.a === null ? Buffer.from('*-1\r\n') : Buffer.concat([Buffer.from(`*${v.a.length}\r\n`), ...v.a.map(encode)]);
  }
}

/** The decoded value (returnBuffers: false), errors as `{ error }` for comparison. */
function expected(v: Resp): unknown {
  switch (v.t) {
    case '+':
      return v.s;
    case '-':
      return { error: v.s };
    case ':':
      return v.n;
    case '$':
      return v.b === null ? null : v.b.toString('utf8');
    case '*':
      return v.a === null ? null : v.a.map(expected);
  }
}

function normalise(r: unknown): unknown {
  if (r instanceof RedisReplyError) return { error: r.message };
  if (Array.isArray(r)) return r.map(normalise);
  return r;
}

/** Feeds `chunks`; returns the replies, or the error thrown (anything not a RedisProtocolError fails). */
function run(d: ReplyDecoder, chunks: Buffer[]): { replies: unknown[]; error: RedisProtocolError | null } {
  const replies: unknown[] = [];
  try {
    for (const c of chunks) {
      d.feed(c);
      while (d.available > 0) replies.push(normalise(d.shift()));
    }
  } catch (error) {
    if (!(error instanceof RedisProtocolError)) throw error;
    return { replies, error };
  }
  return { replies, error: null };
}

const cuts = fc.array(fc.nat(400), { maxLength: 8 });
const MAX = 256;

describe('resty-redis ReplyDecoder under hostile input', () => {
  it('decodes any valid stream exactly, however it is split', () => {
    fc.assert(
      fc.property(fc.array(resp, { minLength: 1, maxLength: 5 }), cuts, (values, at) => {
        count('hostileInputs');
        const bytes = Buffer.concat(values.map(encode));
        const d = new ReplyDecoder(false, 1 << 20);
        const { replies, error } = run(d, cutAt(bytes, at));
        expect(error).toBeNull();
        expect(replies).toEqual(values.map(expected));
        expect(d.hasUnread).toBe(false);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('random bytes end in replies or a RedisProtocolError, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cuts, (raw, at) => {
        count('hostileInputs');
        run(new ReplyDecoder(false, MAX), cutAt(Buffer.from(raw), at));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('a mutated valid stream fails clearly or stays in step: a reply after a clean boundary decodes exactly', () => {
    fc.assert(
      fc.property(
        fc.array(resp, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(400), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        cuts,
        resp,
        (values, flips, at, probe) => {
          count('hostileInputs');
          const bytes = Buffer.concat(values.map(encode));
          for (const [pos, byte] of flips) bytes[pos % bytes.length] = byte;
          const d = new ReplyDecoder(false, MAX * 16);
          const first = run(d, cutAt(bytes, at));
          if (first.error !== null || d.hasUnread) return;
          // The decoder claims to be between replies: scanner and parser must agree on that.
          const next = run(d, [encode(probe)]);
          expect(next.error).toBeNull();
          expect(next.replies).toEqual([expected(probe)]);
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('a length or element count beyond maxReplySize is refused at the header, before the payload', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('$', '*'),
        fc.integer({ min: MAX + 1, max: Number.MAX_SAFE_INTEGER }),
        fc.array(fc.constantFrom('*1\r\n', '*2\r\n:1\r\n'), { maxLength: 3 }),
        fc.nat(30),
        (type, n, outer, cut) => {
          count('hostileInputs');
          const header = Buffer.from(`${outer.join('')}${type}${n}\r\n`);
          const d = new ReplyDecoder(false, MAX);
          const { error } = run(d, cutAt(header, [cut]));
          expect(error).toBeInstanceOf(RedisProtocolError);
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('deep nesting is a protocol error or a reply, never a stack overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.boolean(), (depth, close) => {
        count('hostileInputs');
        const bytes = Buffer.from('*1\r\n'.repeat(depth) + (close ? ':1\r\n' : ''));
        const d = new ReplyDecoder(false, 1 << 22);
        const { replies, error } = run(d, [bytes]);
        if (depth > 1000) expect(error?.message).toMatch(/nested deeper than 1000/);
        else if (close) expect(replies).toHaveLength(1);
        else expect(error).toBeNull();
      }),
      { numRuns: Math.min(PROPERTY_RUNS, 2_000) },
    );
  });
});
