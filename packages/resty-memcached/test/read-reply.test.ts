import { CosocketError } from 'cosocket';
import { describe, expect, it } from 'vitest';
import { MemcachedError, MemcachedProtocolError, MemcachedServerError } from '../src/errors.js';
import { readCounter, readMultiValues, readSingleValue, readStats, readStatus, readVersion, type ReadOptions } from '../src/protocol/read-reply.js';
import { ChunkedSocket, everySplit } from '@cosocket/test-kit';

/** A source over chunks, and what is left unread afterwards. */
function over(chunks: Buffer[]): { r: ChunkedSocket; rest: () => string } {
  const sock = new ChunkedSocket(chunks);
  return { r: sock, rest: () => sock.rest.toString('latin1') };
}
const at = (...chunks: Buffer[]): ChunkedSocket => over(chunks).r;

const opts: ReadOptions = { maxValueSize: 1024 * 1024, maxLineLength: 8192, returnBuffers: false };
const bufOpts: ReadOptions = { ...opts, returnBuffers: true };
const b = (s: string | Buffer): Buffer => (typeof s === 'string' ? Buffer.from(s, 'latin1') : s);

/** Runs `read` over every split of `reply`, expecting the same result and nothing left over. */
async function readEverySplit<T>(reply: string | Buffer, read: (r: ChunkedSocket) => Promise<T>, expected: unknown, rest = ''): Promise<void> {
  for (const { name, chunks } of everySplit(b(reply))) {
    const o = over(chunks);
    expect(await read(o.r), name).toEqual(expected);
    expect(o.rest(), name).toBe(rest);
  }
}

async function readEverySplitThrows(
  reply: string | Buffer,
  read: (r: ChunkedSocket) => Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
  message: RegExp,
): Promise<void> {
  for (const { name, chunks } of everySplit(b(reply))) {
    const error = await read(over(chunks).r).catch((e: unknown) => e);
    expect(error, name).toBeInstanceOf(type);
    expect((error as Error).message, name).toMatch(message);
  }
}

describe('readSingleValue', () => {
  it('reads a value whose bytes contain CR, LF, END and NUL', async () => {
    const value = 'a\r\nEND\r\n\0VALUE x 0 1\r\n';
    await readEverySplit(`VALUE k 42 ${value.length}\r\n${value}\r\nEND\r\n`, (s) => readSingleValue(s, 'get', 'k', opts), { value, flags: 42 });
  });

  it('leaves the next reply untouched', async () => {
    await readEverySplit(
      'VALUE k 0 1\r\nx\r\nEND\r\nSTORED\r\n',
      (s) => readSingleValue(s, 'get', 'k', opts),
      { value: 'x', flags: 0 },
      'STORED\r\n',
    );
  });

  it('a miss is null', async () => {
    await readEverySplit('END\r\n', (s) => readSingleValue(s, 'get', 'k', opts), null);
  });

  it('gets returns flags as a number and cas as an exact string', async () => {
    await readEverySplit('VALUE k 4294967295 2 18446744073709551615\r\nhi\r\nEND\r\n', (s) => readSingleValue(s, 'gets', 'k', opts), {
      value: 'hi',
      flags: 4294967295,
      cas: '18446744073709551615',
    });
  });

  it('returnBuffers gives the exact bytes', async () => {
    const bytes = Buffer.from([0, 255, 13, 10, 128]);
    for (const { name, chunks } of everySplit(Buffer.concat([b('VALUE k 0 5\r\n'), bytes, b('\r\nEND\r\n')]))) {
      const got = await readSingleValue(over(chunks).r, 'get', 'k', bufOpts);
      expect(Buffer.isBuffer(got?.value) && got.value.equals(bytes), name).toBe(true);
    }
  });

  it('decodes UTF-8 split anywhere', async () => {
    const value = 'héllo 日本 🎉';
    await readEverySplit(
      Buffer.concat([b(`VALUE k 0 ${Buffer.byteLength(value)}\r\n`), Buffer.from(value), b('\r\nEND\r\n')]),
      (s) => readSingleValue(s, 'get', 'k', opts),
      {
        value,
        flags: 0,
      },
    );
  });

  it('server error lines throw MemcachedServerError (a MemcachedError) with the first word as code', async () => {
    for (const [line, code] of [
      ['ERROR', 'ERROR'],
      ['CLIENT_ERROR bad command line format', 'CLIENT_ERROR'],
      ['SERVER_ERROR out of memory', 'SERVER_ERROR'],
    ] as const) {
      const error = await readSingleValue(at(...[b(`${line}\r\n`)]), 'get', 'k', opts).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MemcachedServerError);
      expect(error).toBeInstanceOf(MemcachedError);
      expect(error).toMatchObject({ code, message: line, command: 'get', keepsConnection: true });
    }
  });

  it('a wrong trailer, a wrong key or a hostile length is a protocol error', async () => {
    await readEverySplitThrows(
      'VALUE k 0 3\r\nabcd\r\nEND\r\n',
      (s) => readSingleValue(s, 'get', 'k', opts),
      MemcachedProtocolError,
      /not followed by/,
    );
    await readEverySplitThrows('VALUE j 0 1\r\nx\r\nEND\r\n', (s) => readSingleValue(s, 'get', 'k', opts), MemcachedProtocolError, /not asked for/);
    await readEverySplitThrows('VALUE k 0 1048577\r\n', (s) => readSingleValue(s, 'get', 'k', opts), MemcachedProtocolError, /exceeds maxValueSize/);
    await readEverySplitThrows('VALUE k 0 1\r\nx\r\nEND\r\n', (s) => readSingleValue(s, 'gets', 'k', opts), MemcachedProtocolError, /cas/);
  });

  it('EOF inside the reply is a protocol error; EOF before it stays a CosocketError', async () => {
    await readEverySplitThrows('VALUE k 0 5\r\nab', (s) => readSingleValue(s, 'get', 'k', opts), MemcachedProtocolError, /cut short/);
    await readEverySplitThrows('VALU', (s) => readSingleValue(s, 'get', 'k', opts), MemcachedProtocolError, /cut short/);
    const error = await readSingleValue(at(...[]), 'get', 'k', opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect((error as CosocketError).code).toBe('closed');
  });

  it('a line over maxLineLength is a protocol error', async () => {
    const small = { ...opts, maxLineLength: 16 };
    await expect(readSingleValue(at(...[b(`${'x'.repeat(17)}\r\n`)]), 'get', 'k', small)).rejects.toThrow(/longer than 16 bytes/);
    await expect(readSingleValue(at(...[b(`VALUE ${'k'.repeat(6)} 0 1\r\nx\r\nEND\r\n`)]), 'get', 'kkkkkk', small)).resolves.toEqual({
      value: 'x',
      flags: 0,
    });
  });
});

describe('readMultiValues', () => {
  const asked = new Set(['a', 'b%20c', 'd']);
  it('maps decoded keys to entries; misses are absent', async () => {
    await readEverySplit('VALUE a 1 2\r\nA\n\r\nVALUE b%20c 2 0\r\n\r\nEND\r\n', (s) => readMultiValues(s, 'get', asked, decodeURIComponent, opts), {
      a: { value: 'A\n', flags: 1 },
      'b c': { value: '', flags: 2 },
    });
  });

  it('gets entries carry cas', async () => {
    await readEverySplit('VALUE d 0 1 7\r\nx\r\nEND\r\n', (s) => readMultiValues(s, 'gets', asked, (k) => k, opts), {
      d: { value: 'x', flags: 0, cas: '7' },
    });
  });

  it('a __proto__ key becomes an own property', async () => {
    const got = await readMultiValues(at(...[b('VALUE __proto__ 0 1\r\nx\r\nEND\r\n')]), 'get', new Set(['__proto__']), (k) => k, opts);
    expect(Object.keys(got)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
  });

  it('protocol errors: unknown key, bad trailer, truncated', async () => {
    await readEverySplitThrows(
      'VALUE z 0 1\r\nx\r\nEND\r\n',
      (s) => readMultiValues(s, 'get', asked, (k) => k, opts),
      MemcachedProtocolError,
      /not asked for/,
    );
    await readEverySplitThrows(
      'VALUE a 0 1\r\nxy\r\nEND\r\n',
      (s) => readMultiValues(s, 'get', asked, (k) => k, opts),
      MemcachedProtocolError,
      /not followed by/,
    );
    await readEverySplitThrows('VALUE a 0 1\r\nx\r\n', (s) => readMultiValues(s, 'get', asked, (k) => k, opts), MemcachedProtocolError, /cut short/);
  });
});

describe('status, counter, stats and version replies', () => {
  it('readStatus maps yes / no words and rejects the rest', async () => {
    await readEverySplit('STORED\r\n', (s) => readStatus(s, 'set', opts, 'STORED', ['NOT_STORED']), true);
    await readEverySplit('NOT_STORED\r\n', (s) => readStatus(s, 'set', opts, 'STORED', ['NOT_STORED']), false);
    await readEverySplit('TOUCHED\r\n', (s) => readStatus(s, 'touch', opts, ['TOUCHED', 'STORED'], ['NOT_FOUND']), true);
    await expect(readStatus(at(...[b('SERVER_ERROR object too large for cache\r\n')]), 'set', opts, 'STORED')).rejects.toMatchObject({
      name: 'MemcachedServerError',
      code: 'SERVER_ERROR',
      message: 'SERVER_ERROR object too large for cache',
    });
    await expect(readStatus(at(...[b('STORED \r\n')]), 'set', opts, 'STORED')).rejects.toBeInstanceOf(MemcachedProtocolError);
  });

  it('readCounter: numbers, null on NOT_FOUND, errors', async () => {
    await readEverySplit('18446744073709551615\r\n', (s) => readCounter(s, 'incr', opts), 18446744073709551615);
    await readEverySplit('0\r\n', (s) => readCounter(s, 'decr', opts), 0);
    await readEverySplit('NOT_FOUND\r\n', (s) => readCounter(s, 'incr', opts), null);
    await expect(readCounter(at(...[b('CLIENT_ERROR cannot increment or decrement non-numeric value\r\n')]), 'incr', opts)).rejects.toMatchObject({
      code: 'CLIENT_ERROR',
    });
    await expect(readCounter(at(...[b('12a\r\n')]), 'incr', opts)).rejects.toBeInstanceOf(MemcachedProtocolError);
  });

  it('readStats parses pairs, including values with spaces, until END', async () => {
    await readEverySplit(
      'STAT pid 12\r\nSTAT version 1.6.18\r\nSTAT items:1:number 3\r\nSTAT sizes_status disabled\r\nSTAT empty \r\nEND\r\n',
      (s) => readStats(s, opts),
      {
        pid: '12',
        version: '1.6.18',
        'items:1:number': '3',
        sizes_status: 'disabled',
        empty: '',
      },
    );
    await readEverySplit('ITEM k [1 b; 0 s]\r\nEND\r\n', (s) => readStats(s, opts), { k: '[1 b; 0 s]' });
    await readEverySplit('END\r\n', (s) => readStats(s, opts), {});
    await readEverySplit('RESET\r\n', (s) => readStats(s, opts), {});
    await expect(readStats(at(...[b('ERROR\r\n')]), opts)).rejects.toMatchObject({ code: 'ERROR' });
    // A STAT value that merely contains "ERROR" is data (OpenResty's substring check is not copied).
    await readEverySplit('STAT note SERVER_ERROR-ish\r\nEND\r\n', (s) => readStats(s, opts), { note: 'SERVER_ERROR-ish' });
  });

  it('readVersion', async () => {
    await readEverySplit('VERSION 1.6.18\r\n', (s) => readVersion(s, opts), '1.6.18');
    await expect(readVersion(at(...[b('ERROR\r\n')]), opts)).rejects.toBeInstanceOf(MemcachedError);
    await expect(readVersion(at(...[b('VERSION\r\n')]), opts)).rejects.toBeInstanceOf(MemcachedProtocolError);
  });
});
