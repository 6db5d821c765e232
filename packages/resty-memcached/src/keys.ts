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
export const uriKeyTransform: KeyTransform = [encodeUriKey, decodeURIComponent];

/** Keys used as they are (still checked): for data shared with clients that do not escape. */
export const identityKeyTransform: KeyTransform = [(key) => key, (key) => key];

function encodeUriKey(key: string): string {
  try {
    return encodeURIComponent(key);
  } catch {
    // encodeURIComponent throws URIError on a lone surrogate; to callers this is a bad key.
    throw new TypeError(`bad key ${JSON.stringify(key)}: not well-formed UTF-16`);
  }
}

/** Checks a transform given to the constructor. */
export function checkKeyTransform(transform: unknown): KeyTransform {
  if (
    !Array.isArray(transform) ||
    transform.length !== 2 ||
    typeof transform[0] !== 'function' ||
    typeof transform[1] !== 'function'
  ) {
    throw new TypeError('expecting keyTransform = [encode, decode] functions');
  }
  return transform as unknown as KeyTransform;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

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
