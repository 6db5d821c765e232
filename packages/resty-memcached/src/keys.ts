/**
 * Keys: the transform pair and the check that runs after it. The check is what makes command
 * injection impossible: whatever a transform returns, a key that reaches the wire is 1..250
 * bytes with no whitespace and no control characters, so it can never end a command line or
 * split into two keys.
 */

/** `[encode, decode]`: encode maps a caller's key to the wire key, decode maps it back. */
export type KeyTransform = readonly [encode: (key: string) => string, decode: (key: string) => string];

/** The longest key memcached accepts, in bytes. */
export const MAX_KEY_BYTES = 250;

/**
 * The default transform, as OpenResty's `ngx.escape_uri` / `ngx.unescape_uri`: every byte
 * outside `A-Z a-z 0-9 - . _ ~ ! * ' ( )` becomes `%XX`.
 */
export const uriKeyTransform: KeyTransform = [encodeUriKey, decodeUriKey];

/** Keys used as they are (still checked): for data shared with clients that do not escape. */
export const identityKeyTransform: KeyTransform = [(key) => key, (key) => key];

/**
 * A code unit encodeURIComponent would escape: anything outside its unreserved set. No `u`
 * flag, so a surrogate (paired or lone) matches too and takes the encodeURIComponent path,
 * which keeps the lone-surrogate TypeError. A regex beat a charCodeAt loop in a node 20
 * micro-benchmark for keys over ~10 characters (native irregexp scan vs a JS loop).
 */
const ESCAPED_CHAR = /[^A-Za-z0-9\-_.!~*'()]/;

function encodeUriKey(key: string): string {
  // Most keys are already unreserved; encodeURIComponent would return them unchanged.
  if (!ESCAPED_CHAR.test(key)) return key;
  try {
    return encodeURIComponent(key);
  } catch {
    // encodeURIComponent throws URIError on a lone surrogate; to callers this is a bad key.
    throw new TypeError(`bad key ${JSON.stringify(key)}: not well-formed UTF-16`);
  }
}

function decodeUriKey(key: string): string {
  // decodeURIComponent only rewrites (and only throws on) `%` sequences: without a `%` the
  // result is the input, for any string.
  return key.indexOf('%') === -1 ? key : decodeURIComponent(key);
}

/** Checks a transform given to the constructor. */
export function checkKeyTransform(transform: unknown): KeyTransform {
  if (!Array.isArray(transform) || transform.length !== 2 || typeof transform[0] !== 'function' || typeof transform[1] !== 'function') {
    throw new TypeError('expecting keyTransform = [encode, decode] functions');
  }
  return transform as unknown as KeyTransform;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A code unit outside printable ASCII (0x21..0x7e): whitespace, a control or non-ASCII. */
const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/;

// Unicode whitespace and C1 controls beyond ASCII; ASCII is checked byte by byte below.
const WIDE_BAD = /[\u0080-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/**
 * Transforms a caller's key and checks the result; returns the wire key.
 * Throws TypeError, before any I/O, for a non-string key or a wire key that is empty, over
 * 250 bytes, or holds whitespace or control characters.
 */
export function wireKey(key: unknown, encode: (key: string) => string): string {
  if (typeof key !== 'string') throw new TypeError(`bad key: string expected, got ${key === null ? 'null' : typeof key}`);
  const wire = encode(key);
  if (typeof wire !== 'string') throw new TypeError(`bad key ${JSON.stringify(key)}: keyTransform encode returned ${typeof wire}`);
  const length = wire.length;
  if (length === 0) throw new TypeError(`bad key ${JSON.stringify(key)}: empty`);
  // Fast accept, one native scan: printable ASCII only means no whitespace, no controls and
  // one byte per character. The loop below is slower, most of all on a cons string (a
  // `prefix + id` key), which the default encode now returns as it is instead of a flat copy.
  if (!NOT_PRINTABLE_ASCII.test(wire)) {
    if (length > MAX_KEY_BYTES) throw new TypeError(`bad key ${JSON.stringify(key)}: longer than ${MAX_KEY_BYTES} bytes`);
    return wire;
  }
  let ascii = true;
  for (let i = 0; i < length; i++) {
    const c = wire.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) throw new TypeError(`bad key ${JSON.stringify(key)}: whitespace or control character`);
    if (c > 0x7f) ascii = false;
  }
  if (ascii) {
    if (length > MAX_KEY_BYTES) throw new TypeError(`bad key ${JSON.stringify(key)}: longer than ${MAX_KEY_BYTES} bytes`);
    return wire;
  }
  if (LONE_SURROGATE.test(wire)) throw new TypeError(`bad key ${JSON.stringify(key)}: not well-formed UTF-16`);
  if (WIDE_BAD.test(wire)) throw new TypeError(`bad key ${JSON.stringify(key)}: whitespace or control character`);
  if (Buffer.byteLength(wire) > MAX_KEY_BYTES) throw new TypeError(`bad key ${JSON.stringify(key)}: longer than ${MAX_KEY_BYTES} bytes`);
  return wire;
}
