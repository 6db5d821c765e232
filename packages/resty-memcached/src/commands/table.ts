/**
 * The command table: each command defined once, as its request (argument checks, key
 * transform, encoding) and the reader of its reply. `install.ts` puts it on `Memcached`,
 * `MemcachedPipeline` and `MemcachedMultiplexed`; `methods.ts` types it.
 *
 * A build function checks its arguments and throws TypeError / RangeError before anything is
 * sent or queued. It returns the exchange, or null when there is nothing to send (a multi-get
 * of no keys, which resolves `{}`).
 */
import type { SendData } from 'cosocket';
import { toCount, toExptime, toFlags, toStatsArg, toU64, toValue, type CasUnique, type MemcachedValue } from '../args.js';
import { wireKey } from '../keys.js';
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
} from '../protocol/encode.js';
import { readCounter, readMultiValues, readSingleValue, readStats, readStatus, readVersion, type ReplySource } from '../protocol/read-reply.js';
import type { Codec } from './codec.js';

/** One command ready to send: its bytes and how to read its reply. */
export interface Exchange {
  /** The memcached command (`get`, `flush_all`, ...), named in errors. */
  readonly command: string;
  readonly request: SendData;
  readonly read: (src: ReplySource) => Promise<unknown>;
}

/** Checks the arguments and builds the exchange (null: nothing to send). */
export type Build = (codec: Codec, ...args: never[]) => Exchange | null;

/** A command on the client surfaces (`run`) and, when it can be batched, in a pipeline (`queue`). */
export interface CommandEntry {
  readonly run: Build;
  readonly queue?: Build;
}

const NOT_STORED = ['NOT_STORED'] as const;
const CAS_FAILED = ['EXISTS', 'NOT_FOUND'] as const;
const NOT_FOUND = ['NOT_FOUND'] as const;
// Couchbase's moxi answers touch with STORED; lua-resty-memcached accepts both.
const TOUCHED = ['TOUCHED', 'STORED'] as const;

function storage(command: StorageCommand) {
  return (c: Codec, key: string, value: MemcachedValue, exptime?: number, flags?: number): Exchange => ({
    command,
    request: storageRequest(command, wireKey(key, c.encode), toValue(value), toFlags(flags), toExptime(exptime)),
    read: (src) => readStatus(src, command, c.opts, 'STORED', NOT_STORED),
  });
}

function cas(c: Codec, key: string, value: MemcachedValue, unique: CasUnique, exptime?: number, flags?: number): Exchange {
  const request = storageRequest('cas', wireKey(key, c.encode), toValue(value), toFlags(flags), toExptime(exptime), toU64(unique, 'cas'));
  return { command: 'cas', request, read: (src) => readStatus(src, 'cas', c.opts, 'STORED', CAS_FAILED) };
}

/** One key: the entry or null. */
function retrieveOne(command: 'get' | 'gets') {
  return (c: Codec, key: string): Exchange => {
    const wire = wireKey(key, c.encode);
    return { command, request: retrievalRequest(command, [wire]), read: (src) => readSingleValue(src, command, wire, c.opts) };
  };
}

/** One key as `retrieveOne`; a key array in one request: a map without the misses. */
function retrieve(command: 'get' | 'gets') {
  const one = retrieveOne(command);
  return (c: Codec, keys: string | readonly string[]): Exchange | null => {
    if (!Array.isArray(keys)) return one(c, keys as string);
    const asked = new Set<string>();
    for (const key of keys as readonly string[]) asked.add(wireKey(key, c.encode));
    if (asked.size === 0) return null;
    return { command, request: retrievalRequest(command, [...asked]), read: (src) => readMultiValues(src, command, asked, c.decode, c.opts) };
  };
}

function del(c: Codec, key: string): Exchange {
  return {
    command: 'delete',
    request: deleteRequest(wireKey(key, c.encode)),
    read: (src) => readStatus(src, 'delete', c.opts, 'DELETED', NOT_FOUND),
  };
}

function touch(c: Codec, key: string, exptime: number): Exchange {
  const request = touchRequest(wireKey(key, c.encode), toExptime(exptime, true));
  return { command: 'touch', request, read: (src) => readStatus(src, 'touch', c.opts, TOUCHED, NOT_FOUND) };
}

function arithmetic(command: 'incr' | 'decr') {
  return (c: Codec, key: string, delta: number | bigint | string): Exchange => ({
    command,
    request: arithmeticRequest(command, wireKey(key, c.encode), toU64(delta, 'delta')),
    read: (src) => readCounter(src, command, c.opts),
  });
}

function flushAll(c: Codec, delay?: number): Exchange {
  const request = flushAllRequest(delay === undefined ? undefined : toCount(delay, 'delay'));
  return { command: 'flush_all', request, read: (src) => readStatus(src, 'flush_all', c.opts, 'OK') };
}

function stats(c: Codec, arg?: string): Exchange {
  return { command: 'stats', request: statsRequest(toStatsArg(arg)), read: (src) => readStats(src, c.opts) };
}

function version(c: Codec): Exchange {
  return { command: 'version', request: VERSION_REQUEST, read: (src) => readVersion(src, c.opts) };
}

function verbosity(c: Codec, level: number): Exchange {
  const request = verbosityRequest(toCount(level, 'verbosity level'));
  return { command: 'verbosity', request, read: (src) => readStatus(src, 'verbosity', c.opts, 'OK') };
}

/** Both surfaces, the same build. */
const batchable = (build: Build): Required<CommandEntry> => ({ run: build, queue: build });

/** Method name → command. Multi-key get/gets and the server commands are not pipelined. */
export const COMMANDS = {
  set: batchable(storage('set')),
  add: batchable(storage('add')),
  replace: batchable(storage('replace')),
  append: batchable(storage('append')),
  prepend: batchable(storage('prepend')),
  cas: batchable(cas),
  get: { run: retrieve('get'), queue: retrieveOne('get') },
  gets: { run: retrieve('gets'), queue: retrieveOne('gets') },
  delete: batchable(del),
  touch: batchable(touch),
  incr: batchable(arithmetic('incr')),
  decr: batchable(arithmetic('decr')),
  flushAll: { run: flushAll },
  stats: { run: stats },
  version: { run: version },
  verbosity: { run: verbosity },
} satisfies Record<string, CommandEntry>;
