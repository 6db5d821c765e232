/**
 * The replies `TypedRedisCommands` types differently from what RESP2 sends, with the function
 * that converts each. Only HGETALL: its flat field/value array becomes the `Record<string, S>`
 * that the issue and ioredis / node-redis users expect; every other typed reply is the decoder's
 * own value.
 */
import type { CommandSender } from '../command-methods.js';
import { arrayToHash } from '../hash.js';
import type { RedisReply } from '../types.js';

export const TYPED_REPLY_TRANSFORMS: ReadonlyMap<string, (reply: RedisReply) => unknown> = new Map([['hgetall', arrayToHash]]);

/**
 * Defines on a client prototype the methods whose typed reply is converted (HGETALL): each sends
 * through `send`, as `installCommandMethods` does, and converts the reply. Call it before
 * `installCommandMethods`, which leaves methods already defined alone; `call('HGETALL', k)`
 * stays raw, as its `RedisReply` type says.
 */
export function installTypedReplyMethods<T extends object>(prototype: T, send: CommandSender<T>): void {
  for (const [name, transform] of TYPED_REPLY_TRANSFORMS) {
    if (Object.prototype.hasOwnProperty.call(prototype, name)) continue;
    const value = async function (this: T, ...args: unknown[]): Promise<unknown> {
      return transform(await send(this, name, name, args));
    };
    Object.defineProperty(prototype, name, { value, writable: true, configurable: true });
  }
}
