import { COMMANDS, type Build, type CommandEntry, type Exchange } from './table.js';
import type { MemcachedCommands, MemcachedPipelineCommands } from './methods.js';

/**
 * Installs one method per table command on a class prototype (as resty-redis installs its
 * generated table): each calls `call(instance, build, args)`, and the surface decides what
 * running an exchange means (send and read it, queue it, or enqueue it on a shared
 * connection). `surface` picks the client build (`run`) or the pipeline one (`queue`).
 */
export function installCommands<T extends object>(
  prototype: T,
  surface: 'run' | 'queue',
  call: (self: T, build: Build, args: unknown[]) => unknown,
): void {
  for (const [name, entry] of Object.entries(COMMANDS) as [string, CommandEntry][]) {
    const build = entry[surface];
    if (build === undefined) continue;
    const method = function (this: T, ...args: unknown[]): unknown {
      return call(this, build, args);
    };
    Object.defineProperty(method, 'name', { value: name });
    Object.defineProperty(prototype, name, { value: method, writable: true, configurable: true });
  }
}

/** Runs a build with the arguments a method received (their types are the method's typings). */
export function build(codec: Parameters<Build>[0], fn: Build, args: unknown[]): Exchange | null {
  return (fn as (codec: Parameters<Build>[0], ...args: unknown[]) => Exchange | null)(codec, ...args);
}

/**
 * A table command on any surface: bad arguments reject before anything is sent, no keys
 * resolve `{}` without I/O, and the built exchange goes to `send` (the surface's way out).
 */
export function runCommand(
  codec: Parameters<Build>[0],
  fn: Build,
  args: unknown[],
  send: (exchange: Exchange) => Promise<unknown>,
): Promise<unknown> {
  let exchange: Exchange | null;
  try {
    exchange = build(codec, fn, args);
  } catch (error) {
    return Promise.reject(error);
  }
  return exchange === null ? Promise.resolve({}) : send(exchange);
}

// The table and its typings name the same commands.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Queued = { [K in keyof typeof COMMANDS]: (typeof COMMANDS)[K] extends { queue: Build } ? K : never }[keyof typeof COMMANDS];
const tableMatchesTypings: [Same<keyof typeof COMMANDS, keyof MemcachedCommands>, Same<Queued, keyof MemcachedPipelineCommands>] = [true, true];
void tableMatchesTypings;
