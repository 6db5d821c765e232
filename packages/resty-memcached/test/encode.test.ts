import type { SendData } from 'cosocket';
import { describe, expect, it } from 'vitest';
import {
  arithmeticRequest,
  deleteRequest,
  flushAllRequest,
  retrievalRequest,
  statsRequest,
  storageRequest,
  touchRequest,
  verbosityRequest,
} from '../src/protocol/encode.js';

/** The exact bytes a request puts on the wire. */
const wire = (data: SendData): string => bytes(data).toString('latin1');
const bytes = (data: SendData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data.map(bytes)) : typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as Uint8Array);

describe('request encoding (golden bytes)', () => {
  it('storage commands put flags before exptime and count bytes, not UTF-16 units', () => {
    expect(wire(storageRequest('set', 'k', 'value', 7, 30))).toBe('set k 7 30 5\r\nvalue\r\n');
    expect(wire(storageRequest('add', 'k', '', 0, 0))).toBe('add k 0 0 0\r\n\r\n');
    expect(wire(storageRequest('replace', 'k', 'é', 0, -1))).toBe('replace k 0 -1 2\r\n\xc3\xa9\r\n');
    expect(wire(storageRequest('append', 'k', '🎉', 0, 0))).toBe('append k 0 0 4\r\n\xf0\x9f\x8e\x89\r\n');
    expect(wire(storageRequest('prepend', 'k', Buffer.from([0, 13, 10]), 4294967295, 0))).toBe('prepend k 4294967295 0 3\r\n\0\r\n\r\n');
    expect(wire(storageRequest('cas', 'k', 'v', 1, 2, '18446744073709551615'))).toBe('cas k 1 2 1 18446744073709551615\r\nv\r\n');
  });

  it('a Buffer value is sent as it is, without a copy', () => {
    const value = Buffer.from('abc');
    const request = storageRequest('set', 'k', value, 0, 0) as unknown[];
    expect(request[1]).toBe(value);
  });

  it('retrieval, delete, arithmetic, touch and server commands', () => {
    expect(retrievalRequest('get', ['a'])).toBe('get a\r\n');
    expect(retrievalRequest('gets', ['a', 'b', 'c'])).toBe('gets a b c\r\n');
    expect(deleteRequest('k')).toBe('delete k\r\n');
    expect(arithmeticRequest('incr', 'k', '18446744073709551615')).toBe('incr k 18446744073709551615\r\n');
    expect(arithmeticRequest('decr', 'k', '1')).toBe('decr k 1\r\n');
    expect(touchRequest('k', 0)).toBe('touch k 0\r\n');
    expect(flushAllRequest()).toBe('flush_all\r\n');
    expect(flushAllRequest(3)).toBe('flush_all 3\r\n');
    expect(statsRequest()).toBe('stats\r\n');
    expect(statsRequest('slabs')).toBe('stats slabs\r\n');
    expect(verbosityRequest(1)).toBe('verbosity 1\r\n');
  });
});
