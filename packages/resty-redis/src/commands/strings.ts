/** Typed replies of the string and counter commands (RESP2). */
import type { RedisArg } from '../types.js';
import type { AnyOrder3, HasToken, OneOrMore, Optional, RedisInteger, RedisKey, RedisToken, StatusReply } from './reply-types.js';

type SetCondition = [RedisToken<'NX' | 'XX'>];
type SetGet = [RedisToken<'GET'>];
type SetExpiry = [RedisToken<'EX' | 'PX' | 'EXAT' | 'PXAT'>, RedisInteger] | [RedisToken<'KEEPTTL'>];

/** SET's options after key and value: a condition, GET and an expiry, each at most once, in any order. */
export type SetOptions = AnyOrder3<Optional<SetCondition>, Optional<SetGet>, Optional<SetExpiry>>;

/** SET's reply: the old value with GET; `null` when NX or XX stopped it; else `'OK'`. */
export type SetReply<S extends string | Buffer, O extends readonly unknown[]> =
  HasToken<O, 'GET'> extends true ? S | null : HasToken<O, 'NX' | 'XX'> extends true ? StatusReply<S, 'OK'> | null : StatusReply<S, 'OK'>;

/** GETEX's options: one expiry, or PERSIST. */
export type GetexOptions = [] | [RedisToken<'EX' | 'PX' | 'EXAT' | 'PXAT'>, RedisInteger] | [RedisToken<'PERSIST'>];

/** A float increment (INCRBYFLOAT, HINCRBYFLOAT). */
export type RedisFloat = number | `${number}`;

export interface StringCommands<S extends string | Buffer = string> {
  /** GET key: the value, or `null` when the key does not exist. */
  get(key: RedisKey): Promise<S | null>;
  /**
   * SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL]:
   * `'OK'`; `null` when NX or XX stopped it; with GET the old value (or `null`).
   * Options may come in any order: `set(k, v, 'EX', 10, 'NX')`.
   */
  set<const O extends SetOptions>(key: RedisKey, value: RedisArg, ...options: O): Promise<SetReply<S, O>>;
  /** SETNX key value: 1 if set, 0 if the key existed. */
  setnx(key: RedisKey, value: RedisArg): Promise<number>;
  /** SETEX key seconds value. */
  setex(key: RedisKey, seconds: RedisInteger, value: RedisArg): Promise<StatusReply<S, 'OK'>>;
  /** PSETEX key milliseconds value. */
  psetex(key: RedisKey, milliseconds: RedisInteger, value: RedisArg): Promise<StatusReply<S, 'OK'>>;
  /** MGET key [key ...]: each value, `null` where a key does not exist. */
  mget(...keys: OneOrMore<RedisKey>): Promise<(S | null)[]>;
  /** MSET key value [key value ...]. */
  mset(...keysAndValues: [RedisKey, RedisArg, ...RedisArg[]]): Promise<StatusReply<S, 'OK'>>;
  /** MSETNX key value [key value ...]: 1 if every key was set, 0 if none was (one existed). */
  msetnx(...keysAndValues: [RedisKey, RedisArg, ...RedisArg[]]): Promise<number>;
  /** GETDEL key: the value, deleted, or `null`. */
  getdel(key: RedisKey): Promise<S | null>;
  /** GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST]: the value, or `null`. */
  getex(key: RedisKey, ...options: GetexOptions): Promise<S | null>;
  /**
   * GETSET key value: the old value, or `null`.
   * @deprecated Since Redis 6.2.0: use SET with the GET option.
   */
  getset(key: RedisKey, value: RedisArg): Promise<S | null>;
  /** APPEND key value: the new length. */
  append(key: RedisKey, value: RedisArg): Promise<number>;
  /** STRLEN key: the length (0 when the key does not exist). */
  strlen(key: RedisKey): Promise<number>;
  /** GETRANGE key start end: the substring (`''` when out of range or missing). */
  getrange(key: RedisKey, start: RedisInteger, end: RedisInteger): Promise<S>;
  /** SETRANGE key offset value: the new length. */
  setrange(key: RedisKey, offset: RedisInteger, value: RedisArg): Promise<number>;
  /** INCR key: the new value. */
  incr(key: RedisKey): Promise<number>;
  /** DECR key: the new value. */
  decr(key: RedisKey): Promise<number>;
  /** INCRBY key increment: the new value. */
  incrby(key: RedisKey, increment: RedisInteger): Promise<number>;
  /** DECRBY key decrement: the new value. */
  decrby(key: RedisKey, decrement: RedisInteger): Promise<number>;
  /** INCRBYFLOAT key increment: the new value as Redis writes it (a bulk string, `'1.5'`). */
  incrbyfloat(key: RedisKey, increment: RedisFloat): Promise<S>;
}
