import { describe, expect, it } from 'vitest';
import { LineTooLong, ReplyReader } from '../src/protocol/reply-reader.js';
import { ChunkedSocket, everySplit } from '@cosocket/test-kit';

const reader = (...chunks: string[]): ReplyReader => new ReplyReader(new ChunkedSocket(chunks.map((c) => Buffer.from(c, 'latin1'))));

describe('ReplyReader', () => {
  it('reads lines and exact byte counts across every split', async () => {
    const reply = Buffer.from('VALUE k 0 4\r\na\r\nb\r\nEND\r\nnext\r\n');
    for (const { name, chunks } of everySplit(reply)) {
      const r = new ReplyReader(new ChunkedSocket(chunks));
      expect(await r.line(64), name).toBe('VALUE k 0 4');
      expect((await r.bytes(6)).toString(), name).toBe('a\r\nb\r\n');
      expect(await r.line(64), name).toBe('END');
      expect(await r.line(64), name).toBe('next');
      expect(r.pending, name).toBe(0);
    }
  });

  it('bounds lines: exactly maxLength is fine, one more is LineTooLong, even before CRLF arrives', async () => {
    expect(await reader('12345678\r\n').line(8)).toBe('12345678');
    await expect(reader('123456789\r\n').line(8)).rejects.toBeInstanceOf(LineTooLong);
    // No CRLF yet, but already too long: reported without waiting for more.
    await expect(reader('1234567890').line(8)).rejects.toBeInstanceOf(LineTooLong);
    // A CR at the limit may still be a line end.
    expect(await reader('12345678\r', '\n').line(8)).toBe('12345678');
  });

  it('a bare LF does not end a line', async () => {
    expect(await reader('a\nb\r\n').line(64)).toBe('a\nb');
  });

  it('EOF reports the bytes received so far as partial', async () => {
    const error = await reader('VALUE k').line(64).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CosocketError', code: 'closed' });
    expect((error as { partial: Buffer }).partial.toString()).toBe('VALUE k');
    const r = reader('abc');
    await r.line(64).catch(() => undefined);
    const r2 = reader('xy');
    const e2 = await r2.bytes(5).catch((e: unknown) => e);
    expect((e2 as { partial: Buffer }).partial.toString()).toBe('xy');
  });
});
