/** Typed replies of the list commands (RESP2). */
import type { RedisArg } from '../types.js';
import type { OneOrMore, RedisInteger, RedisKey, RedisToken, StatusReply } from './reply-types.js';

/** A blocking command's timeout in seconds (0 waits for ever; fractions allowed). */
export type RedisTimeout = number | `${number}`;

/** Which end of a list. */
export type ListEnd = RedisToken<'LEFT' | 'RIGHT'>;

export interface ListCommands<S extends string | Buffer = string> {
  /** LPUSH key element [element ...]: the new length. */
  lpush(key: RedisKey, ...elements: OneOrMore<RedisArg>): Promise<number>;
  /** RPUSH key element [element ...]: the new length. */
  rpush(key: RedisKey, ...elements: OneOrMore<RedisArg>): Promise<number>;
  /** LPUSHX key element [element ...]: the new length; 0 (nothing pushed) when the key does not exist. */
  lpushx(key: RedisKey, ...elements: OneOrMore<RedisArg>): Promise<number>;
  /** RPUSHX key element [element ...]: the new length; 0 (nothing pushed) when the key does not exist. */
  rpushx(key: RedisKey, ...elements: OneOrMore<RedisArg>): Promise<number>;
  /** LPOP key: the first element, or `null` when the list does not exist. */
  lpop(key: RedisKey): Promise<S | null>;
  /** LPOP key count: up to count elements, or `null` when the list does not exist. */
  lpop(key: RedisKey, count: RedisInteger): Promise<S[] | null>;
  /** RPOP key: the last element, or `null` when the list does not exist. */
  rpop(key: RedisKey): Promise<S | null>;
  /** RPOP key count: up to count elements, or `null` when the list does not exist. */
  rpop(key: RedisKey, count: RedisInteger): Promise<S[] | null>;
  /** LRANGE key start stop: the elements (inclusive; negative counts from the end). */
  lrange(key: RedisKey, start: RedisInteger, stop: RedisInteger): Promise<S[]>;
  /** LLEN key: the length (0 when the key does not exist). */
  llen(key: RedisKey): Promise<number>;
  /** LINDEX key index: the element, or `null` when out of range. */
  lindex(key: RedisKey, index: RedisInteger): Promise<S | null>;
  /** LSET key index element (an error reply when out of range or missing). */
  lset(key: RedisKey, index: RedisInteger, element: RedisArg): Promise<StatusReply<S, 'OK'>>;
  /** LREM key count element: the number removed (count > 0 from the head, < 0 from the tail, 0 all). */
  lrem(key: RedisKey, count: RedisInteger, element: RedisArg): Promise<number>;
  /** LTRIM key start stop. */
  ltrim(key: RedisKey, start: RedisInteger, stop: RedisInteger): Promise<StatusReply<S, 'OK'>>;
  /** LINSERT key BEFORE | AFTER pivot element: the new length, -1 without the pivot, 0 when missing. */
  linsert(key: RedisKey, where: RedisToken<'BEFORE' | 'AFTER'>, pivot: RedisArg, element: RedisArg): Promise<number>;
  /** BLPOP key [key ...] timeout: `[key, element]`, or `null` on timeout. */
  blpop(...keysAndTimeout: [RedisKey, ...RedisKey[], RedisTimeout]): Promise<[key: S, element: S] | null>;
  /** BRPOP key [key ...] timeout: `[key, element]`, or `null` on timeout. */
  brpop(...keysAndTimeout: [RedisKey, ...RedisKey[], RedisTimeout]): Promise<[key: S, element: S] | null>;
  /** LMOVE source destination LEFT | RIGHT LEFT | RIGHT: the element moved, or `null` when source is empty. */
  lmove(source: RedisKey, destination: RedisKey, wherefrom: ListEnd, whereto: ListEnd): Promise<S | null>;
  /** BLMOVE source destination LEFT | RIGHT LEFT | RIGHT timeout: the element moved, or `null` on timeout. */
  blmove(source: RedisKey, destination: RedisKey, wherefrom: ListEnd, whereto: ListEnd, timeout: RedisTimeout): Promise<S | null>;
  /**
   * RPOPLPUSH source destination: the element moved, or `null`.
   * @deprecated Since Redis 6.2.0: use LMOVE with RIGHT LEFT.
   */
  rpoplpush(source: RedisKey, destination: RedisKey): Promise<S | null>;
  /**
   * BRPOPLPUSH source destination timeout: the element moved, or `null` on timeout.
   * @deprecated Since Redis 6.2.0: use BLMOVE with RIGHT LEFT.
   */
  brpoplpush(source: RedisKey, destination: RedisKey, timeout: RedisTimeout): Promise<S | null>;
}
