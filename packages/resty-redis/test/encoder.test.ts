import { describe, expect, it } from 'vitest';
import { encodeCommand, formatNumber } from '../src/encoder.js';
import { RequestBuilder } from '../src/encoder.js';

/** The bytes one `send` of the encoded command puts on the wire. */
function wire(encoded: ReturnType<typeof encodeCommand>): Buffer {
  const pieces = typeof encoded === 'string' ? [encoded] : encoded;
  return Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
}

describe('encodeCommand', () => {
  it('encodes a multi-bulk request as lua-resty-redis does (t/mock.t)', () => {
    expect(wire(encodeCommand('get', ['foo'])).toString()).toBe('*2\r\n$3\r\nget\r\n$3\r\nfoo\r\n');
    expect(wire(encodeCommand('ping', [])).toString()).toBe('*1\r\n$4\r\nping\r\n');
  });

  it('counts string lengths in UTF-8 bytes, not UTF-16 units', () => {
    expect(wire(encodeCommand('set', ['k', 'héllo€'])).toString()).toBe('*3\r\n$3\r\nset\r\n$1\r\nk\r\n$9\r\nhéllo€\r\n');
  });

  it('sends Buffers byte-exact as separate pieces (no copy), CR/LF/NUL included', () => {
    const value = Buffer.from([0, 13, 10, 255, 36, 42]);
    const encoded = encodeCommand('set', ['k', value]);
    expect(Array.isArray(encoded)).toBe(true);
    expect((encoded as unknown[]).includes(value)).toBe(true);
    expect(wire(encoded)).toEqual(Buffer.concat([Buffer.from('*3\r\n$3\r\nset\r\n$1\r\nk\r\n$6\r\n'), value, Buffer.from('\r\n')]));
  });

  it('accepts plain Uint8Arrays', () => {
    const encoded = encodeCommand('set', ['k', new Uint8Array([1, 2])]);
    expect(wire(encoded)).toEqual(Buffer.from('*3\r\n$3\r\nset\r\n$1\r\nk\r\n$2\r\n\x01\x02\r\n', 'latin1'));
  });

  it('sends numbers and bigints in full precision without exponent form', () => {
    const args = [10, 1.5, 1e15, 1e21, 2 ** 64, 0.1, 1.5e-7, -3e-10, 123456789012345678901234567890n, -0];
    const text = wire(encodeCommand('x', args)).toString();
    const values = text.split('\r\n').filter((_, i) => i >= 4 && i % 2 === 0);
    expect(values).toEqual([
      '10',
      '1.5',
      '1000000000000000',
      '1000000000000000000000',
      '18446744073709551616',
      '0.1',
      '0.00000015',
      '-0.0000000003',
      '123456789012345678901234567890',
      '0',
    ]);
  });

  it('maps infinities to inf/-inf and refuses NaN', () => {
    expect(formatNumber(Infinity)).toBe('inf');
    expect(formatNumber(-Infinity)).toBe('-inf');
    expect(() => formatNumber(NaN)).toThrow(TypeError);
  });

  it('round-trips every sampled double through its decimal text', () => {
    for (const n of [Math.PI, 1 / 3, 5e-324, 1.7976931348623157e308, 2 ** 53 + 2, 1e-7, 123.456e-9]) {
      const s = formatNumber(n);
      expect(s).not.toMatch(/e/i);
      expect(Number(s)).toBe(n);
    }
  });

  it.each([null, undefined, {}, [], true, Symbol('s')])('throws TypeError for %s arguments', (bad) => {
    expect(() => encodeCommand('set', ['k', bad])).toThrow(TypeError);
  });
});

describe('RequestBuilder', () => {
  it('joins text commands and keeps Buffers as their own pieces', () => {
    const b = new RequestBuilder();
    const value = Buffer.from('v\r\n');
    b.add(encodeCommand('get', ['a']));
    b.add(encodeCommand('set', ['b', value]));
    b.add(encodeCommand('get', ['b']));
    const pieces = b.finish();
    expect(b.count).toBe(3);
    expect(pieces).toHaveLength(3);
    expect(pieces[1]).toBe(value);
    expect(wire(pieces).toString()).toBe('*2\r\n$3\r\nget\r\n$1\r\na\r\n*3\r\n$3\r\nset\r\n$1\r\nb\r\n$3\r\nv\r\n\r\n*2\r\n$3\r\nget\r\n$1\r\nb\r\n');
  });

  it('is empty when nothing was added', () => {
    expect(new RequestBuilder().finish()).toEqual([]);
  });
});
