/** Typed replies of the hash commands (RESP2). */
import type { RedisArg } from '../types.js';
import type { KeyScanOptions } from './keys.js';
import type { MembersWithScores, OneOrMore, RedisInteger, RedisKey, RedisToken, ScanReply } from './reply-types.js';
import type { RedisFloat } from './strings.js';

export interface HashCommands<S extends string | Buffer = string> {
  /** HSET key field value [field value ...]: the number of fields added (not the ones updated). */
  hset(key: RedisKey, ...fieldsAndValues: [RedisArg, RedisArg, ...RedisArg[]]): Promise<number>;
  /** HSETNX key field value: 1 if set, 0 if the field existed. */
  hsetnx(key: RedisKey, field: RedisArg, value: RedisArg): Promise<number>;
  /** HGET key field: the value, or `null`. */
  hget(key: RedisKey, field: RedisArg): Promise<S | null>;
  /** HMGET key field [field ...]: each value, `null` where a field does not exist. */
  hmget(key: RedisKey, ...fields: OneOrMore<RedisArg>): Promise<(S | null)[]>;
  /**
   * HGETALL key: the fields and values as an object (`{}` when the key does not exist).
   * RESP2 sends them as a flat array; the client converts it (Buffer fields become UTF-8 keys).
   */
  hgetall(key: RedisKey): Promise<Record<string, S>>;
  /** HDEL key field [field ...]: the number of fields removed. */
  hdel(key: RedisKey, ...fields: OneOrMore<RedisArg>): Promise<number>;
  /** HEXISTS key field: 1 if the field exists, 0 if not. */
  hexists(key: RedisKey, field: RedisArg): Promise<number>;
  /** HKEYS key: the field names. */
  hkeys(key: RedisKey): Promise<S[]>;
  /** HVALS key: the values. */
  hvals(key: RedisKey): Promise<S[]>;
  /** HLEN key: the number of fields. */
  hlen(key: RedisKey): Promise<number>;
  /** HSTRLEN key field: the length of the value (0 when missing). */
  hstrlen(key: RedisKey, field: RedisArg): Promise<number>;
  /** HINCRBY key field increment: the new value. */
  hincrby(key: RedisKey, field: RedisArg, increment: RedisInteger): Promise<number>;
  /** HINCRBYFLOAT key field increment: the new value as Redis writes it (a bulk string). */
  hincrbyfloat(key: RedisKey, field: RedisArg, increment: RedisFloat): Promise<S>;
  /** HSCAN key cursor [MATCH pattern] [COUNT count]: the next cursor and fields and values alternating. */
  hscan(key: RedisKey, cursor: RedisArg, ...options: KeyScanOptions): Promise<ScanReply<S>>;
  /** HRANDFIELD key: a random field, or `null` when the key does not exist. */
  hrandfield(key: RedisKey): Promise<S | null>;
  /** HRANDFIELD key count WITHVALUES: fields and values alternating. */
  hrandfield(key: RedisKey, count: RedisInteger, withValues: RedisToken<'WITHVALUES'>): Promise<MembersWithScores<S>>;
  /** HRANDFIELD key count: distinct fields (count > 0), or fields with repeats (count < 0). */
  hrandfield(key: RedisKey, count: RedisInteger): Promise<S[]>;
}
