import { describe, expect, it } from 'vitest';
import { MemcachedError, MemcachedProtocolError } from '../src/errors.js';
import { errorFromLine, parseCounter, parseStatLine, parseValueHeader, unexpectedLine } from '../src/protocol/parse.js';

describe('reply line parsers', () => {
  it('parseValueHeader', () => {
    expect(parseValueHeader('VALUE k 1 2', false, 10, 'get')).toEqual({ key: 'k', flags: 1, bytes: 2, cas: undefined });
    expect(parseValueHeader('VALUE k 0 10 99', true, 10, 'gets')).toEqual({ key: 'k', flags: 0, bytes: 10, cas: '99' });
    for (const line of [
      'VALUE k 1',
      'VALUE k 1 2 3',
      'VALUE  1 2',
      'VALUE k -1 2',
      'VALUE k 1 x',
      'VALUE k 4294967296 1',
      'VALUE k 1 2 ',
      'VALUE k 1  2',
    ]) {
      expect(() => parseValueHeader(line, false, 10, 'get'), line).toThrow(MemcachedProtocolError);
    }
    expect(() => parseValueHeader('VALUE k 0 11', false, 10, 'get')).toThrow(/exceeds maxValueSize \(10\)/);
    expect(() => parseValueHeader('VALUE k 0 1 18446744073709551616', true, 10, 'gets')).toThrow(/cas/);
    expect(() => parseValueHeader('VALUE k 0 1 1a', true, 10, 'gets')).toThrow(/cas/);
  });

  it('errorFromLine / unexpectedLine', () => {
    expect(errorFromLine('ERROR', 'x')).toMatchObject({ code: 'ERROR', message: 'ERROR', command: 'x' });
    expect(errorFromLine('CLIENT_ERROR bad', 'x')).toMatchObject({ code: 'CLIENT_ERROR', message: 'CLIENT_ERROR bad' });
    expect(errorFromLine('SERVER_ERROR busy', 'x')).toBeInstanceOf(MemcachedError);
    expect(errorFromLine('ERRORS', 'x')).toBeNull();
    expect(errorFromLine('STORED', 'x')).toBeNull();
    expect(unexpectedLine('WHAT', 'set')).toBeInstanceOf(MemcachedProtocolError);
    // The command is named by the error's suffix too; the client adds the address there.
    expect(unexpectedLine('WHAT', 'set')).toMatchObject({ code: 'unexpected reply', command: 'set', text: 'unexpected reply to set: "WHAT"' });
    expect(unexpectedLine('WHAT', 'set').message).toBe('unexpected reply to set: "WHAT" (set)');
  });

  it('parseStatLine and parseCounter', () => {
    expect(parseStatLine('STAT a b c', 'stats')).toEqual(['a', 'b c']);
    expect(parseStatLine('STAT a', 'stats')).toEqual(['a', '']);
    expect(() => parseStatLine('STAT', 'stats')).toThrow(MemcachedProtocolError);
    expect(parseCounter('42')).toBe(42);
    expect(parseCounter('4 2')).toBe(-1);
    expect(parseCounter('')).toBe(-1);
    expect(parseCounter('123456789012345678901')).toBe(-1);
  });
});
