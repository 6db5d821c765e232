/**
 * What a client's options fix for every command it sends: the key transform and the reply
 * limits. Checked once, in the constructor, the same way for every surface.
 */
import { checkKeyTransform, uriKeyTransform, type KeyTransform } from '../keys.js';
import type { ReadOptions } from '../protocol/read-reply.js';

/** Constructor options. */
export interface MemcachedOptions<B extends boolean = boolean> {
  /** `[encode, decode]` for keys; default `encodeURIComponent` / `decodeURIComponent`. */
  keyTransform?: KeyTransform;
  /** Return values as Buffers instead of UTF-8 strings (default false). */
  returnBuffers?: B;
  /**
   * The largest value a reply may announce, in bytes (default 1 MiB, memcached's default item
   * size limit). Raise it for a server started with a larger `-I`. A larger announced length is
   * a protocol error, caught before anything of that size is read or allocated.
   */
  maxValueSize?: number;
  /** The longest reply line accepted, in bytes (default 8 KiB). */
  maxLineLength?: number;
}

/** Largest value accepted in a reply by default (memcached's own default item size limit, 1 MiB). */
export const DEFAULT_MAX_VALUE_SIZE = 1024 * 1024;
/** Longest reply line accepted by default (8 KiB). */
export const DEFAULT_MAX_LINE_LENGTH = 8 * 1024;

/** Key transform and reply limits of one client. */
export interface Codec {
  readonly encode: (key: string) => string;
  readonly decode: (key: string) => string;
  readonly opts: ReadOptions;
}

/** The codec for a client's options; bad options throw (TypeError / RangeError). */
export function codecOf(options: MemcachedOptions): Codec {
  const [encode, decode] = options.keyTransform === undefined ? uriKeyTransform : checkKeyTransform(options.keyTransform);
  return {
    encode,
    decode,
    opts: {
      returnBuffers: options.returnBuffers === true,
      maxValueSize: positiveInteger(options.maxValueSize, DEFAULT_MAX_VALUE_SIZE, 'maxValueSize'),
      maxLineLength: positiveInteger(options.maxLineLength, DEFAULT_MAX_LINE_LENGTH, 'maxLineLength'),
    },
  };
}

function positiveInteger(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new RangeError(`bad ${what}: ${String(value)}`);
  return value;
}
