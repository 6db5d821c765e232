/**
 * Pure parsers for reply lines. Anything that does not fit the grammar exactly is a protocol
 * error: the client does not guess, because a guess is how values end up under the wrong key.
 */
import { MemcachedProtocolError, MemcachedServerError } from '../errors.js';

/** A parsed `VALUE <key> <flags> <bytes>[ <cas>]` header. */
export interface ValueHeader {
  key: string;
  flags: number;
  bytes: number;
  /** Present for `gets`. */
  cas: string | undefined;
}

const U32_MAX = 0xffffffff;
const U64_MAX = 0xffffffffffffffffn;

/** The server line quoted for an error message (shortened, control bytes visible). */
export function quote(line: Buffer | string): string {
  const text = typeof line === 'string' ? line : line.toString('latin1');
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

/** `ERROR` / `CLIENT_ERROR <msg>` / `SERVER_ERROR <msg>` as a MemcachedServerError, else null. */
export function errorFromLine(line: string, command: string): MemcachedServerError | null {
  if (line === 'ERROR') return new MemcachedServerError('ERROR', line, command);
  if (line.startsWith('CLIENT_ERROR')) return new MemcachedServerError('CLIENT_ERROR', line, command);
  if (line.startsWith('SERVER_ERROR')) return new MemcachedServerError('SERVER_ERROR', line, command);
  return null;
}

/** The error for a reply line that fits nothing: a server error, or a protocol error. */
export function unexpectedLine(line: string, command: string): MemcachedServerError | MemcachedProtocolError {
  return errorFromLine(line, command) ?? new MemcachedProtocolError('unexpected reply', `unexpected reply to ${command}: ${quote(line)}`, command);
}

/** A decimal of at most `maxDigits` digits, or -1. */
function parseDecimal(text: string, maxDigits: number): number {
  const length = text.length;
  if (length === 0 || length > maxDigits) return -1;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Parses a `VALUE` line (the caller saw the `VALUE ` prefix). `withCas` tells whether the
 * command was `gets`. A byte count over `maxValueSize` is rejected here, before anything of
 * that size is awaited or allocated.
 */
export function parseValueHeader(line: string, withCas: boolean, maxValueSize: number, command: string): ValueHeader {
  // Hand-rolled split on single spaces: this runs once per value of a multi-get.
  const keyEnd = line.indexOf(' ', 6);
  const flagsEnd = keyEnd === -1 ? -1 : line.indexOf(' ', keyEnd + 1);
  const bytesEnd = flagsEnd === -1 ? -1 : line.indexOf(' ', flagsEnd + 1);
  const bad = (why: string): MemcachedProtocolError =>
    new MemcachedProtocolError('bad VALUE line', `bad VALUE line in reply to ${command} (${why}): ${quote(line)}`, command);
  const fieldsOk = flagsEnd !== -1 && (withCas ? bytesEnd !== -1 && line.indexOf(' ', bytesEnd + 1) === -1 : bytesEnd === -1);
  if (!fieldsOk) throw bad(withCas ? 'expected key, flags, bytes and cas' : 'expected key, flags and bytes');
  const key = line.slice(6, keyEnd);
  if (key.length === 0) throw bad('empty key');
  const flags = parseDecimal(line.slice(keyEnd + 1, flagsEnd), 10);
  if (flags < 0 || flags > U32_MAX) throw bad('flags');
  const bytes = parseDecimal(withCas ? line.slice(flagsEnd + 1, bytesEnd) : line.slice(flagsEnd + 1), 16);
  if (bytes < 0) throw bad('byte count');
  if (bytes > maxValueSize) {
    throw new MemcachedProtocolError(
      'value too large',
      `VALUE of ${bytes} bytes in reply to ${command} exceeds maxValueSize (${maxValueSize})`,
      command,
    );
  }
  let cas: string | undefined;
  if (withCas) {
    cas = line.slice(bytesEnd + 1);
    if (!/^\d{1,20}$/.test(cas) || (cas.length === 20 && BigInt(cas) > U64_MAX)) throw bad('cas');
  }
  return { key, flags, bytes, cas };
}

/** `STAT <name> <value>` (and `ITEM ...`-style lines) as a name and value. */
export function parseStatLine(line: string, command: string): [string, string] {
  const first = line.indexOf(' ');
  if (first <= 0) throw new MemcachedProtocolError('unexpected reply', `bad line in reply to ${command}: ${quote(line)}`, command);
  const second = line.indexOf(' ', first + 1);
  if (second === -1) return [line.slice(first + 1), ''];
  return [line.slice(first + 1, second), line.slice(second + 1)];
}

/** The new value from an `incr`/`decr` reply line, or -1 when the line is not a number. */
export function parseCounter(line: string): number {
  if (!/^\d{1,20}$/.test(line)) return -1;
  return Number(line);
}
