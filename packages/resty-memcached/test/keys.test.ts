import { describe, expect, it } from 'vitest';
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
    expect(() => wireKey(5 as unknown as string, identity)).toThrow(TypeError);
  });

  it('checkKeyTransform wants two functions', () => {
    expect(() => checkKeyTransform([encodeURIComponent])).toThrow(TypeError);
    expect(() => checkKeyTransform([encodeURIComponent, 'x'])).toThrow(TypeError);
    expect(() => checkKeyTransform({})).toThrow(TypeError);
    expect(checkKeyTransform(identityKeyTransform)).toBe(identityKeyTransform);
  });
});
