import { describe, expect, it } from 'vitest';
import { everySplit } from '@cosocket/test-kit';
import { ReplyDecoder } from '../src/decoder.js';
import { RedisProtocolError, RedisReplyError } from '../src/errors.js';
import type { RedisReply } from '../src/types.js';

function decodeIn(chunks: Buffer[], returnBuffers = false, max = 1 << 20): RedisReply[] {
  const d = new ReplyDecoder(returnBuffers, max);
  const out: RedisReply[] = [];
  for (const c of chunks) {
    d.feed(c);
    while (d.available > 0) out.push(d.shift());
  }
  expect(d.hasUnread).toBe(false);
  return out;
}

const STREAM = Buffer.concat([
  Buffer.from('+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:42\r\n:-7\r\n'),
  Buffer.from('$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n'),
  Buffer.from('$6\r\na\r\nb\x00c\r\n'),
  // Nested, as checked against Redis 7.0 (spec §4).
  Buffer.from('*4\r\n:1\r\n:2\r\n*3\r\n:3\r\n$1\r\nx\r\n$-1\r\n-MYERR boom\r\n'),
]);

function check(replies: RedisReply[]): void {
  expect(replies).toHaveLength(11);
  expect(replies[0]).toBe('OK');
  expect(replies[1]).toBeInstanceOf(RedisReplyError);
  expect((replies[1] as RedisReplyError).code).toBe('WRONGTYPE');
  expect((replies[1] as RedisReplyError).message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
  expect(replies.slice(2, 9)).toEqual([42, -7, 'hello', '', null, null, []]);
  expect(replies[9]).toEqual('a\r\nb\x00c');
  const nested = replies[10] as RedisReply[];
  expect(nested.slice(0, 3)).toEqual([1, 2, [3, 'x', null]]);
  expect(nested[3]).toBeInstanceOf(RedisReplyError);
  expect((nested[3] as RedisReplyError).code).toBe('MYERR');
}

describe('ReplyDecoder', () => {
  it('decodes a stream of every reply type, however it is split', () => {
    for (const { chunks } of everySplit(STREAM)) check(decodeIn(chunks));
  });

  it('queues several replies delivered by one chunk, in order', () => {
    const d = new ReplyDecoder(false, 1 << 20);
    d.feed(Buffer.from('+A\r\n+B\r\n+C'));
    expect(d.available).toBe(2);
    expect(d.hasUnread).toBe(true);
    expect([d.shift(), d.shift()]).toEqual(['A', 'B']);
    d.feed(Buffer.from('\r\n'));
    expect(d.shift()).toBe('C');
    expect(d.hasUnread).toBe(false);
  });

  it('returns Buffers with returnBuffers, byte-exact', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x80]);
    const wire = Buffer.concat([Buffer.from('$5\r\n'), bytes, Buffer.from('\r\n*1\r\n$5\r\n'), bytes, Buffer.from('\r\n')]);
    for (const { chunks } of everySplit(wire)) {
      const [a, b] = decodeIn(chunks, true);
      expect(a).toEqual(bytes);
      expect((b as Buffer[])[0]).toEqual(bytes);
    }
  });

  it('decodes a 1 MiB bulk delivered in small chunks', () => {
    const value = Buffer.alloc(1 << 20, 'x');
    const wire = Buffer.concat([Buffer.from(`$${value.length}\r\n`), value, Buffer.from('\r\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < wire.length; i += 65536) chunks.push(wire.subarray(i, i + 65536));
    const [reply] = decodeIn(chunks, true, 2 << 20);
    expect(Buffer.compare(reply as Buffer, value)).toBe(0);
  });

  it.each([
    ['an unknown type byte', '>3\r\n'],
    ['a RESP3 type byte', '_\r\n'],
    ['a malformed bulk length', '$abc\r\n'],
    ['a bulk length below -1', '$-2\r\n'],
    ['an empty length', '*\r\n'],
    ['a malformed integer', ':12x\r\n'],
    ['a CR without LF', '+OK\rX'],
    ['a bulk without its CRLF', '$3\r\nabcXY'],
    ['an over-long header', `$${'9'.repeat(30)}\r\n`],
  ])('refuses %s with RedisProtocolError', (_, bytes) => {
    for (const { chunks } of everySplit(Buffer.from(bytes))) {
      const d = new ReplyDecoder(false, 1 << 20);
      expect(() => chunks.forEach((c) => d.feed(c))).toThrow(RedisProtocolError);
    }
  });

  it('refuses a bulk length over maxReplySize from the header alone, before any payload', () => {
    const d = new ReplyDecoder(false, 1024);
    expect(() => d.feed(Buffer.from('$1025\r\n'))).toThrow(/exceeds the maximum reply size/);
    const big = new ReplyDecoder(false, 512 * 1024 * 1024);
    expect(() => big.feed(Buffer.from('$9999999999\r\n'))).toThrow(RedisProtocolError);
  });

  it('refuses an array count over maxReplySize, and a reply whose elements add up past it', () => {
    expect(() => new ReplyDecoder(false, 1024).feed(Buffer.from('*1000\r\n'))).toThrow(/array of 1000 elements/);
    const d = new ReplyDecoder(false, 1024);
    expect(() => d.feed(Buffer.from(`*2\r\n$600\r\n${'a'.repeat(600)}\r\n$600\r\n`))).toThrow(RedisProtocolError);
  });

  it('refuses arrays nested deeper than 1000 levels instead of overflowing the stack', () => {
    const ok = Buffer.from(`${'*1\r\n'.repeat(1000)}:1\r\n`);
    expect(decodeIn([ok])).toHaveLength(1);
    const d = new ReplyDecoder(false, 1 << 20);
    expect(() => d.feed(Buffer.from('*1\r\n'.repeat(6000)))).toThrow(/nested deeper than 1000 arrays/);
  });

  it('accepts a reply of exactly maxReplySize', () => {
    const wire = Buffer.from('$5\r\nhello\r\n');
    expect(decodeIn([wire], false, wire.length)).toEqual(['hello']);
  });
});
