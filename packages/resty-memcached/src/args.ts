/**
 * Argument checks and conversions for command arguments. Everything here runs before a byte
 * is sent, so a bad argument throws (TypeError / RangeError) and the connection is untouched.
 */

/** What storage commands accept as a value. Numbers, bigints and booleans are stringified. */
export type MemcachedValue = string | Uint8Array | number | bigint | boolean;

/** A cas unique: the decimal string that `gets` returned, or a bigint (exact unsigned 64-bit). */
export type CasUnique = string | bigint;

const U32_MAX = 0xffffffff;
const U64_MAX = 0xffffffffffffffffn;
const DIGITS = /^\d{1,20}$/;

/** The value as the string or Buffer to send. */
export function toValue(value: unknown): string | Buffer {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`bad value: ${value} cannot be stored`);
      return String(value);
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (Buffer.isBuffer(value)) return value;
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      throw new TypeError(`bad value: string, Buffer, number, bigint or boolean expected, got ${value === null ? 'null' : typeof value}`);
  }
}

/** Flags: an unsigned 32-bit integer, 0 by default. */
export function toFlags(flags: unknown): number {
  if (flags === undefined) return 0;
  if (typeof flags !== 'number' || !Number.isInteger(flags)) throw new TypeError(`bad flags: integer expected, got ${String(flags)}`);
  if (flags < 0 || flags > U32_MAX) throw new RangeError(`bad flags: ${flags} is not an unsigned 32-bit integer`);
  return flags;
}

/**
 * Expiration time in seconds (0 = never, > 30 days = unix time, negative = expired at once).
 * `undefined` means 0 unless the command needs it.
 */
export function toExptime(exptime: unknown, required = false): number {
  if (exptime === undefined && !required) return 0;
  if (typeof exptime !== 'number' || !Number.isSafeInteger(exptime)) {
    throw new TypeError(`bad exptime: integer expected, got ${String(exptime)}`);
  }
  return exptime;
}

/** A non-negative integer argument (flush delay, verbosity level). */
export function toCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`bad ${what}: integer expected, got ${String(value)}`);
  if (value < 0) throw new RangeError(`bad ${what}: ${value} is negative`);
  return value;
}

/** An unsigned 64-bit decimal, from a number (safe integer), bigint or digit string. */
export function toU64(value: unknown, what: string): string {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`bad ${what}: ${value} is not a safe integer (use a bigint or a string)`);
    text = String(value);
  } else if (typeof value === 'bigint') {
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    throw new TypeError(`bad ${what}: number, bigint or digit string expected, got ${value === null ? 'null' : typeof value}`);
  }
  if (text.startsWith('-')) throw new RangeError(`bad ${what}: ${text} is negative`);
  if (!DIGITS.test(text) || BigInt(text) > U64_MAX) throw new RangeError(`bad ${what}: ${text} is not an unsigned 64-bit integer`);
  return text;
}

/** Checks a `stats` argument: printable ASCII words, no line breaks or control characters. */
export function toStatsArg(arg: unknown): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg !== 'string') throw new TypeError(`bad stats argument: string expected, got ${typeof arg}`);
  if (!/^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/.test(arg)) throw new TypeError(`bad stats argument ${JSON.stringify(arg)}`);
  return arg;
}

/** The peer's address as errors name it: `host:port`, `[::1]:port`, or the `unix:/path` host itself. */
export function addressOf(host: string, port: unknown): string {
  if (/^unix:/i.test(host)) return `unix:${host.slice(5)}`;
  return host.includes(':') ? `[${host}]:${String(port)}` : `${host}:${String(port)}`;
}
