/**
 * Reply readers: straight-line async code pulling from the cosocket. Values are framed by
 * their announced byte count (never by scanning), and everything around them is checked:
 * the header grammar, the key asked for, the size limit, and the exact trailer.
 *
 * Readers throw `MemcachedError` for ERROR / CLIENT_ERROR / SERVER_ERROR lines (stream still in
 * sync) and `MemcachedProtocolError` for everything malformed (the caller must close).
 */
import { CosocketError } from 'cosocket';
import { MemcachedProtocolError } from '../errors.js';
import { parseCounter, parseStatLine, parseValueHeader, quote, unexpectedLine, type ValueHeader } from './parse.js';
import { LineTooLong, type ReplyReader } from './reply-reader.js';
import { scanValueBlock } from './value-block.js';

/** Limits and output choices for reading replies. */
export interface ReadOptions {
  /** Largest value a VALUE header may announce. */
  maxValueSize: number;
  /** Longest reply line (without CRLF). */
  maxLineLength: number;
  /** Values as Buffers instead of UTF-8 strings. */
  returnBuffers: boolean;
}

/** A retrieved value and its flags. */
export interface MemcachedEntry<V extends string | Buffer = string> {
  /** The value: a string, or a Buffer with `returnBuffers`. */
  value: V;
  /** The 32-bit flags stored with it. */
  flags: number;
}

/** A retrieved value with its cas unique (decimal string, exact unsigned 64-bit). */
export interface MemcachedCasEntry<V extends string | Buffer = string> extends MemcachedEntry<V> {
  /** The cas unique, a decimal string (exact 64-bit); pass it to `cas()`. */
  cas: string;
}

const CRLF_BYTES = Buffer.from('\r\n');
const END_TRAILER = Buffer.from('\r\nEND\r\n');

/**
 * The next line if it is buffered, else null; synchronous, so hot loops avoid an await per
 * line. A line longer than `maxLineLength` is a protocol error instead of an ever-growing
 * buffer.
 */
function takeLine(r: ReplyReader, command: string, opts: ReadOptions): string | null {
  try {
    return r.tryLine(opts.maxLineLength);
  } catch (error) {
    throw lineTooLong(error, command, opts);
  }
}

/**
 * Reads one CRLF-terminated line. `midReply` tells whether part of this reply was already
 * read, in which case EOF means a truncated reply (protocol error), not a server that went
 * away between commands (plain `closed`).
 */
export async function readLine(r: ReplyReader, command: string, opts: ReadOptions, midReply: boolean): Promise<string> {
  try {
    return await r.line(opts.maxLineLength);
  } catch (error) {
    if (error instanceof LineTooLong) throw lineTooLong(error, command, opts);
    throw truncated(error, midReply || partialLength(error) > 0, command, 'a reply line');
  }
}

/** The next line, from the buffer when possible. */
function nextLine(r: ReplyReader, command: string, opts: ReadOptions, midReply: boolean): string | Promise<string> {
  return takeLine(r, command, opts) ?? readLine(r, command, opts, midReply);
}

function lineTooLong(error: unknown, command: string, opts: ReadOptions): unknown {
  if (!(error instanceof LineTooLong)) return error;
  return new MemcachedProtocolError(`reply line to ${command} longer than ${opts.maxLineLength} bytes: ${quote(error.head)}`, command);
}

/** A value's bytes plus the trailer that must follow, trailer checked; from the buffer when possible. */
function nextBlock(r: ReplyReader, header: ValueHeader, trailer: Buffer, command: string): Buffer | Promise<Buffer> {
  const block = r.tryBytes(header.bytes + trailer.length);
  return block === null ? readBlock(r, header, trailer, command) : checkTrailer(block, header, trailer, command);
}

async function readBlock(r: ReplyReader, header: ValueHeader, trailer: Buffer, command: string): Promise<Buffer> {
  let block: Buffer;
  try {
    block = await r.bytes(header.bytes + trailer.length);
  } catch (error) {
    throw truncated(error, true, command, `the ${header.bytes}-byte VALUE block of ${quote(header.key)}`);
  }
  return checkTrailer(block, header, trailer, command);
}

function checkTrailer(block: Buffer, header: ValueHeader, trailer: Buffer, command: string): Buffer {
  const { bytes } = header;
  if (block.compare(trailer, 0, trailer.length, bytes) !== 0) {
    throw new MemcachedProtocolError(
      `VALUE block of ${quote(header.key)} in reply to ${command}: ${bytes} bytes announced, but they are not followed by ${quote(trailer.toString())} (got ${quote(block.subarray(bytes))})`,
      command,
    );
  }
  return block.subarray(0, bytes);
}

function entry(data: Buffer, header: ValueHeader, opts: ReadOptions): MemcachedEntry<string | Buffer> | MemcachedCasEntry<string | Buffer> {
  const value = opts.returnBuffers ? data : data.toString();
  return header.cas === undefined ? { value, flags: header.flags } : { value, flags: header.flags, cas: header.cas };
}

/** `get <key>` / `gets <key>`: the entry, or null on a miss. */
export async function readSingleValue(
  r: ReplyReader,
  command: 'get' | 'gets',
  key: string,
  opts: ReadOptions,
): Promise<MemcachedEntry<string | Buffer> | MemcachedCasEntry<string | Buffer> | null> {
  const line = await nextLine(r, command, opts, false);
  if (line === 'END') return null;
  if (!line.startsWith('VALUE ')) throw unexpectedLine(line, command);
  const header = parseValueHeader(line, command === 'gets', opts.maxValueSize, command);
  if (header.key !== key) throw wrongKey(header.key, command);
  // One key asked for: exactly one block, then END. Reading both at once saves a round of I/O.
  const data = await nextBlock(r, header, END_TRAILER, command);
  return entry(data, header, opts);
}

/**
 * `get k1 k2 ...` / `gets ...`: a map from the caller's key (the decode half of the transform
 * applied to the wire key) to the entry. Misses are absent. A VALUE for a key that was not
 * asked for is a protocol error.
 */
export async function readMultiValues(
  r: ReplyReader,
  command: 'get' | 'gets',
  asked: ReadonlySet<string>,
  decode: (key: string) => string,
  opts: ReadOptions,
): Promise<Record<string, MemcachedEntry<string | Buffer> | MemcachedCasEntry<string | Buffer>>> {
  const out: Record<string, MemcachedEntry<string | Buffer> | MemcachedCasEntry<string | Buffer>> = {};
  const withCas = command === 'gets';
  let midReply = false;
  for (;;) {
    // No await while the reply is buffered: this loop runs once per value.
    const block = scanValueBlock(r.buffer, r.offset, withCas, opts.maxValueSize, opts.maxLineLength);
    if (block !== null && asked.has(block.key)) {
      const buf = r.buffer;
      r.consume(block.dataEnd + 2);
      midReply = true;
      const value = opts.returnBuffers ? buf.subarray(block.dataStart, block.dataEnd) : buf.toString('utf8', block.dataStart, block.dataEnd);
      put(out, decode(block.key), block.cas === undefined ? { value, flags: block.flags } : { value, flags: block.flags, cas: block.cas });
      continue;
    }
    // Not a plain, complete block: the general reader, which also words every error.
    let line = nextLine(r, command, opts, midReply);
    if (typeof line !== 'string') line = await line;
    if (line === 'END') return out;
    if (!line.startsWith('VALUE ')) throw unexpectedLine(line, command);
    midReply = true;
    const header = parseValueHeader(line, withCas, opts.maxValueSize, command);
    if (!asked.has(header.key)) throw wrongKey(header.key, command);
    let data = nextBlock(r, header, CRLF_BYTES, command);
    if (data instanceof Promise) data = await data;
    put(out, decode(header.key), entry(data, header, opts));
  }
}

/** Stores a value in a reply map (multi-get entries, stats) under a key that came from outside. */
function put<V>(out: Record<string, V>, key: string, value: V): void {
  // A plain object keyed by user data: '__proto__' must become an own property.
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/**
 * One status line: `yes` → true, any of `no` → false, an error line → MemcachedError,
 * anything else → protocol error.
 */
export async function readStatus(
  r: ReplyReader,
  command: string,
  opts: ReadOptions,
  yes: string | readonly string[],
  no: readonly string[] = [],
): Promise<boolean> {
  const line = await nextLine(r, command, opts, false);
  if (typeof yes === 'string' ? line === yes : yes.includes(line)) return true;
  if (no.includes(line)) return false;
  throw unexpectedLine(line, command);
}

/** `incr` / `decr`: the new value, or null on NOT_FOUND. */
export async function readCounter(r: ReplyReader, command: string, opts: ReadOptions): Promise<number | null> {
  const line = await nextLine(r, command, opts, false);
  const n = parseCounter(line);
  if (n >= 0) return n;
  if (line === 'NOT_FOUND') return null;
  throw unexpectedLine(line, command);
}

/** `stats [arg]`: name/value pairs until END (`RESET` / `OK` replies give an empty map). */
export async function readStats(r: ReplyReader, opts: ReadOptions): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let midReply = false;
  for (;;) {
    const line = await nextLine(r, 'stats', opts, midReply);
    if (line === 'END') return out;
    if (!midReply && (line === 'RESET' || line === 'OK')) return out;
    if (!line.startsWith('STAT ') && !line.startsWith('ITEM ')) throw unexpectedLine(line, 'stats');
    midReply = true;
    const [name, value] = parseStatLine(line, 'stats');
    put(out, name, value);
  }
}

/** `version`: the text after `VERSION `. */
export async function readVersion(r: ReplyReader, opts: ReadOptions): Promise<string> {
  const line = await nextLine(r, 'version', opts, false);
  if (line.startsWith('VERSION ')) return line.slice(8);
  throw unexpectedLine(line, 'version');
}

function wrongKey(key: string, command: string): MemcachedProtocolError {
  return new MemcachedProtocolError(`reply to ${command} holds a value for ${quote(key)}, a key that was not asked for`, command);
}

function partialLength(error: unknown): number {
  return error instanceof CosocketError ? error.partial.length : 0;
}

/** EOF inside a reply is a truncated reply (protocol error); other failures pass through. */
function truncated(error: unknown, inside: boolean, command: string, what: string): unknown {
  if (!inside || !(error instanceof CosocketError) || error.code === 'timeout') return error;
  if (error.code !== 'closed' && error.code !== 'connection reset by peer') return error;
  return new MemcachedProtocolError(
    `reply to ${command} cut short: ${error.code} while reading ${what} (${error.partial.length} bytes received)`,
    command,
    { cause: error },
  );
}
