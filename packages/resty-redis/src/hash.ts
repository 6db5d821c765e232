import type { RedisReply } from './types.js';

/**
 * Turns a flat `[field, value, field, value, ...]` reply (HGETALL, CONFIG GET, ...) into an
 * object. Buffer fields become UTF-8 keys; with an odd length the last field is left out.
 * Accepts any reply so `arrayToHash(await red.hgetall(k))` type-checks; a non-array throws.
 */
export function arrayToHash(array: RedisReply | readonly RedisReply[]): Record<string, RedisReply> {
  if (!Array.isArray(array)) throw new TypeError('arrayToHash: array expected');
  const out: Record<string, RedisReply> = {};
  for (let i = 0; i + 1 < array.length; i += 2) out[String(array[i])] = array[i + 1] as RedisReply;
  return out;
}

/** HMSET's arguments from an object or Map of fields (insertion order), or flat field/value pairs. */
export function hmsetArgs(key: unknown, rest: readonly unknown[]): unknown[] {
  const only = rest[0];
  if (rest.length === 1 && typeof only === 'object' && only !== null && !(only instanceof Uint8Array)) {
    const entries: [unknown, unknown][] = only instanceof Map ? [...(only as Map<unknown, unknown>).entries()] : Object.entries(only);
    return [key, ...entries.flat()];
  }
  return [key, ...rest];
}
