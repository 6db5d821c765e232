/**
 * Typed replies of the sorted-set commands (RESP2). With WITHSCORES, RESP2 returns members and
 * scores alternating in one flat array (`MembersWithScores`), scores as bulk strings. Options
 * are typed in the order Redis documents them.
 */
import type { RedisArg } from '../types.js';
import type { KeyScanOptions } from './keys.js';
import type { RedisTimeout } from './lists.js';
import type {
  MembersWithScores,
  OneOrMore,
  Optional,
  RedisInteger,
  RedisKey,
  RedisScore,
  RedisScoreBound,
  RedisToken,
  ScanReply,
} from './reply-types.js';

type Limit = [RedisToken<'LIMIT'>, offset: RedisInteger, count: RedisInteger];
type WithScores = [RedisToken<'WITHSCORES'>];

/** ZADD's flags before the scores: [NX | XX] [GT | LT] [CH]. */
export type ZaddFlags = [...Optional<[RedisToken<'NX' | 'XX'>]>, ...Optional<[RedisToken<'GT' | 'LT'>]>, ...Optional<[RedisToken<'CH'>]>];

/** ZRANGE's options before WITHSCORES: [BYSCORE | BYLEX] [REV] [LIMIT offset count]. */
export type ZrangeOptions = [...Optional<[RedisToken<'BYSCORE' | 'BYLEX'>]>, ...Optional<[RedisToken<'REV'>]>, ...Optional<Limit>];

export interface SortedSetCommands<S extends string | Buffer = string> {
  /** ZADD key [NX | XX] [GT | LT] [CH] INCR score member: the new score, or `null` when a flag stopped it. */
  zadd(key: RedisKey, ...args: [...ZaddFlags, RedisToken<'INCR'>, score: RedisScore, member: RedisArg]): Promise<S | null>;
  /** ZADD key [NX | XX] [GT | LT] [CH] score member [score member ...]: the number added (changed, with CH). */
  zadd(key: RedisKey, ...args: [...ZaddFlags, score: RedisScore, member: RedisArg, ...scoresAndMembers: RedisArg[]]): Promise<number>;
  /**
   * ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] WITHSCORES: members and
   * scores alternating, `[member1, score1, member2, score2, ...]`.
   */
  zrange(key: RedisKey, start: RedisArg, stop: RedisArg, ...options: [...ZrangeOptions, ...WithScores]): Promise<MembersWithScores<S>>;
  /** ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count]: the members. */
  zrange(key: RedisKey, start: RedisArg, stop: RedisArg, ...options: ZrangeOptions): Promise<S[]>;
  /**
   * ZRANGEBYSCORE key min max WITHSCORES [LIMIT offset count]: members and scores alternating.
   * @deprecated Since Redis 6.2.0: use ZRANGE with BYSCORE.
   */
  zrangebyscore(
    key: RedisKey,
    min: RedisScoreBound,
    max: RedisScoreBound,
    ...options: [...WithScores, ...Optional<Limit>]
  ): Promise<MembersWithScores<S>>;
  /**
   * ZRANGEBYSCORE key min max [LIMIT offset count]: the members.
   * @deprecated Since Redis 6.2.0: use ZRANGE with BYSCORE.
   */
  zrangebyscore(key: RedisKey, min: RedisScoreBound, max: RedisScoreBound, ...options: Optional<Limit>): Promise<S[]>;
  /**
   * ZREVRANGEBYSCORE key max min WITHSCORES [LIMIT offset count]: members and scores alternating.
   * @deprecated Since Redis 6.2.0: use ZRANGE with BYSCORE and REV.
   */
  zrevrangebyscore(
    key: RedisKey,
    max: RedisScoreBound,
    min: RedisScoreBound,
    ...options: [...WithScores, ...Optional<Limit>]
  ): Promise<MembersWithScores<S>>;
  /**
   * ZREVRANGEBYSCORE key max min [LIMIT offset count]: the members, highest score first.
   * @deprecated Since Redis 6.2.0: use ZRANGE with BYSCORE and REV.
   */
  zrevrangebyscore(key: RedisKey, max: RedisScoreBound, min: RedisScoreBound, ...options: Optional<Limit>): Promise<S[]>;
  /**
   * ZREVRANGE key start stop WITHSCORES: members and scores alternating, highest score first.
   * @deprecated Since Redis 6.2.0: use ZRANGE with REV.
   */
  zrevrange(key: RedisKey, start: RedisInteger, stop: RedisInteger, withScores: RedisToken<'WITHSCORES'>): Promise<MembersWithScores<S>>;
  /**
   * ZREVRANGE key start stop: the members, highest score first.
   * @deprecated Since Redis 6.2.0: use ZRANGE with REV.
   */
  zrevrange(key: RedisKey, start: RedisInteger, stop: RedisInteger): Promise<S[]>;
  /** ZSCORE key member: the score (a bulk string, `'1.5'`), or `null`. */
  zscore(key: RedisKey, member: RedisArg): Promise<S | null>;
  /** ZMSCORE key member [member ...]: each score, `null` where not a member. */
  zmscore(key: RedisKey, ...members: OneOrMore<RedisArg>): Promise<(S | null)[]>;
  /** ZRANK key member: the rank (0 = lowest score), or `null` when not a member. */
  zrank(key: RedisKey, member: RedisArg): Promise<number | null>;
  /** ZREVRANK key member: the rank (0 = highest score), or `null` when not a member. */
  zrevrank(key: RedisKey, member: RedisArg): Promise<number | null>;
  /** ZREM key member [member ...]: the number removed. */
  zrem(key: RedisKey, ...members: OneOrMore<RedisArg>): Promise<number>;
  /** ZCARD key: the number of members. */
  zcard(key: RedisKey): Promise<number>;
  /** ZINCRBY key increment member: the new score (a bulk string). */
  zincrby(key: RedisKey, increment: RedisScore, member: RedisArg): Promise<S>;
  /** ZCOUNT key min max: the number of members with a score in the range. */
  zcount(key: RedisKey, min: RedisScoreBound, max: RedisScoreBound): Promise<number>;
  /** ZPOPMIN key [count]: the lowest members, removed, with their scores alternating. */
  zpopmin(key: RedisKey, count?: RedisInteger): Promise<MembersWithScores<S>>;
  /** ZPOPMAX key [count]: the highest members, removed, with their scores alternating. */
  zpopmax(key: RedisKey, count?: RedisInteger): Promise<MembersWithScores<S>>;
  /** BZPOPMIN key [key ...] timeout: `[key, member, score]`, or `null` on timeout. */
  bzpopmin(...keysAndTimeout: [RedisKey, ...RedisKey[], RedisTimeout]): Promise<[key: S, member: S, score: S] | null>;
  /** BZPOPMAX key [key ...] timeout: `[key, member, score]`, or `null` on timeout. */
  bzpopmax(...keysAndTimeout: [RedisKey, ...RedisKey[], RedisTimeout]): Promise<[key: S, member: S, score: S] | null>;
  /** ZSCAN key cursor [MATCH pattern] [COUNT count]: the next cursor and members and scores alternating. */
  zscan(key: RedisKey, cursor: RedisArg, ...options: KeyScanOptions): Promise<ScanReply<S>>;
}
