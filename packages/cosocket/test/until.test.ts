import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { everySplit } from '@cosocket/test-kit';
import { Reader } from '../src/reader.js';
import { DONE, UntilMatcher } from '../src/until.js';

/**
 * UntilMatcher (receiveUntil) against every example of cosocket.md §4.8.1–§4.8.4 and against a
 * literal transcription of the §4.8.3 byte-at-a-time pseudo-code. Every case is fed whole, byte by
 * byte, and split in two at every boundary, both lazily (a chunk arrives only when the matcher
 * asks for more) and eagerly (all chunks buffered before the first call): chunk boundaries must
 * never change a result, in unlimited or sized mode.
 */

/** One iterator or receive result: a chunk, the `null` done marker, or a `closed` error. */
type Result = string | null | { closed: string };

const bin = (b: Buffer) => b.toString('latin1');
const bytes = (s: string) => Buffer.from(s, 'latin1');

/** Drives Reader + UntilMatcher exactly the way TcpSocket does, without a network. */
class SimSocket {
  readonly reader = new Reader();
  private next = 0;
  private readClosed = false;
  private last: UntilMatcher | null = null;

  constructor(
    private readonly chunks: Buffer[],
    eager: boolean,
  ) {
    if (eager) while (this.feed());
  }

  /** The next network chunk; false at EOF. */
  private feed(): boolean {
    if (this.next >= this.chunks.length) return false;
    this.reader.push(Buffer.from(this.chunks[this.next++]!));
    return true;
  }

  /** What socket.ts beginRead does: another reader's withheld prefix goes back to the front. */
  private begin(matcher: UntilMatcher | null): void {
    const last = this.last;
    if (last !== null && last !== matcher && last.state > 0) {
      this.reader.unshift(last.pattern.subarray(0, last.state));
      last.state = 0;
    }
    this.last = matcher;
  }

  receive(n: number): Result {
    if (this.readClosed) return { closed: '' };
    this.begin(null);
    while (this.reader.length < n) {
      if (!this.feed()) {
        this.readClosed = true;
        return { closed: bin(this.reader.takeAll()) };
      }
    }
    return bin(this.reader.take(n));
  }

  until(pattern: string, inclusive = false): (size?: number) => Result {
    const matcher = new UntilMatcher(bytes(pattern), inclusive);
    return (size = 0) => {
      if (this.readClosed) return { closed: '' };
      this.begin(matcher);
      if (matcher.state === DONE) {
        matcher.state = 0;
        return null;
      }
      matcher.begin(size);
      for (;;) {
        const chunk = matcher.run(this.reader);
        if (chunk !== undefined) return bin(chunk);
        if (!this.feed()) {
          this.readClosed = true;
          return { closed: bin(matcher.released()) };
        }
      }
    };
  }

  /** Bytes not consumed yet: buffered plus not yet arrived. */
  unread(): string {
    return bin(this.reader.takeAll()) + this.chunks.slice(this.next).map(bin).join('');
  }
}

/** Every layout of `data`, lazily and eagerly fed. */
function layouts(data: string): { name: string; sock: () => SimSocket }[] {
  return everySplit(data).flatMap(({ name, chunks }) => [
    { name: `${name}, lazy`, sock: () => new SimSocket(chunks, false) },
    { name: `${name}, eager`, sock: () => new SimSocket(chunks, true) },
  ]);
}

/** Calls one iterator with `sizes` in turn, stopping after the first `closed`. */
function iterate(sock: SimSocket, pattern: string, inclusive: boolean, sizes: number[]): Result[] {
  const it = sock.until(pattern, inclusive);
  const out: Result[] = [];
  for (const size of sizes) {
    const r = it(size);
    out.push(r);
    if (r !== null && typeof r === 'object') break;
  }
  return out;
}

interface Example {
  spec: string;
  pattern: string;
  data: string;
  inclusive?: boolean;
  sizes: number[];
  want: Result[];
}

const unlimited: Example[] = [
  { spec: 't/066 abcabd', pattern: 'abcabd', data: 'abcabcabd\n', sizes: [0, 0], want: ['abc', { closed: '\n' }] },
  { spec: 't/066 aa', pattern: 'aa', data: 'abcabcaad\n', sizes: [0, 0], want: ['abcabc', { closed: 'd\n' }] },
  { spec: 't/066 aaa', pattern: 'aaa', data: 'abaabcaaaef\n', sizes: [0, 0], want: ['abaabc', { closed: 'ef\n' }] },
  {
    spec: 't/066 aaaaad',
    pattern: 'aaaaad',
    data: 'baaaaaaaaeaaaaaaadf\n',
    sizes: [0, 0],
    want: ['baaaaaaaaeaa', { closed: 'f\n' }],
  },
  {
    spec: 't/066 abcabdabcabe',
    pattern: 'abcabdabcabe',
    data: 'ababcabdabcabe\n',
    sizes: [0, 0],
    want: ['ab', { closed: '\n' }],
  },
  { spec: 't/066 --abc', pattern: '--abc', data: '----abc\n', sizes: [0, 0], want: ['--', { closed: '\n' }] },
  {
    spec: 't/084 inclusive abcabd, twice',
    pattern: 'abcabd',
    data: 'abcabcabdabcabd\n',
    inclusive: true,
    sizes: [0, 0, 0],
    want: ['abcabcabd', 'abcabd', { closed: '\n' }],
  },
  {
    spec: 't/084 inclusive aa',
    pattern: 'aa',
    data: 'abcabcaad',
    inclusive: true,
    sizes: [0, 0],
    want: ['abcabcaa', { closed: 'd' }],
  },
  {
    spec: 't/066 TEST 2: a "\\r\\n" line reader called repeatedly',
    pattern: '\r\n',
    data: 'foo\r\nbar\r\n\r\nbaz',
    sizes: [0, 0, 0, 0],
    want: ['foo', 'bar', '', { closed: 'baz' }],
  },
  { spec: 'match at the very start returns ""', pattern: '--', data: '--x--', sizes: [0, 0, 0], want: ['', 'x', { closed: '' }] },
  {
    spec: 'withheld pattern prefix at EOF is not part of partial (§9)',
    pattern: 'abc',
    data: 'xyzab',
    sizes: [0],
    want: [{ closed: 'xyz' }],
  },
  {
    spec: 't/066 TEST 19: long patterns are fine',
    pattern: `${'x'.repeat(100)}y`,
    data: `${'x'.repeat(250)}yz`,
    sizes: [0, 0],
    want: ['x'.repeat(150), { closed: 'z' }],
  },
];

const sized: Example[] = [
  {
    spec: 'README / t/066 TEST 15-16: it(4) on hello, world ----abc',
    pattern: '--abc',
    data: 'hello, world ----abc\n',
    sizes: [4, 4, 4, 4, 4, 4],
    want: ['hell', 'o, w', 'orld', ' --', null, { closed: '\n' }],
  },
  {
    spec: 't/084 TEST 9: inclusive, the 4th chunk carries the pattern',
    pattern: '--abc',
    data: 'hello, world ----abc\n',
    inclusive: true,
    sizes: [4, 4, 4, 4, 4, 4],
    want: ['hell', 'o, w', 'orld', ' ----abc', null, { closed: '\n' }],
  },
  {
    spec: 'README: \\r\\n--abcedhb with it(4), then the iterator is reused',
    pattern: '\r\n--abcedhb',
    data: 'hello, world! -agentzh\r\n--abcedhb blah blah',
    sizes: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
    want: ['hell', 'o, w', 'orld', '! -a', 'gent', 'zh', null, ' bla', 'h bl', { closed: 'ah' }],
  },
  {
    spec: 't/066 TEST 20: -----abc with it(2)',
    pattern: '--abc',
    data: '-----abc\n',
    sizes: [2, 2, 2, 2],
    want: ['--', '-', null, { closed: '\n' }],
  },
  {
    spec: 't/066 TEST 25: ab1ab2 on ab1ab1 with it(2) releases 3 bytes at once',
    pattern: 'ab1ab2',
    data: 'ab1ab1\n',
    sizes: [2, 2, 2],
    want: ['ab1', 'ab1', { closed: '\n' }],
  },
  {
    spec: 'a chunk ending right before the match, then "" from the matching call',
    pattern: '--abc',
    data: 'abcd--abc\n',
    sizes: [4, 4, 4, 4],
    want: ['abcd', '', null, { closed: '\n' }],
  },
  {
    spec: 'sized inclusive with the match at the start',
    pattern: 'ab',
    data: 'abab',
    inclusive: true,
    sizes: [1, 1, 1, 1, 1],
    want: ['ab', null, 'ab', null, { closed: '' }],
  },
  {
    spec: 'the done marker is returned even to an unlimited call',
    pattern: ';',
    data: 'ab;cd;',
    sizes: [5, 0, 0, 0],
    want: ['ab', null, 'cd', { closed: '' }],
  },
];

describe.each([
  ['unlimited mode (§4.8.1)', unlimited],
  ['sized mode (§4.8.2, §4.8.3)', sized],
])('%s', (_title, examples) => {
  describe.each(examples)('$spec', (ex) => {
    it('gives the spec results for every chunk layout', () => {
      for (const { name, sock } of layouts(ex.data)) {
        const got = iterate(sock(), ex.pattern, ex.inclusive ?? false, ex.sizes);
        expect(got, name).toEqual(ex.want);
      }
    });

    it('agrees with the literal §4.8.3 pseudo-code', () => {
      expect(reference(ex.pattern, ex.data, ex.inclusive ?? false, ex.sizes)).toEqual(ex.want);
    });
  });
});

describe('consumption (unlimited mode)', () => {
  it('consumes exactly up to the end of the first occurrence, and withholds nothing after a match', () => {
    for (const { name, sock } of layouts('xx--ab--abc--abcTAIL--abc')) {
      const s = sock();
      expect(s.until('--abc')(), name).toBe('xx--ab');
      expect(s.unread(), name).toBe('--abcTAIL--abc');
    }
  });
});

describe('withheld-bytes pushback between reads (§4.8.4, without a network)', () => {
  type Op = ['it', number] | ['it2', number] | ['recv', number];
  const cases: { test: string; data: string; p1: string; p2?: string; ops: Op[]; want: Result[] }[] = [
    {
      test: 't/066 TEST 17',
      data: 'hello, world ----abc\n',
      p1: '--abc',
      ops: [
        ['it', 4],
        ['recv', 1],
        ['it', 4],
        ['recv', 1],
        ['it', 4],
        ['recv', 1],
        ['it', 4],
        ['recv', 1],
        ['it', 4],
        ['recv', 1],
      ],
      want: ['hell', 'o', ', wo', 'r', 'ld -', '-', '', '\n', null, { closed: '' }],
    },
    {
      test: 't/066 TEST 21',
      data: '----abc----abc-\n',
      p1: '--abc',
      ops: [
        ['it', 2],
        ['recv', 1],
        ['it', 2],
        ['recv', 1],
        ['it', 2],
        ['recv', 1],
        ['it', 2],
        ['recv', 1],
        ['it', 2],
        ['it', 2],
      ],
      want: ['--', '-', '-a', 'b', 'c-', '-', '', '-', null, { closed: '\n' }],
    },
    {
      test: 't/066 TEST 22',
      data: '------abd----abc\n',
      p1: '--abc',
      p2: '-ab',
      ops: [
        ['it', 2],
        ['recv', 1],
        ['it', 1],
        ['it2', 2],
        ['it', 0],
        ['it', 0],
      ],
      want: ['--', '-', '-', '-', 'd--', { closed: '\n' }],
    },
    {
      test: 't/066 TEST 25 (another read instead of GC)',
      data: 'ab1ab1\n',
      p1: 'ab1ab2',
      ops: [
        ['it', 2],
        ['recv', 3],
        ['recv', 1],
        ['recv', 1],
      ],
      want: ['ab1', 'ab1', '\n', { closed: '' }],
    },
  ];

  describe.each(cases)('$test', ({ data, p1, p2, ops, want }) => {
    it('gives the spec results for every chunk layout', () => {
      for (const { name, sock } of layouts(data)) {
        const s = sock();
        const it1 = s.until(p1);
        const it2 = s.until(p2 ?? p1);
        const got = ops.map(([op, n]) => (op === 'recv' ? s.receive(n) : op === 'it' ? it1(n) : it2(n)));
        expect(got, name).toEqual(want);
      }
    });
  });
});

describe('UntilMatcher details', () => {
  it('keeps its state across calls and reports released bytes as the partial', () => {
    const r = new Reader();
    const m = new UntilMatcher(bytes('--abc'), false);
    m.begin(0);
    r.push(bytes('xy--a'));
    expect(m.run(r)).toBeUndefined();
    expect(m.state).toBe(3); // "--a" withheld, consumed from the reader
    expect(r.length).toBe(0);
    expect(bin(m.released())).toBe('xy');
    expect(bin(m.released())).toBe(''); // released() hands bytes out once
    m.begin(0);
    r.push(bytes('bc!'));
    expect(bin(m.run(r)!)).toBe('');
    expect(m.state).toBe(0);
    expect(bin(r.takeAll())).toBe('!');
  });

  it('sets DONE only in sized mode', () => {
    const r = new Reader();
    const m = new UntilMatcher(bytes('ab'), false);
    r.push(bytes('xabxab'));
    m.begin(0);
    expect(bin(m.run(r)!)).toBe('x');
    expect(m.state).toBe(0);
    m.begin(10);
    expect(bin(m.run(r)!)).toBe('x');
    expect(m.state).toBe(DONE);
  });

  it('returns zero-copy views of the reader chunk for plain data', () => {
    const data = bytes('plain data;rest');
    const r = new Reader();
    r.push(data);
    const m = new UntilMatcher(bytes(';'), false);
    m.begin(0);
    const out = m.run(r)!;
    expect(bin(out)).toBe('plain data');
    expect(out.buffer).toBe(data.buffer);
  });
});

/**
 * §4.8.3 transcribed literally: byte at a time, `edge` found by brute force. Data is one array
 * (byte-at-a-time processing cannot see chunk boundaries), EOF at its end.
 */
function reference(pattern: string, data: string, inclusive: boolean, sizes: number[]): Result[] {
  const pat = bytes(pattern);
  const buf = bytes(data);
  const len = pat.length;
  const edge = (s: number, c: number): number => {
    const seen = Buffer.concat([pat.subarray(0, s), Buffer.from([c])]);
    for (let t = s; t >= 2; t--) if (seen.subarray(s + 1 - t).equals(pat.subarray(0, t))) return t;
    return -1;
  };
  let s = 0;
  let pos = 0;
  const results: Result[] = [];
  const call = (size: number): Result => {
    if (s === -1) {
      s = 0;
      return null;
    }
    let out = '';
    let rest = size;
    for (;;) {
      if (pos === buf.length) return { closed: out };
      const c = buf[pos]!;
      if (c === pat[s]) {
        pos++;
        s++;
        if (s === len) {
          s = size > 0 ? -1 : 0;
          if (inclusive) out += pattern;
          return out;
        }
        continue;
      }
      if (s === 0) {
        pos++;
        out += String.fromCharCode(c);
        if (size > 0 && --rest === 0) return out;
        continue;
      }
      const t = s >= 2 ? edge(s, c) : -1;
      if (t >= 2) {
        const emit = s + 1 - t;
        out += bin(pat.subarray(0, emit));
        pos++;
        s = t;
        if (size > 0) {
          if (rest <= emit) return out;
          rest -= emit;
        }
        continue;
      }
      out += bin(pat.subarray(0, s));
      if (size > 0) {
        if (rest <= s) {
          s = 0;
          return out;
        }
        rest -= s;
      }
      s = 0;
    }
  };
  for (const size of sizes) {
    const r = call(size);
    results.push(r);
    if (r !== null && typeof r === 'object') break;
  }
  return results;
}

describe('brute force over a small alphabet', () => {
  const alphabet = ['a', 'b', '-'];
  const str = (min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));

  it('unlimited mode: result = data before the first occurrence, consumption = through its end', () => {
    fc.assert(
      fc.property(str(1, 5), str(0, 24), fc.boolean(), fc.array(fc.nat(24), { maxLength: 4 }), (pattern, data, inclusive, cuts) => {
        const at = data.indexOf(pattern);
        const b = bytes(data);
        const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((x, y) => x - y);
        const chunks = [0, ...points].map((p, i, all) => b.subarray(p, all[i + 1] ?? b.length)).filter((c) => c.length > 0);
        for (const eager of [false, true]) {
          const sock = new SimSocket(chunks, eager);
          const r = sock.until(pattern, inclusive)();
          if (at === -1) {
            // Not found: the partial is everything but the withheld pattern prefix at the end.
            expect(r).not.toBeNull();
            expect(typeof r).toBe('object');
            const partial = (r as { closed: string }).closed;
            expect(data.startsWith(partial)).toBe(true);
            expect(pattern.startsWith(data.slice(partial.length))).toBe(true);
            expect(data.length - partial.length).toBeLessThan(pattern.length);
          } else {
            expect(r).toBe(data.slice(0, at) + (inclusive ? pattern : ''));
            expect(sock.unread()).toBe(data.slice(at + pattern.length));
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('withheld prefix at EOF is the longest suffix of the data that is a proper pattern prefix', () => {
    fc.assert(
      fc.property(str(2, 5), str(0, 16), (pattern, data) => {
        fc.pre(!data.includes(pattern));
        const sock = new SimSocket([bytes(data)], true);
        const r = sock.until(pattern)() as { closed: string };
        let k = Math.min(pattern.length - 1, data.length);
        while (k > 0 && !data.endsWith(pattern.slice(0, k))) k--;
        expect(r.closed).toBe(data.slice(0, data.length - k));
      }),
      { numRuns: 1000 },
    );
  });

  it('every mode, every size sequence: same results as the §4.8.3 pseudo-code for every chunk layout', () => {
    fc.assert(
      fc.property(
        str(1, 5),
        str(0, 20),
        fc.boolean(),
        fc.array(fc.nat(5), { minLength: 1, maxLength: 6 }),
        (pattern, data, inclusive, sizePattern) => {
          const sizes = Array.from({ length: 2 * data.length + 4 }, (_, i) => sizePattern[i % sizePattern.length]!);
          const want = reference(pattern, data, inclusive, sizes);
          for (const { name, sock } of layouts(data)) {
            expect(iterate(sock(), pattern, inclusive, sizes), name).toEqual(want);
          }
          // Sized chunks (without the inclusive pattern) concatenate to the data before the match.
          if (!inclusive) {
            const at = data.indexOf(pattern);
            const firstNull = want.indexOf(null);
            const zeroFree = sizes.slice(0, firstNull === -1 ? want.length : firstNull).every((n) => n > 0);
            if (at !== -1 && zeroFree && firstNull !== -1) {
              expect(want.slice(0, firstNull).join('')).toBe(data.slice(0, at));
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('pushback interleaving: same results as the pseudo-code model for every chunk layout', () => {
    // Random alternation of it(n) and receive(n); the whole-data eager run is the oracle for
    // the others (pushback itself is covered by the §4.8.4 cases above).
    fc.assert(
      fc.property(str(2, 4), str(0, 16), fc.array(fc.tuple(fc.boolean(), fc.nat(3)), { minLength: 1, maxLength: 12 }), (pattern, data, ops) => {
        const run = (s: SimSocket) => {
          const it = s.until(pattern);
          const out: Result[] = [];
          for (const [isIt, n] of ops) {
            const r = isIt ? it(n) : s.receive(n);
            out.push(r);
            if (r !== null && typeof r === 'object') break;
          }
          return out;
        };
        const all = layouts(data);
        const want = run(all[0]!.sock());
        for (const { name, sock } of all.slice(1)) expect(run(sock()), name).toEqual(want);
      }),
      { numRuns: 800 },
    );
  });
});
