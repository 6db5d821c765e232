/** Typed replies of the set commands (RESP2). */
import type { RedisArg } from '../types.js';
import type { KeyScanOptions } from './keys.js';
import type { OneOrMore, RedisInteger, RedisKey, ScanReply } from './reply-types.js';

export interface SetCommands<S extends string | Buffer = string> {
  /** SADD key member [member ...]: the number of members added. */
  sadd(key: RedisKey, ...members: OneOrMore<RedisArg>): Promise<number>;
  /** SREM key member [member ...]: the number of members removed. */
  srem(key: RedisKey, ...members: OneOrMore<RedisArg>): Promise<number>;
  /** SMEMBERS key: every member. */
  smembers(key: RedisKey): Promise<S[]>;
  /** SISMEMBER key member: 1 if a member, 0 if not. */
  sismember(key: RedisKey, member: RedisArg): Promise<number>;
  /** SMISMEMBER key member [member ...]: 1 or 0 for each. */
  smismember(key: RedisKey, ...members: OneOrMore<RedisArg>): Promise<number[]>;
  /** SCARD key: the number of members. */
  scard(key: RedisKey): Promise<number>;
  /** SPOP key: a random member, removed, or `null` when the set does not exist. */
  spop(key: RedisKey): Promise<S | null>;
  /** SPOP key count: up to count random members, removed. */
  spop(key: RedisKey, count: RedisInteger): Promise<S[]>;
  /** SRANDMEMBER key: a random member, or `null` when the set does not exist. */
  srandmember(key: RedisKey): Promise<S | null>;
  /** SRANDMEMBER key count: distinct members (count > 0), or members with repeats (count < 0). */
  srandmember(key: RedisKey, count: RedisInteger): Promise<S[]>;
  /** SINTER key [key ...]: the intersection. */
  sinter(...keys: OneOrMore<RedisKey>): Promise<S[]>;
  /** SUNION key [key ...]: the union. */
  sunion(...keys: OneOrMore<RedisKey>): Promise<S[]>;
  /** SDIFF key [key ...]: the members of the first set that are in none of the others. */
  sdiff(...keys: OneOrMore<RedisKey>): Promise<S[]>;
  /** SINTERSTORE destination key [key ...]: the size of the stored intersection. */
  sinterstore(destination: RedisKey, ...keys: OneOrMore<RedisKey>): Promise<number>;
  /** SUNIONSTORE destination key [key ...]: the size of the stored union. */
  sunionstore(destination: RedisKey, ...keys: OneOrMore<RedisKey>): Promise<number>;
  /** SDIFFSTORE destination key [key ...]: the size of the stored difference. */
  sdiffstore(destination: RedisKey, ...keys: OneOrMore<RedisKey>): Promise<number>;
  /** SMOVE source destination member: 1 if moved, 0 if not a member of source. */
  smove(source: RedisKey, destination: RedisKey, member: RedisArg): Promise<number>;
  /** SSCAN key cursor [MATCH pattern] [COUNT count]: the next cursor and a batch of members. */
  sscan(key: RedisKey, cursor: RedisArg, ...options: KeyScanOptions): Promise<ScanReply<S>>;
}
