import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { identityKeyTransform, MAX_KEY_BYTES, uriKeyTransform, wireKey, checkKeyTransform } from '../src/keys.js';

const [encode, decode] = uriKeyTransform;
const identity = identityKeyTransform[0];

describe('default key transform', () => {
  it('matches ngx.escape_uri (component mode): pinned table', () => {
    const table: [string, string][] = [
      ['dog A', 'dog%20A'],
      ['dog&cat', 'dog%26cat'],
      ['appname:x', 'appname%3Ax'],
      ['[k]', '%5Bk%5D'],
      ["-._~!*'()", "-._~!*'()"],
      ['a/b?c=d#e%f+g', 'a%2Fb%3Fc%3Dd%23e%25f%2Bg'],
      ['\r\n\t\0', '%0D%0A%09%00'],
      ['日本', '%E6%97%A5%E6%9C%AC'],
      ['🎉', '%F0%9F%8E%89'],
    ];
    for (const [key, escaped] of table) {
      expect(wireKey(key, encode)).toBe(escaped);
      expect(decode(escaped)).toBe(key);
    }
  });

  it('a lone surrogate is a TypeError, not a URIError', () => {
    expect(() => wireKey('a\ud800', encode)).toThrow(TypeError);
  });
});

describe('wireKey checks (after the transform)', () => {
  it('accepts ordinary keys up to 250 bytes', () => {
    expect(wireKey('k'.repeat(MAX_KEY_BYTES), identity)).toBe('k'.repeat(250));
    expect(wireKey('prefix:key|with~punct!', identity)).toBe('prefix:key|with~punct!');
    expect(wireKey('日本', identity)).toBe('日本');
    expect(wireKey('é'.repeat(125), identity)).toHaveLength(125); // 250 bytes
  });

  it.each([
    ['empty', ''],
    ['251 bytes', 'k'.repeat(251)],
    ['251 bytes of UTF-8', `${'é'.repeat(125)}k`],
    ['CRLF injection', 'a\r\nflush_all'],
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
    ['space', 'a b'],
    ['tab', 'a\tb'],
    ['NUL', 'a\0b'],
    ['DEL', 'a\x7fb'],
    ['C1 control NEL', 'a\u0085b'],
    ['no-break space', 'a\u00a0b'],
    ['line separator', 'a\u2028b'],
    ['ideographic space', 'a\u3000b'],
    ['lone surrogate', 'a\udc00b'],
  ])('rejects %s with TypeError', (_name, key) => {
    expect(() => wireKey(key, identity)).toThrow(TypeError);
  });

  it('checks the transformed key, not the caller key', () => {
    // 84 spaces are fine to escape, but escape to 252 bytes.
    expect(() => wireKey(' '.repeat(84), encode)).toThrow(/longer than 250 bytes/);
    expect(wireKey(' '.repeat(83), encode)).toHaveLength(249);
    // A transform that produces whitespace is caught too.
    expect(() => wireKey('ab', (k) => `${k} flush_all`)).toThrow(/whitespace or control character/);
    expect(() => wireKey('ab', () => 5 as unknown as string)).toThrow(TypeError);
    expect(() => wireKey(5, identity)).toThrow(TypeError);
  });

  it('checkKeyTransform wants two functions', () => {
    expect(() => checkKeyTransform([encodeURIComponent])).toThrow(TypeError);
    expect(() => checkKeyTransform([encodeURIComponent, 'x'])).toThrow(TypeError);
    expect(() => checkKeyTransform({})).toThrow(TypeError);
    expect(checkKeyTransform(identityKeyTransform)).toBe(identityKeyTransform);
  });
});

// The default transform skips encodeURIComponent / decodeURIComponent when they would return
// the key unchanged; these pin it to the plain builtins, output and errors, for every input.
describe('default key transform fast path equals the builtins', () => {
  /** What `fn(key)` does: the string it returns, or the class of error it throws. */
  function outcome(fn: (key: string) => string, key: string): string {
    try {
      return `ok ${fn(key)}`;
    } catch (error) {
      return `throws ${(error as Error).constructor.name}`;
    }
  }
  /** The transform before the fast path: URIError from a lone surrogate became TypeError. */
  function reference(key: string): string {
    const got = outcome(encodeURIComponent, key);
    return got === 'throws URIError' ? 'throws TypeError' : got;
  }
  function same(key: string): void {
    const encoded = outcome(encode, key);
    if (encoded !== reference(key)) expect.fail(`encode ${JSON.stringify(key)}: ${encoded} vs ${reference(key)}`);
    // decode of the caller key itself (may hold '%'), and of its wire form.
    if (outcome(decode, key) !== outcome(decodeURIComponent, key)) expect.fail(`decode ${JSON.stringify(key)}`);
    if (encoded.startsWith('ok ')) {
      const wire = encoded.slice(3);
      if (outcome(decode, wire) !== outcome(decodeURIComponent, wire)) expect.fail(`decode ${JSON.stringify(wire)}`);
    }
  }

  it('every UTF-16 code unit, alone and inside a safe key', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      same(ch);
      same(`ab${ch}cd`);
    }
  });

  it('every pair of ASCII characters', () => {
    for (let a = 0; a < 0x80; a++) for (let b = 0; b < 0x80; b++) same(String.fromCharCode(a, b));
  });

  it.each([
    '',
    '%',
    '%%',
    '%2',
    '%25',
    '%zz',
    '100%',
    'a%20b',
    '%E6%97',
    '%E6%97%A5',
    ' ',
    'a b',
    '  ',
    "AZaz09-_.!~*'()",
    'k'.repeat(300),
    'user:1',
    'a+b',
    '日本',
    '🎉',
    'x🎉y',
    '\ud83c\udf89',
    '\ud800',
    '\udfff',
    'a\ud800',
    '\udfffa',
    '\udfff\ud800',
  ])('%j', (key) => {
    same(key);
  });

  it('random keys (fast-check)', () => {
    // Lone surrogates rarely: every one makes both sides throw, and errors are slow to build.
    const unit = fc.oneof(
      { arbitrary: fc.constantFrom(...`AZaz09-_.!~*'()%: +/`.split('')), weight: 40 },
      { arbitrary: fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'), weight: 1 },
      { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 10 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 40 }), fc.string({ maxLength: 40 })), (key) => {
        same(key);
      }),
      { numRuns: 2_000 },
    );
  });

  it('wireKey checks still apply after the fast path', () => {
    expect(wireKey('k'.repeat(MAX_KEY_BYTES), encode)).toBe('k'.repeat(250));
    expect(() => wireKey('k'.repeat(251), encode)).toThrow(/longer than 250 bytes/);
    expect(() => wireKey('', encode)).toThrow(/empty/);
    expect(() => wireKey('%'.repeat(84), encode)).toThrow(/longer than 250 bytes/);
    expect(() => wireKey('a\udc00b', encode)).toThrow(/not well-formed UTF-16/);
  });
});

describe('wireKey fast accept equals the byte-by-byte checks', () => {
  /** wireKey's checks as they were before the printable-ASCII fast accept. */
  function reference(wire: string): string {
    if (wire.length === 0) return 'empty';
    let ascii = true;
    for (let i = 0; i < wire.length; i++) {
      const c = wire.charCodeAt(i);
      if (c <= 0x20 || c === 0x7f) return 'whitespace or control character';
      if (c > 0x7f) ascii = false;
    }
    if (ascii) return wire.length > MAX_KEY_BYTES ? 'longer than' : 'ok';
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(wire)) return 'not well-formed UTF-16';
    if (/[\u0080-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(wire)) return 'whitespace or control character';
    return Buffer.byteLength(wire) > MAX_KEY_BYTES ? 'longer than' : 'ok';
  }
  function same(wire: string): void {
    let got: string;
    try {
      got = wireKey(wire, identity) === wire ? 'ok' : 'changed';
    } catch (error) {
      got = (error as Error).message;
    }
    const want = reference(wire);
    if (want === 'ok' ? got !== 'ok' : !got.includes(want)) expect.fail(`${JSON.stringify(wire)}: ${got} vs ${want}`);
  }

  it('every UTF-16 code unit alone and inside a key; a sample at 250 / 251 characters', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      same(ch);
      same(`ab${ch}cd`);
      // The length limit: all of Latin-1, then a spread sample (1, 2 and 3 UTF-8 bytes, surrogates).
      if (c <= 0xff || c % 61 === 0 || (c >= 0xd7ff && c <= 0xe000 && c % 7 === 0)) {
        same(`${'k'.repeat(249)}${ch}`);
        same(`${'k'.repeat(250)}${ch}`);
      }
    }
  });

  it('random keys (fast-check), also built per call as cons strings', () => {
    const unit = fc.oneof(fc.constantFrom(...'ak09:%~ \t\x7f'.split('')), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 260 }), fc.string({ unit, maxLength: 20 }), (a, b) => {
        same(a);
        same(`${a}${b}`);
      }),
      { numRuns: 5_000 },
    );
  });
});
