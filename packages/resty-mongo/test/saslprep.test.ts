import { describe, expect, it } from 'vitest';
import { saslprep } from '../src/auth/saslprep.js';

// RFC 4013 §3 examples, plus mapping and prohibition cases.
describe('saslprep', () => {
  it('follows the RFC 4013 examples', () => {
    expect(saslprep('I\u00ADX')).toBe('IX'); // soft hyphen mapped to nothing
    expect(saslprep('user')).toBe('user');
    expect(saslprep('USER')).toBe('USER'); // no case folding
    expect(saslprep('\u00AA')).toBe('a'); // NFKC
    expect(saslprep('\u2168')).toBe('IX'); // NFKC
    expect(() => saslprep('\u0007')).toThrow(/prohibited/); // control character
    expect(() => saslprep('\u0627\u0031')).toThrow(/right-to-left/); // bidi rule
  });

  it('maps non-ASCII spaces to SPACE and keeps printable ASCII as is', () => {
    expect(saslprep('a\u00A0b\u3000c')).toBe('a b c');
    expect(saslprep('p@ss w0rd!~')).toBe('p@ss w0rd!~');
    expect(saslprep('')).toBe('');
  });

  it('refuses private use, non-characters, surrogates, tagging and display-change characters', () => {
    for (const bad of ['\uE000', '\uFDD0', '\uD800', '\u{E0001}', '\u200E', '\u2FF0', '\uFFFD', '\u0080']) {
      expect(() => saslprep(`a${bad}`)).toThrow(TypeError);
    }
  });

  it('allows a pure right-to-left string and refuses one mixed with left-to-right letters', () => {
    expect(saslprep('\u0627\u0628')).toBe('\u0627\u0628');
    expect(() => saslprep('\u0627a\u0628')).toThrow(/mixes/);
  });

  it('does not echo the input in its errors', () => {
    expect(() => saslprep('secret\u0007')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret') }));
  });
});
