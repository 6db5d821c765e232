import { describe, expect, it } from 'vitest';
import { toCount, toExptime, toFlags, toStatsArg, toU64, toValue } from '../src/args.js';

describe('argument conversion', () => {
  it('values: strings and Buffers as they are, scalars stringified, the rest refused', () => {
    const buf = Buffer.from('x');
    expect(toValue('s')).toBe('s');
    expect(toValue(buf)).toBe(buf);
    expect(toValue(new Uint8Array([1, 2]))).toEqual(Buffer.from([1, 2]));
    expect(toValue(32)).toBe('32');
    expect(toValue(-1.5)).toBe('-1.5');
    expect(toValue(2n ** 64n)).toBe('18446744073709551616');
    expect(toValue(false)).toBe('false');
    for (const bad of [null, undefined, {}, [], Number.NaN, Infinity, Symbol('x')]) expect(() => toValue(bad)).toThrow(TypeError);
  });

  it('flags are unsigned 32-bit', () => {
    expect(toFlags(undefined)).toBe(0);
    expect(toFlags(4294967295)).toBe(4294967295);
    expect(() => toFlags(4294967296)).toThrow(RangeError);
    expect(() => toFlags(-1)).toThrow(RangeError);
    expect(() => toFlags(1.5)).toThrow(TypeError);
    expect(() => toFlags('1')).toThrow(TypeError);
  });

  it('exptime is an integer; required for touch', () => {
    expect(toExptime(undefined)).toBe(0);
    expect(toExptime(-1)).toBe(-1);
    expect(() => toExptime(undefined, true)).toThrow(TypeError);
    expect(() => toExptime(0.5)).toThrow(TypeError);
  });

  it('u64 from number, bigint or digits', () => {
    expect(toU64(5, 'delta')).toBe('5');
    expect(toU64(18446744073709551615n, 'cas')).toBe('18446744073709551615');
    expect(toU64('007', 'cas')).toBe('007');
    expect(() => toU64(2 ** 53, 'delta')).toThrow(TypeError);
    expect(() => toU64(-1, 'delta')).toThrow(RangeError);
    expect(() => toU64(-1n, 'delta')).toThrow(RangeError);
    expect(() => toU64('18446744073709551616', 'delta')).toThrow(RangeError);
    expect(() => toU64('1 2', 'delta')).toThrow(RangeError);
    expect(() => toU64('1\r\nflush_all', 'cas')).toThrow(RangeError);
    expect(() => toU64(null, 'cas')).toThrow(TypeError);
  });

  it('counts and stats arguments', () => {
    expect(toCount(0, 'delay')).toBe(0);
    expect(() => toCount(-1, 'delay')).toThrow(RangeError);
    expect(toStatsArg('cachedump 1 10')).toBe('cachedump 1 10');
    expect(toStatsArg(undefined)).toBeUndefined();
    for (const bad of ['', ' slabs', 'slabs\r\nflush_all', 'a  b', 'a\tb']) expect(() => toStatsArg(bad)).toThrow(TypeError);
  });
});
