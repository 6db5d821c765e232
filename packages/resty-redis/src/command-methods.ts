import { COMMAND_NAMES } from './commands.generated.js';
import { hmsetArgs } from './hash.js';
import type { RedisArg, RedisReply } from './types.js';

/** `call` and `hmset`: what every Redis client surface has beside the generated commands. */
export interface RedisCallMethods {
  /** Any command by name, sent as written (Redis is case-insensitive). */
  call(name: string, ...args: RedisArg[]): Promise<RedisReply>;
  /** HMSET with an object or Map of fields (insertion order), or flat field/value arguments. */
  hmset(key: RedisArg, fields: Record<string, RedisArg> | Map<RedisArg, RedisArg>): Promise<RedisReply>;
  hmset(key: RedisArg, ...fieldsAndValues: RedisArg[]): Promise<RedisReply>;
}

/** How a surface runs one command: `name` as written, `lower` its lower-case form. */
export type CommandSender<T> = (self: T, name: string, lower: string, args: readonly unknown[]) => Promise<RedisReply>;

/**
 * Installs one lower-case method per Redis command on a client prototype (lua-resty-redis's
 * `__index` table), plus `call` and `hmset`: each hands the command to `send`, and the surface
 * decides what running it means (send and read it, queue it, or enqueue it on a shared
 * connection). Methods the class defines itself are left alone.
 */
export function installCommandMethods<T extends object>(prototype: T, send: CommandSender<T>): void {
  const define = (name: string, value: (this: T, ...args: unknown[]) => Promise<RedisReply>): void => {
    if (Object.prototype.hasOwnProperty.call(prototype, name)) return;
    Object.defineProperty(prototype, name, { value, writable: true, configurable: true });
  };
  define('call', function (this: T, name: unknown, ...args: unknown[]) {
    return send(this, name as string, String(name).toLowerCase(), args);
  });
  define('hmset', function (this: T, key: unknown, ...rest: unknown[]) {
    return send(this, 'hmset', 'hmset', hmsetArgs(key, rest));
  });
  for (const name of COMMAND_NAMES) {
    define(name, function (this: T, ...args: unknown[]) {
      return send(this, name, name, args);
    });
  }
}
