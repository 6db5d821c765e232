// Reply lines as the readers find them in the socket's buffer: CRLF-terminated only, bounded
// by maxLineLength, EOF reported with the bytes received.
import { CosocketError } from 'cosocket';
import { describe, expect, it } from 'vitest';
import { MemcachedProtocolError } from '../src/errors.js';
import { readStatus, readVersion, type ReadOptions } from '../src/protocol/read-reply.js';
import { ChunkedSocket, everySplit } from '@cosocket/test-kit';

const source = (...chunks: string[]): ChunkedSocket => new ChunkedSocket(chunks.map((c) => Buffer.from(c, 'latin1')));
const limit = (maxLineLength: number): ReadOptions => ({ maxLineLength, maxValueSize: 1024, returnBuffers: false });

describe('reply lines', () => {
  it('reads a line across every split and leaves the next reply buffered', async () => {
    for (const { name, chunks } of everySplit(Buffer.from('VERSION 1.6\r\nSTORED\r\n'))) {
      const src = new ChunkedSocket(chunks);
      expect(await readVersion(src, limit(64)), name).toBe('1.6');
      expect(await readStatus(src, 'set', limit(64), 'STORED'), name).toBe(true);
      expect(src.rest.length, name).toBe(0);
    }
  });

  it('bounds lines: exactly maxLineLength is fine, one more is a protocol error, even before CRLF arrives', async () => {
    expect(await readVersion(source('VERSION 1\r\n'), limit(9))).toBe('1');
    await expect(readVersion(source('VERSION 12\r\n'), limit(9))).rejects.toMatchObject({ name: 'MemcachedProtocolError', code: 'line too long' });
    // No CRLF yet, but already too long: reported without waiting for more (no EOF error).
    const src = source('VERSION 1234567890');
    await expect(readVersion(src, limit(9))).rejects.toThrow(/longer than 9 bytes/);
    expect(src.largestWait).toBeLessThanOrEqual(10);
    // A CR at the limit may still be a line end.
    expect(await readVersion(source('VERSION 1\r', '\n'), limit(9))).toBe('1');
  });

  it('only CRLF ends a line: a bare LF or a CR inside stays part of it', async () => {
    expect(await readVersion(source('VERSION a\nb\r\n'), limit(64))).toBe('a\nb');
    expect(await readVersion(source('VERSION a\rb\r\n'), limit(64))).toBe('a\rb');
    expect(await readVersion(source('VERSION a\n', 'b\r\n'), limit(64))).toBe('a\nb');
    // `STORED\n` is no line yet: the reader waits for a CRLF, and EOF cuts the reply short.
    await expect(readStatus(source('STORED\n'), 'set', limit(64), 'STORED')).rejects.toMatchObject({ code: 'reply cut short' });
    await expect(readStatus(source('STORED\nEND\r\n'), 'set', limit(64), 'STORED')).rejects.toMatchObject({ code: 'unexpected reply' });
  });

  it('EOF inside a line is a cut-short reply; EOF before it is CosocketError closed, named with the command', async () => {
    const cut = await readStatus(source('STOR'), 'set', limit(64), 'STORED').catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(MemcachedProtocolError);
    expect(cut).toMatchObject({ code: 'reply cut short', command: 'set' });
    expect((cut as Error).message).toMatch(/cut short: closed while reading a reply line \(4 bytes received\)/);
    const closed = await readStatus(source(), 'set', limit(64), 'STORED').catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(CosocketError);
    expect(closed).toMatchObject({ code: 'closed', command: 'set' });
  });
});
