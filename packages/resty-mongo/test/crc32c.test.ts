import { describe, expect, it } from 'vitest';
import { crc32c } from '../src/wire/crc32c.js';

describe('crc32c', () => {
  it('matches the Castagnoli check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('is not the IEEE CRC-32', () => {
    expect(crc32c(Buffer.from('123456789'))).not.toBe(0xcbf43926);
  });

  it('gives 0 for no bytes and continues across splits', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    const data = Buffer.from('The quick brown fox jumps over the lazy dog');
    const whole = crc32c(data);
    for (let cut = 0; cut <= data.length; cut++) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(whole);
    }
  });

  it('matches RFC 3720 vectors (32 zero bytes, 32 0xFF bytes)', () => {
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
  });
});
