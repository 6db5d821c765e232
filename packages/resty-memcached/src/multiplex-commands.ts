/**
 * The commands a multiplexed connection carries, as request bytes plus the reader of the
 * reply shape each one expects. Built from the same encoders, key checks and reply readers as
 * `Memcached`, so results and errors are identical; only the reader is passed in, because it
 * belongs to whichever connection is current when the reply is read.
 */
import type { SendData } from 'cosocket';
import { toCount, toExptime, toFlags, toStatsArg, toU64, toValue, type CasUnique, type MemcachedValue } from './args.js';
import { DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_VALUE_SIZE, type MemcachedOptions } from './client.js';
import { checkKeyTransform, uriKeyTransform, wireKey } from './keys.js';
import {
  arithmeticRequest,
  deleteRequest,
  flushAllRequest,
  retrievalRequest,
  statsRequest,
  storageRequest,
  touchRequest,
  VERSION_REQUEST,
  verbosityRequest,
  type StorageCommand,
} from './protocol/encode.js';
import { readCounter, readMultiValues, readSingleValue, readStats, readStatus, readVersion, type ReadOptions } from './protocol/read-reply.js';
import type { ReplyReader } from './protocol/reply-reader.js';

/** A command ready to queue: its bytes and how to read its reply. */
export interface MuxCommand {
  request: SendData;
  read(reader: ReplyReader): Promise<unknown>;
}

/** Key transform and reply limits of one client. */
export interface MuxCodec {
  encode(key: string): string;
  decode(key: string): string;
  opts: ReadOptions;
}

/** The codec for a client's options, checked as `Memcached` checks them. */
export function codecOf(options: MemcachedOptions): MuxCodec {
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

const NOT_STORED = ['NOT_STORED'] as const;
const CAS_FAILED = ['EXISTS', 'NOT_FOUND'] as const;
const NOT_FOUND = ['NOT_FOUND'] as const;
// Couchbase's moxi answers touch with STORED; Memcached accepts both, so do we.
const TOUCHED = ['TOUCHED', 'STORED'] as const;

export function storeCommand(c: MuxCodec, command: StorageCommand, key: string, value: MemcachedValue, exptime?: number, flags?: number): MuxCommand {
  const request = storageRequest(command, wireKey(key, c.encode), toValue(value), toFlags(flags), toExptime(exptime));
  return { request, read: (r) => readStatus(r, command, c.opts, 'STORED', NOT_STORED) };
}

export function casCommand(c: MuxCodec, key: string, value: MemcachedValue, cas: CasUnique, exptime?: number, flags?: number): MuxCommand {
  const wire = wireKey(key, c.encode);
  const request = storageRequest('cas', wire, toValue(value), toFlags(flags), toExptime(exptime), toU64(cas, 'cas'));
  return { request, read: (r) => readStatus(r, 'cas', c.opts, 'STORED', CAS_FAILED) };
}

/** One key: entry or null. Several keys: one request, a map without the misses; none: null (no I/O). */
export function retrieveCommand(c: MuxCodec, command: 'get' | 'gets', keys: string | readonly string[]): MuxCommand | null {
  if (!Array.isArray(keys)) {
    const wire = wireKey(keys, c.encode);
    return { request: retrievalRequest(command, [wire]), read: (r) => readSingleValue(r, command, wire, c.opts) };
  }
  const asked = new Set<string>();
  for (const key of keys as readonly string[]) asked.add(wireKey(key, c.encode));
  if (asked.size === 0) return null;
  return { request: retrievalRequest(command, [...asked]), read: (r) => readMultiValues(r, command, asked, c.decode, c.opts) };
}

export function deleteCommand(c: MuxCodec, key: string): MuxCommand {
  const request = deleteRequest(wireKey(key, c.encode));
  return { request, read: (r) => readStatus(r, 'delete', c.opts, 'DELETED', NOT_FOUND) };
}

export function touchCommand(c: MuxCodec, key: string, exptime: number): MuxCommand {
  const request = touchRequest(wireKey(key, c.encode), toExptime(exptime, true));
  return { request, read: (r) => readStatus(r, 'touch', c.opts, TOUCHED, NOT_FOUND) };
}

export function arithmeticCommand(c: MuxCodec, command: 'incr' | 'decr', key: string, delta: number | bigint | string): MuxCommand {
  const request = arithmeticRequest(command, wireKey(key, c.encode), toU64(delta, 'delta'));
  return { request, read: (r) => readCounter(r, command, c.opts) };
}

export function flushAllCommand(c: MuxCodec, delay?: number): MuxCommand {
  const request = flushAllRequest(delay === undefined ? undefined : toCount(delay, 'delay'));
  return { request, read: (r) => readStatus(r, 'flush_all', c.opts, 'OK') };
}

export function statsCommand(c: MuxCodec, arg?: string): MuxCommand {
  return { request: statsRequest(toStatsArg(arg)), read: (r) => readStats(r, c.opts) };
}

export function versionCommand(c: MuxCodec): MuxCommand {
  return { request: VERSION_REQUEST, read: (r) => readVersion(r, c.opts) };
}

export function verbosityCommand(c: MuxCodec, level: number): MuxCommand {
  const request = verbosityRequest(toCount(level, 'verbosity level'));
  return { request, read: (r) => readStatus(r, 'verbosity', c.opts, 'OK') };
}
