/**
 * The fast path of multi-get replies: one `VALUE <key> <flags> <bytes>[ <cas>]\r\n<data>\r\n`
 * block parsed straight from the read buffer, with no header string, no slices of it and no
 * Buffer views (the general reader costs about twice as much per value, most of a multi-get's
 * client CPU).
 *
 * It accepts only the plain, complete case: the whole block buffered, a printable-ASCII key,
 * decimal fields within their ranges, a cas of at most 19 digits (always below 2^64), the
 * header within `maxLineLength`, and the exact CRLF after the data. For anything else it
 * returns null and the caller reads the block with the general reader, which refuses a bad
 * block with its exact message. So this path never decides that a reply is wrong, only that
 * it is plainly right, and both paths accept exactly the same replies.
 */

/** A complete, well-formed VALUE block found in the buffer. */
export interface ScannedBlock {
  key: string;
  flags: number;
  /** Present for `gets`. */
  cas: string | undefined;
  /** The data is `buffer[dataStart, dataEnd)`; the block ends 2 bytes (CRLF) after it. */
  dataStart: number;
  dataEnd: number;
}

const U32_MAX = 0xffffffff;
const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const ZERO = 0x30;
/** `VALUE ` as bytes. */
const PREFIX = [0x56, 0x41, 0x4c, 0x55, 0x45, SPACE];
/** The shortest block: `VALUE k 0 0\r\n\r\n`. */
const MIN_BLOCK = 15;

/** Digits at `i`: their value and where they stop (scratch, reused: no object per field). */
let numberValue = 0;
let numberEnd = 0;

function scanDigits(buf: Buffer, i: number, end: number, maxDigits: number): boolean {
  const start = i;
  let n = 0;
  while (i < end) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
    i++;
  }
  numberValue = n;
  numberEnd = i;
  return i > start && i - start <= maxDigits;
}

export function scanValueBlock(buf: Buffer, pos: number, withCas: boolean, maxValueSize: number, maxLineLength: number): ScannedBlock | null {
  const end = buf.length;
  if (end - pos < MIN_BLOCK) return null;
  for (let k = 0; k < 6; k++) if (buf[pos + k] !== PREFIX[k]) return null;
  const keyStart = pos + 6;
  let i = keyStart;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === SPACE) break;
    if (c < 0x21 || c > 0x7e) return null;
  }
  if (i === keyStart || i >= end) return null;
  const keyEnd = i;
  if (!scanDigits(buf, keyEnd + 1, end, 10) || numberValue > U32_MAX || buf[numberEnd] !== SPACE) return null;
  const flags = numberValue;
  if (!scanDigits(buf, numberEnd + 1, end, 16) || numberValue > maxValueSize) return null;
  const bytes = numberValue;
  i = numberEnd;
  let cas: string | undefined;
  if (withCas) {
    if (buf[i] !== SPACE || !scanDigits(buf, i + 1, end, 19)) return null;
    cas = buf.toString('latin1', i + 1, numberEnd);
    i = numberEnd;
  }
  if (i - pos > maxLineLength || i + 1 >= end || buf[i] !== CR || buf[i + 1] !== LF) return null;
  const dataStart = i + 2;
  const dataEnd = dataStart + bytes;
  if (dataEnd + 2 > end || buf[dataEnd] !== CR || buf[dataEnd + 1] !== LF) return null;
  return { key: buf.toString('latin1', keyStart, keyEnd), flags, cas, dataStart, dataEnd };
}
