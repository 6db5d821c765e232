/**
 * Reply readers: straight-line code reading cosocket's buffer in place through a `ReplySource`
 * (`peek` / `skip` / `receiveMore`, which a `TcpSocket<Buffer>` has), awaiting only when the
 * reply is not buffered yet. Values are framed by their announced byte count (never by
 * scanning), and everything around them is checked: the header grammar, the key asked for, the
 * size limit, and the exact trailer. Lines end in CRLF only: a bare LF or a CR inside a line is
 * part of the line (and then fails its grammar), which is why lines are found here rather than
 * with cosocket's `receive()` line rule.
 *
 * Readers throw `MemcachedServerError` for ERROR / CLIENT_ERROR / SERVER_ERROR lines (stream
 * still in sync) and `MemcachedProtocolError` for everything malformed (the caller must close);
 * transport errors pass through with the reader's command as their `command`.
 */
import { CosocketError, locateError } from 'cosocket';
import { MemcachedProtocolError } from '../errors.js';
import { parseCounter, parseStatLine, parseValueHeader, quote, unexpectedLine, type ValueHeader } from './parse.js';
import { scanValueBlock } from './value-block.js';

/** The socket reads a reply reader needs; a cosocket `TcpSocket<Buffer>` has them. */
export interface ReplySource {
  /** Everything buffered, not consumed. */
  peek(): Buffer;
  /** Consumes `n` buffered bytes. */
  skip(n: number): void;
  /** Waits until more bytes are buffered; resolves how many are. Throws on EOF, errors, timeout. */
  receiveMore(): Promise<number>;
}

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
const CR = 0x0d;
const LF = 0x0a;

/**
 * The next CRLF-terminated line (without CRLF) if it is buffered, else null; synchronous, so
 * hot loops avoid an await per line. A line longer than `maxLineLength` is a protocol error at
 * once, even before its end arrived, instead of an ever-growing buffer.
 */
function takeLine(src: ReplySource, command: string, opts: ReadOptions): string | null {
  const buf = src.peek();
  const lf = lineEnd(buf, command, opts);
  if (lf === -1) return null;
  const line = buf.toString('utf8', 0, lf - 1);
  src.skip(lf + 1);
  return line;
}

/**
 * Where the first line of `buf` ends (the index of the LF of its CRLF), or -1 while it is not
 * all there. The LF of a CRLF within the limit: a CR inside the line, or an LF without a CR
 * before it, stays part of the line. `max + 1` is where the LF of a line of exactly `max`
 * bytes sits.
 */
function lineEnd(buf: Buffer, command: string, opts: ReadOptions): number {
  const max = opts.maxLineLength;
  let lf = buf.indexOf(LF);
  while (lf !== -1 && lf <= max + 1 && buf[lf - 1] !== CR) lf = buf.indexOf(LF, lf + 1);
  if (lf !== -1 && lf <= max + 1) return lf;
  // Without a line end yet: too long once more than max + 1 bytes (the last may be a CR).
  if (buf.length > max + 1) throw lineTooLong(buf, command, max);
  return -1;
}

function lineTooLong(buf: Buffer, command: string, max: number): MemcachedProtocolError {
  return new MemcachedProtocolError('line too long', `reply line to ${command} longer than ${max} bytes: ${quote(buf.subarray(0, 80))}`, command);
}

/**
 * Waits for more of the reply. `inside` tells whether part of this reply was already read, in
 * which case EOF means a truncated reply (protocol error), not a server that went away between
 * commands (plain `closed`).
 */
async function more(src: ReplySource, command: string, inside: boolean, what: string): Promise<void> {
  try {
    await src.receiveMore();
  } catch (error) {
    throw locateError(truncated(error, inside || partialLength(error) > 0, command, what), undefined, command);
  }
}

/** Reads one CRLF-terminated line, waiting for it as needed. */
async function readLine(src: ReplySource, command: string, opts: ReadOptions, midReply: boolean): Promise<string> {
  for (;;) {
    const line = takeLine(src, command, opts);
    if (line !== null) return line;
    await more(src, command, midReply, 'a reply line');
  }
}

/** The next line, from the buffer when possible. */
function nextLine(src: ReplySource, command: string, opts: ReadOptions, midReply: boolean): string | Promise<string> {
  return takeLine(src, command, opts) ?? readLine(src, command, opts, midReply);
}

/**
 * A value's bytes plus the trailer that must follow, trailer checked; from the buffer when
 * possible. The length was checked against maxValueSize with the header, before this.
 */
function nextBlock(src: ReplySource, header: ValueHeader, trailer: Buffer, command: string): Buffer | Promise<Buffer> {
  const buf = src.peek();
  return buf.length >= header.bytes + trailer.length
    ? takeBlock(src, buf, 0, header, trailer, command)
    : readBlock(src, buf.length, header, trailer, command);
}

async function readBlock(src: ReplySource, have: number, header: ValueHeader, trailer: Buffer, command: string): Promise<Buffer> {
  const need = header.bytes + trailer.length;
  // receiveMore says how much is buffered, so a large value is joined once, when complete.
  while (have < need) {
    try {
      have = await src.receiveMore();
    } catch (error) {
      throw locateError(truncated(error, true, command, `the ${header.bytes}-byte VALUE block of ${quote(header.key)}`), undefined, command);
    }
  }
  return takeBlock(src, src.peek(), 0, header, trailer, command);
}

/** The block at `at` in `buf` (it is all there): trailer checked, then consumed with what precedes it. */
function takeBlock(src: ReplySource, buf: Buffer, at: number, header: ValueHeader, trailer: Buffer, command: string): Buffer {
  const dataEnd = at + header.bytes;
  const end = dataEnd + trailer.length;
  if (buf.compare(trailer, 0, trailer.length, dataEnd, end) !== 0) {
    throw new MemcachedProtocolError(
      'bad trailer',
      `VALUE block of ${quote(header.key)} in reply to ${command}: ${header.bytes} bytes announced, but they are not followed by ${quote(trailer.toString())} (got ${quote(buf.subarray(dataEnd, end))})`,
      command,
    );
  }
  src.skip(end);
  return buf.subarray(at, dataEnd);
}

function entry(data: Buffer, header: ValueHeader, opts: ReadOptions): MemcachedEntry<string | Buffer> | MemcachedCasEntry<string | Buffer> {
  const value = opts.returnBuffers ? data : data.toString();
  return header.cas === undefined ? { value, flags: header.flags } : { value, flags: header.flags, cas: header.cas };
}

/** `get <key>` / `gets <key>`: the entry, or null on a miss. */
export async function readSingleValue(
  src: ReplySource,
  command: 'get' | 'gets',
  key: string,
  opts: ReadOptions,
): Promise<MemcachedEntry<string | Buffer> | MemcachedCasEntry<string | Buffer> | null> {
  // Wait until the line is buffered, then take it and (usually there too) its block from one
  // view of the buffer, consumed together.
  let buf = src.peek();
  let lf = lineEnd(buf, command, opts);
  while (lf === -1) {
    await more(src, command, false, 'a reply line');
    buf = src.peek();
    lf = lineEnd(buf, command, opts);
  }
  const line = buf.toString('utf8', 0, lf - 1);
  if (!line.startsWith('VALUE ')) {
    src.skip(lf + 1);
    if (line === 'END') return null;
    throw unexpectedLine(line, command);
  }
  const header = parseValueHeader(line, command === 'gets', opts.maxValueSize, command);
  if (header.key !== key) throw wrongKey(header.key, command);
  // One key asked for: exactly one block, then END, checked as one trailer.
  const at = lf + 1;
  if (buf.length >= at + header.bytes + END_TRAILER.length) return entry(takeBlock(src, buf, at, header, END_TRAILER, command), header, opts);
  src.skip(at);
  return entry(await readBlock(src, buf.length - at, header, END_TRAILER, command), header, opts);
}

/**
 * `get k1 k2 ...` / `gets ...`: a map from the caller's key (the decode half of the transform
 * applied to the wire key) to the entry. Misses are absent. A VALUE for a key that was not
 * asked for is a protocol error.
 */
export async function readMultiValues(
  src: ReplySource,
  command: 'get' | 'gets',
  asked: ReadonlySet<string>,
  decode: (key: string) => string,
  opts: ReadOptions,
): Promise<Record<string, MemcachedEntry<string | Buffer> | MemcachedCasEntry<string | Buffer>>> {
  const out: Record<string, MemcachedEntry<string | Buffer> | MemcachedCasEntry<string | Buffer>> = {};
  const withCas = command === 'gets';
  let midReply = false;
  for (;;) {
    // No await and no socket call per value while the reply is buffered: plain blocks are
    // taken from one view of the buffer, consumed together.
    const buf = src.peek();
    if (buf.length === 0) {
      // Nothing yet: wait, so the first block can take the fast path too.
      await more(src, command, midReply, 'a reply line');
      continue;
    }
    let pos = 0;
    for (;;) {
      const block = scanValueBlock(buf, pos, withCas, opts.maxValueSize, opts.maxLineLength);
      if (block === null || !asked.has(block.key)) break;
      pos = block.dataEnd + 2;
      const value = opts.returnBuffers ? buf.subarray(block.dataStart, block.dataEnd) : buf.toString('utf8', block.dataStart, block.dataEnd);
      put(out, decode(block.key), block.cas === undefined ? { value, flags: block.flags } : { value, flags: block.flags, cas: block.cas });
    }
    if (pos > 0) {
      src.skip(pos);
      midReply = true;
    }
    // Not a plain, complete block: the general reader, which also words every error.
    let line = nextLine(src, command, opts, midReply);
    if (typeof line !== 'string') line = await line;
    if (line === 'END') return out;
    if (!line.startsWith('VALUE ')) throw unexpectedLine(line, command);
    midReply = true;
    const header = parseValueHeader(line, withCas, opts.maxValueSize, command);
    if (!asked.has(header.key)) throw wrongKey(header.key, command);
    let data = nextBlock(src, header, CRLF_BYTES, command);
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
 * One status line: `yes` → true, any of `no` → false, an error line → MemcachedServerError,
 * anything else → protocol error.
 */
export async function readStatus(
  src: ReplySource,
  command: string,
  opts: ReadOptions,
  yes: string | readonly string[],
  no: readonly string[] = [],
): Promise<boolean> {
  const line = await nextLine(src, command, opts, false);
  if (typeof yes === 'string' ? line === yes : yes.includes(line)) return true;
  if (no.includes(line)) return false;
  throw unexpectedLine(line, command);
}

/** `incr` / `decr`: the new value, or null on NOT_FOUND. */
export async function readCounter(src: ReplySource, command: string, opts: ReadOptions): Promise<number | null> {
  const line = await nextLine(src, command, opts, false);
  const n = parseCounter(line);
  if (n >= 0) return n;
  if (line === 'NOT_FOUND') return null;
  throw unexpectedLine(line, command);
}

/** `stats [arg]`: name/value pairs until END (`RESET` / `OK` replies give an empty map). */
export async function readStats(src: ReplySource, opts: ReadOptions): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let midReply = false;
  for (;;) {
    const line = await nextLine(src, 'stats', opts, midReply);
    if (line === 'END') return out;
    if (!midReply && (line === 'RESET' || line === 'OK')) return out;
    if (!line.startsWith('STAT ') && !line.startsWith('ITEM ')) throw unexpectedLine(line, 'stats');
    midReply = true;
    const [name, value] = parseStatLine(line, 'stats');
    put(out, name, value);
  }
}

/** `version`: the text after `VERSION `. */
export async function readVersion(src: ReplySource, opts: ReadOptions): Promise<string> {
  const line = await nextLine(src, 'version', opts, false);
  if (line.startsWith('VERSION ')) return line.slice(8);
  throw unexpectedLine(line, 'version');
}

function wrongKey(key: string, command: string): MemcachedProtocolError {
  return new MemcachedProtocolError(
    'key not asked for',
    `reply to ${command} holds a value for ${quote(key)}, a key that was not asked for`,
    command,
  );
}

function partialLength(error: unknown): number {
  return error instanceof CosocketError ? error.partial.length : 0;
}

/** EOF inside a reply is a truncated reply (protocol error); other failures pass through. */
function truncated(error: unknown, inside: boolean, command: string, what: string): unknown {
  if (!inside || !(error instanceof CosocketError) || error.code === 'timeout') return error;
  if (error.code !== 'closed' && error.code !== 'connection reset by peer') return error;
  return new MemcachedProtocolError(
    'reply cut short',
    `reply to ${command} cut short: ${error.code} while reading ${what} (${error.partial.length} bytes received)`,
    command,
    { cause: error },
  );
}
