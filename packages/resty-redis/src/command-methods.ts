import { COMMAND_NAMES } from './commands.generated.js';
import type { RedisArg, RedisReply } from './types.js';

/**
 * Installs one lower-case method per Redis command on a client prototype (lua-resty-redis's
 * `__index` table): each calls `send(name, args)` on the instance. Methods the class defines
 * itself (hmset, ...) are left alone.
 */
export function installCommandMethods<T extends object>(
  prototype: T,
  send: (self: T, name: string, args: RedisArg[]) => Promise<RedisReply>,
): void {
  for (const name of COMMAND_NAMES) {
    if (Object.prototype.hasOwnProperty.call(prototype, name)) continue;
    Object.defineProperty(prototype, name, {
      value: function (this: T, ...args: RedisArg[]): Promise<RedisReply> {
        return send(this, name, args);
      },
      writable: true,
      configurable: true,
    });
  }
}
