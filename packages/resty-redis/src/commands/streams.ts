/** Typed replies of the basic stream commands (RESP2). */
import type { RedisArg } from '../types.js';
import type { AnyOrder2, HasToken, OneOrMore, Optional, RedisInteger, RedisKey, RedisToken, StreamEntry, StreamsReply } from './reply-types.js';

type Count = [RedisToken<'COUNT'>, count: RedisInteger];

/** XADD's arguments after the key: [NOMKSTREAM] [MAXLEN | MINID [= | ~] threshold [LIMIT count]] id field value [field value ...]. */
export type XaddArgs = [RedisArg, RedisArg, RedisArg, ...RedisArg[]];

/** XADD's reply: the entry ID; `null` too when NOMKSTREAM is given and the stream does not exist. */
export type XaddReply<S extends string | Buffer, A extends readonly unknown[]> = HasToken<A, 'NOMKSTREAM'> extends true ? S | null : S;

/** XREAD's arguments: [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]. */
export type XreadArgs = [
  ...AnyOrder2<Optional<Count>, Optional<[RedisToken<'BLOCK'>, milliseconds: RedisInteger]>>,
  RedisToken<'STREAMS'>,
  key: RedisKey,
  ...keysAndIds: [RedisArg, ...RedisArg[]],
];

/** XTRIM's arguments after the key: MAXLEN | MINID [= | ~] threshold [LIMIT count]. */
export type XtrimArgs = [
  RedisToken<'MAXLEN' | 'MINID'>,
  ...Optional<[RedisToken<'=' | '~'>]>,
  threshold: RedisArg,
  ...Optional<[RedisToken<'LIMIT'>, RedisInteger]>,
];

export interface StreamCommands<S extends string | Buffer = string> {
  /**
   * XADD key [NOMKSTREAM] [MAXLEN | MINID [= | ~] threshold [LIMIT count]] id field value
   * [field value ...]: the new entry's ID (`'*'` lets Redis choose it); with NOMKSTREAM, `null`
   * when the stream does not exist.
   */
  xadd<const A extends XaddArgs>(key: RedisKey, ...args: A): Promise<XaddReply<S, A>>;
  /** XLEN key: the number of entries. */
  xlen(key: RedisKey): Promise<number>;
  /** XRANGE key start end [COUNT count]: the entries, oldest first (`'-'` and `'+'` for the ends). */
  xrange(key: RedisKey, start: RedisArg, end: RedisArg, ...count: Optional<Count>): Promise<StreamEntry<S>[]>;
  /** XREVRANGE key end start [COUNT count]: the entries, newest first. */
  xrevrange(key: RedisKey, end: RedisArg, start: RedisArg, ...count: Optional<Count>): Promise<StreamEntry<S>[]>;
  /** XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...]: per stream its new entries; `null` when none came. */
  xread(...args: XreadArgs): Promise<StreamsReply<S>>;
  /** XACK key group id [id ...]: the number of entries acknowledged. */
  xack(key: RedisKey, group: RedisArg, ...ids: OneOrMore<RedisArg>): Promise<number>;
  /** XDEL key id [id ...]: the number of entries deleted. */
  xdel(key: RedisKey, ...ids: OneOrMore<RedisArg>): Promise<number>;
  /** XTRIM key MAXLEN | MINID [= | ~] threshold [LIMIT count]: the number of entries deleted. */
  xtrim(key: RedisKey, ...args: XtrimArgs): Promise<number>;
}
