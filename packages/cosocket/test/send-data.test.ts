import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedServer, type ScriptedServer } from '@cosocket/test-kit';
import { formatNumber, serializeSendData, type SendData } from '../src/send-data.js';
import { tcp } from '../src/index.js';

/**
 * What send() accepts and the bytes it becomes (cosocket.md §4.5, api.md): strings, bytes,
 * numbers printed as lua-nginx-module prints them, booleans, nested arrays; nothing else.
 */

const joined = (data: SendData) => {
  const { pieces, bytes } = serializeSendData(data);
  const buf = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  expect(buf.length).toBe(bytes);
  return buf;
};
const str = (data: SendData) => joined(data).toString('latin1');

describe('serializeSendData: scalars', () => {
  it('strings go out as they are, counted in UTF-8 bytes', () => {
    const s = serializeSendData('hello');
    expect(s).toEqual({ pieces: ['hello'], bytes: 5 });
    const u = serializeSendData('héllo €');
    expect(u.bytes).toBe(Buffer.byteLength('héllo €'));
    expect(u.bytes).toBe(10);
    expect(joined('héllo €').toString('utf8')).toBe('héllo €');
  });

  it('Buffers are passed through by reference, not copied', () => {
    const b = Buffer.from('bytes');
    const s = serializeSendData(b);
    expect(s.bytes).toBe(5);
    expect(s.pieces).toHaveLength(1);
    expect(s.pieces[0]).toBe(b);
  });

  it('Uint8Array views become Buffer views of the same memory (offset and length kept)', () => {
    const backing = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
    const view = backing.subarray(2, 6);
    const s = serializeSendData(view);
    expect(s.bytes).toBe(4);
    const piece = s.pieces[0] as Buffer;
    expect(Buffer.isBuffer(piece)).toBe(true);
    expect([...piece]).toEqual([2, 3, 4, 5]);
    expect(piece.buffer).toBe(backing.buffer);
    backing[3] = 99; // zero-copy
    expect(piece[1]).toBe(99);
  });

  it('booleans become "true" / "false"', () => {
    expect(str(true)).toBe('true');
    expect(str(false)).toBe('false');
  });

  it('empty data is 0 bytes and no pieces: "", empty bytes, [], nested empties', () => {
    for (const empty of ['', Buffer.alloc(0), new Uint8Array(0), [], [[], ''], [[[]], [Buffer.alloc(0)]]] as SendData[]) {
      expect(serializeSendData(empty)).toEqual({ pieces: [], bytes: 0 });
    }
  });
});

describe('formatNumber / numbers (§4.5, t/058 TEST 70-71)', () => {
  it.each([
    [31415926, '31415926'],
    [3.14159265357939723846, '3.1415926535794'],
    [3.1415926, '3.1415926'],
    [1e15, '1e+15'],
    [0, '0'],
    [-0, '0'], // (double)(int32_t)-0.0 == -0.0, printed with %D
    [-1, '-1'],
    [-31415926, '-31415926'],
    [2147483647, '2147483647'],
    [-2147483648, '-2147483648'],
    [2147483648, '2147483648'], // beyond int32: %.14g, still 10 digits
    [-2147483649, '-2147483649'],
    [-3.5, '-3.5'],
    [-1e15, '-1e+15'],
    [0.5, '0.5'],
    [0.1 + 0.2, '0.3'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.00001234, '1.234e-05'],
    [-2.5e-7, '-2.5e-07'],
    [1e14, '1e+14'],
    [99999999999999, '99999999999999'],
    [123456789012346, '1.2345678901235e+14'],
    [123456789012345680, '1.2345678901235e+17'],
    [9.999999999999999, '10'],
    [1e100, '1e+100'],
    [1.7976931348623157e308, '1.7976931348623e+308'],
    [5e-324, '4.9406564584125e-324'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%s -> %s', (n, want) => {
    expect(formatNumber(n)).toBe(want);
    expect(str(n)).toBe(want);
    expect(str([n])).toBe(want);
  });

  // glibc's printf rounds the exact binary value, ties to even; JS toExponential/toFixed
  // break ties upwards. Every case below is exactly halfway at the 15th significant digit.
  it.each([
    [100000000000005, '1e+14'],
    [10000000000000.5, '10000000000000'],
    [2 ** -21, '4.7683715820312e-07'],
    [0.195343017578125, '0.19534301757812'],
    [33.2442626953125, '33.244262695312'],
    [123456789012345, '1.2345678901234e+14'],
  ])('ties round half to even, as glibc printf does: %s -> %s', (n, want) => {
    expect(formatNumber(n)).toBe(want);
  });

  it('matches an exact %.14g (BigInt, ties to even) for arbitrary doubles', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (n) => {
        const want = n === (n | 0) ? String(n | 0) : printfG14(n);
        expect(formatNumber(n)).toBe(want);
      }),
      { numRuns: 5000 },
    );
  });

  it('matches an exact %.14g for dyadic rationals (where ties live)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 40 }), (m, k) => {
        const n = m / 2 ** k;
        const want = n === (n | 0) ? String(n | 0) : printfG14(n);
        expect(formatNumber(n)).toBe(want);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('serializeSendData: arrays', () => {
  it('flattens nested arrays in order, one piece per non-empty element, nothing concatenated', () => {
    const b = Buffer.from('BUF');
    const s = serializeSendData(['a', ['bc', [b, 1, ['', 2.5]]], true, new Uint8Array([0x21])]);
    expect(s.pieces.map((p) => (typeof p === 'string' ? p : p.toString('latin1')))).toEqual(['a', 'bc', 'BUF', '1', '2.5', 'true', '!']);
    expect(s.pieces[2]).toBe(b);
    expect(s.bytes).toBe(1 + 2 + 3 + 1 + 3 + 4 + 1);
  });

  it('booleans inside arrays are allowed (api.md: nested arrays of these)', () => {
    expect(str([false, [true]])).toBe('falsetrue');
  });

  it('accepts deep nesting up to the limit and refuses deeper or cyclic arrays with a TypeError', () => {
    let ok: SendData = 'x';
    for (let i = 0; i < 100; i++) ok = [ok];
    expect(str(ok)).toBe('x');
    let deep: SendData = 'x';
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(() => serializeSendData(deep)).toThrow(TypeError);
    const cyclic: SendData[] = ['a'];
    cyclic.push(cyclic);
    expect(() => serializeSendData(cyclic)).toThrow(TypeError);
    expect(() => serializeSendData(cyclic)).toThrow('nested too deeply');
  });

  it.each([
    ['null', 'bad data type nil found', [null]],
    ['undefined', 'bad data type nil found', ['a', undefined]],
    ['a hole', 'bad data type nil found', ['a', , 'b']], // eslint-disable-line no-sparse-arrays
    ['nested null', 'bad data type nil found', ['a', ['b', [null]]]],
    ['an object', 'bad data type object found', [{}]],
    ['a Uint16Array', 'bad data type object found', [new Uint16Array(2)]],
    ['a DataView', 'bad data type object found', [new DataView(new ArrayBuffer(2))]],
    ['a function', 'bad data type function found', [() => 'x']],
    ['a symbol', 'bad data type symbol found', [Symbol('s')]],
    ['a bigint', 'bad data type bigint found', [10n]],
  ])('%s inside an array throws TypeError "%s"', (_what, message, data) => {
    expect(() => serializeSendData(data as unknown as SendData)).toThrow(TypeError);
    expect(() => serializeSendData(data as unknown as SendData)).toThrow(message);
  });

  it.each([
    ['null', 'got nil', null],
    ['undefined', 'got nil', undefined],
    ['an object', 'got object', { a: 1 }],
    ['a bigint', 'got bigint', 1n],
  ])('%s at the top level throws TypeError (%s)', (_what, message, data) => {
    expect(() => serializeSendData(data as unknown as SendData)).toThrow(TypeError);
    expect(() => serializeSendData(data as unknown as SendData)).toThrow(message);
  });
});

describe('send() writes the serialized bytes', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends nested data in order, resolves the byte count, and sends nothing for empty data', async () => {
    const received: Buffer[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    server = await scriptedServer(async (conn) => {
      await conn.closed;
      received.push(conn.pending());
      done();
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    expect(await sock.send([])).toBe(0);
    expect(await sock.send('')).toBe(0);
    expect(await sock.send(['GET ', ['/', 3.5, Buffer.from(' ')], true, new Uint8Array([0x0a])])).toBe(14);
    expect(await sock.send(31415926)).toBe(8);
    await sock.close();
    await finished;
    expect(received[0]!.toString('latin1')).toBe('GET /3.5 true\n31415926');
  });
});

/**
 * `%.14g` as glibc prints it: round the exact binary value to 14 significant digits, ties to
 * even, then %g's choice between fixed and exponent notation with trailing zeros removed.
 * Checked against Python's '%.14g' on 60,000 random doubles while writing this test.
 */
function printfG14(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  // The exact value is digits * 10^-k.
  const [digitsAll, k] = e >= 0 ? [(mant << BigInt(e)).toString(), 0] : [(mant * 5n ** BigInt(-e)).toString(), -e];
  let exp10 = digitsAll.length - k - 1;
  let digits: string;
  if (digitsAll.length <= 14) digits = digitsAll.padEnd(14, '0');
  else {
    let head = BigInt(digitsAll.slice(0, 14));
    const rest = digitsAll.slice(14);
    const first = rest.charCodeAt(0) - 48;
    const tail = /[1-9]/.test(rest.slice(1));
    if (first > 5 || (first === 5 && (tail || head % 2n === 1n))) head += 1n;
    digits = head.toString();
    if (digits.length > 14) {
      digits = digits.slice(0, 14);
      exp10 += 1;
    }
  }
  const trim = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (exp10 < -4 || exp10 >= 14) {
    const e10 = `${exp10 < 0 ? '-' : '+'}${String(Math.abs(exp10)).padStart(2, '0')}`;
    return `${sign}${trim(`${digits[0]}.${digits.slice(1)}`)}e${e10}`;
  }
  const fixed = exp10 >= 0 ? `${digits.slice(0, exp10 + 1)}.${digits.slice(exp10 + 1)}` : `0.${'0'.repeat(-exp10 - 1)}${digits}`;
  return sign + trim(fixed);
}
