/** Typed replies of the generic key commands: existence, expiry, renaming, SCAN (RESP2). */
import type { RedisArg } from '../types.js';
import type { AnyOrder2, AnyOrder3, OneOrMore, Optional, RedisInteger, RedisKey, RedisToken, ScanReply, StatusReply } from './reply-types.js';

type ScanMatch = [RedisToken<'MATCH'>, pattern: RedisArg];
type ScanCount = [RedisToken<'COUNT'>, count: RedisInteger];

/** SCAN's options: MATCH pattern, COUNT n and TYPE type, each at most once, in any order. */
export type ScanOptions = AnyOrder3<Optional<ScanMatch>, Optional<ScanCount>, Optional<[RedisToken<'TYPE'>, type: RedisArg]>>;

/** HSCAN's, SSCAN's and ZSCAN's options: MATCH pattern and COUNT n, in any order. */
export type KeyScanOptions = AnyOrder2<Optional<ScanMatch>, Optional<ScanCount>>;

/** EXPIRE's condition (Redis 7): only if none, only if one exists, greater than, less than. */
export type ExpireCondition = RedisToken<'NX' | 'XX' | 'GT' | 'LT'>;

export interface KeyCommands<S extends string | Buffer = string> {
  /** DEL key [key ...]: the number of keys removed. */
  del(...keys: OneOrMore<RedisKey>): Promise<number>;
  /** UNLINK key [key ...]: DEL that frees memory in the background; the number removed. */
  unlink(...keys: OneOrMore<RedisKey>): Promise<number>;
  /** EXISTS key [key ...]: how many of the keys exist (a key named twice counts twice). */
  exists(...keys: OneOrMore<RedisKey>): Promise<number>;
  /** TOUCH key [key ...]: the number of keys that exist. */
  touch(...keys: OneOrMore<RedisKey>): Promise<number>;
  /** EXPIRE key seconds [NX | XX | GT | LT]: 1 if the timeout was set, 0 if not. */
  expire(key: RedisKey, seconds: RedisInteger, condition?: ExpireCondition): Promise<number>;
  /** PEXPIRE key milliseconds [NX | XX | GT | LT]: 1 if the timeout was set, 0 if not. */
  pexpire(key: RedisKey, milliseconds: RedisInteger, condition?: ExpireCondition): Promise<number>;
  /** EXPIREAT key unix-time-seconds [NX | XX | GT | LT]: 1 if the timeout was set, 0 if not. */
  expireat(key: RedisKey, unixTimeSeconds: RedisInteger, condition?: ExpireCondition): Promise<number>;
  /** PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]: 1 if the timeout was set, 0 if not. */
  pexpireat(key: RedisKey, unixTimeMilliseconds: RedisInteger, condition?: ExpireCondition): Promise<number>;
  /** TTL key: seconds left; -1 without expiry, -2 when the key does not exist. */
  ttl(key: RedisKey): Promise<number>;
  /** PTTL key: milliseconds left; -1 without expiry, -2 when the key does not exist. */
  pttl(key: RedisKey): Promise<number>;
  /** EXPIRETIME key: the expiry as a Unix time in seconds; -1 without expiry, -2 when missing. */
  expiretime(key: RedisKey): Promise<number>;
  /** PEXPIRETIME key: the expiry as a Unix time in milliseconds; -1 without expiry, -2 when missing. */
  pexpiretime(key: RedisKey): Promise<number>;
  /** PERSIST key: 1 if a timeout was removed, 0 if not. */
  persist(key: RedisKey): Promise<number>;
  /** KEYS pattern: every matching key (blocks the server on large databases: prefer SCAN). */
  keys(pattern: RedisArg): Promise<S[]>;
  /**
   * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: the next cursor and a batch of keys;
   * start with `0`, stop when the cursor comes back `'0'`.
   */
  scan(cursor: RedisArg, ...options: ScanOptions): Promise<ScanReply<S>>;
  /** TYPE key: `string`, `list`, `set`, `zset`, `hash`, `stream` (or a module's type), or `none`. */
  type(key: RedisKey): Promise<StatusReply<S, string>>;
  /** RENAME key newkey. */
  rename(key: RedisKey, newkey: RedisKey): Promise<StatusReply<S, 'OK'>>;
  /** RENAMENX key newkey: 1 if renamed, 0 if newkey existed. */
  renamenx(key: RedisKey, newkey: RedisKey): Promise<number>;
  /** COPY source destination [DB destination-db] [REPLACE]: 1 if copied, 0 if not. */
  copy(
    source: RedisKey,
    destination: RedisKey,
    ...options: AnyOrder2<Optional<[RedisToken<'DB'>, RedisInteger]>, Optional<[RedisToken<'REPLACE'>]>>
  ): Promise<number>;
  /** RANDOMKEY: a random key, or `null` when the database is empty. */
  randomkey(): Promise<S | null>;
}
