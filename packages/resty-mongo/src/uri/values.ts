/**
 * Value parsers for connection string options, one per data type of the Connection String
 * specification ("Values") and of the URI Options specification's "Accepted Values" column.
 * A parser gets the percent-decoded value and returns the typed value or an `Invalid` saying why;
 * whether an invalid value is a warning (the rule) or an error is the option table's business.
 */

/** Why a value was refused, in words for the warning or the error. */
export class Invalid {
  constructor(readonly reason: string) {}
}

/** Parses one decoded value; `warn` reports an accepted but deprecated spelling. */
export type Parse<T> = (raw: string, warn: (message: string) => void) => T | Invalid;

const INT32_MAX = 2 ** 31 - 1;

/** An integer in `min..max` (32-bit unless told); the empty string is ignored, per the spec. */
export function integer(min: number, max = INT32_MAX): Parse<number> {
  return (raw) => {
    if (raw === '') return new Invalid('an empty value');
    if (!/^-?\d+$/.test(raw)) return new Invalid('not an integer');
    const value = Number(raw);
    if (value < min || value > max) return new Invalid(`not an integer from ${min} to ${max}`);
    return value;
  };
}

// The Connection String specification's legacy spellings: accepted, with a deprecation warning.
const LEGACY_TRUE = new Set(['1', 'yes', 'y', 't']);
const LEGACY_FALSE = new Set(['0', '-1', 'no', 'n', 'f']);

/** `true` or `false`; the legacy `1`/`yes`/`y`/`t` and `0`/`-1`/`no`/`n`/`f` warn. */
export const boolean: Parse<boolean> = (raw, warn) => {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const legacy = LEGACY_TRUE.has(raw) ? true : LEGACY_FALSE.has(raw) ? false : undefined;
  if (legacy === undefined) return new Invalid(raw === '' ? 'an empty value' : 'neither true nor false');
  warn(`deprecated boolean value "${raw}": write ${legacy}`);
  return legacy;
};

/** Any string, the empty one included. */
export const anyString: Parse<string> = (raw) => raw;

/** A string that must not be empty. */
export const nonEmptyString: Parse<string> = (raw) => (raw === '' ? new Invalid('an empty value') : raw);

/** One of `values`, spelled exactly. */
export function oneOf<T extends string>(values: readonly T[]): Parse<T> {
  return (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : new Invalid(`not one of ${values.join(', ')}`));
}

/** One of `values`, in any letter case; the result is spelled as in `values`. */
export function oneOfIgnoringCase<T extends string>(values: readonly T[]): Parse<T> {
  return (raw) => values.find((value) => value.toUpperCase() === raw.toUpperCase()) ?? new Invalid(`not one of ${values.join(', ')}`);
}

/**
 * Comma-separated `key:value` pairs; each pair splits at its first colon, so a value may hold
 * colons (`TOKEN_RESOURCE:mongodb://host`) but no comma. `normalizeKey` spells the keys.
 */
export function keyValuePairs(normalizeKey: (key: string) => string = (key) => key): Parse<Record<string, string>> {
  return (raw) => {
    if (raw === '') return new Invalid('an empty value');
    const pairs: Record<string, string> = {};
    for (const pair of raw.split(',')) {
      const colon = pair.indexOf(':');
      // The part is not quoted: the option may be a secret one.
      if (colon <= 0) return new Invalid('each comma-separated part must be key:value, so a value cannot hold a comma');
      pairs[normalizeKey(pair.slice(0, colon))] = pair.slice(colon + 1);
    }
    return pairs;
  };
}

/** A read preference tag set: `dc:ny,rack:1`; the empty value is the empty tag set `{}`. */
export const tagSet: Parse<Record<string, string>> = (raw, warn) => (raw === '' ? {} : keyValuePairs()(raw, warn));

/** `w`: a non-negative integer or any other non-empty string (a tag set name, `majority`). */
export const writeConcernW: Parse<number | string> = (raw) => {
  if (raw === '') return new Invalid('an empty value');
  if (!/^-?\d+$/.test(raw)) return raw;
  const value = Number(raw);
  return value >= 0 && value <= INT32_MAX ? value : new Invalid('a negative number');
};

/** The compressors of the OP_COMPRESSED specification. */
const COMPRESSORS = ['snappy', 'zlib', 'zstd'] as const;
export type Compressor = (typeof COMPRESSORS)[number];

/** A comma-separated priority list; unknown names warn and are left out, per the compression spec. */
export const compressorList: Parse<Compressor[]> = (raw, warn) => {
  if (raw === '') return new Invalid('an empty value');
  const known: Compressor[] = [];
  for (const name of raw.split(',')) {
    const compressor = COMPRESSORS.find((c) => c === name);
    if (compressor === undefined) warn(`unknown compressor "${name}" left out (known: ${COMPRESSORS.join(', ')})`);
    else if (!known.includes(compressor)) known.push(compressor);
  }
  return known.length > 0 ? known : new Invalid('no known compressor');
};

/** `maxStalenessSeconds`: -1 (no maximum) or at least 90, the specification's smallest. */
export const maxStaleness: Parse<number> = (raw, warn) => {
  const value = integer(-1)(raw, warn);
  if (value instanceof Invalid || value === -1 || value >= 90) return value;
  return new Invalid('neither -1 nor at least 90');
};

/** The handshake's `client.application.name`: at most 128 bytes of UTF-8. */
export const appName: Parse<string> = (raw) => (Buffer.byteLength(raw, 'utf8') <= 128 ? raw : new Invalid('longer than 128 bytes'));

/**
 * An SRV service name (RFC 6335 section 5.1): letters, digits and inner single hyphens, at least
 * one letter; longer than RFC 6335's 15 characters is allowed up to DNS's 62 (seedlist spec).
 */
export const srvServiceName: Parse<string> = (raw) =>
  /^(?=.*[A-Za-z])[A-Za-z0-9](?:-?[A-Za-z0-9])*$/.test(raw) && raw.length <= 62 ? raw : new Invalid('not an SRV service name (RFC 6335)');
