/**
 * The replies `TypedRedisCommands` types differently from what RESP2 sends, with the function
 * that converts each: a client whose methods are typed by `TypedRedisCommands` applies it to
 * the command's reply (by lower-case name). Only HGETALL: its flat field/value array becomes
 * the `Record<string, S>` that the issue and ioredis / node-redis users expect; every other typed
 * reply is the decoder's own value.
 */
import { arrayToHash } from '../hash.js';
import type { RedisReply } from '../types.js';

export const TYPED_REPLY_TRANSFORMS: ReadonlyMap<string, (reply: RedisReply) => unknown> = new Map([['hgetall', arrayToHash]]);
