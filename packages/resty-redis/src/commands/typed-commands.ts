/**
 * `TypedRedisCommands<S>`: every Redis command as a lower-case method with a typed reply where
 * the hand-kept map has one (the families in this folder), and the generated argument types
 * with `Promise<RedisReply>` everywhere else. Types only: the runtime is the one command table
 * (`installCommandMethods`), which passes arguments through unchanged.
 */
import type { HashCommands } from './hashes.js';
import type { KeyCommands } from './keys.js';
import type { ListCommands } from './lists.js';
import type { ServerCommands } from './server.js';
import type { SetCommands } from './sets.js';
import type { SortedSetCommands } from './sorted-sets.js';
import type { StreamCommands } from './streams.js';
import type { StringCommands } from './strings.js';
import type { GeneratedRedisCommands } from './typed-commands.generated.js';

/** The commands whose replies are typed by hand. */
export interface HandTypedCommands<S extends string | Buffer = string>
  extends
    StringCommands<S>,
    KeyCommands<S>,
    HashCommands<S>,
    ListCommands<S>,
    SetCommands<S>,
    SortedSetCommands<S>,
    StreamCommands<S>,
    ServerCommands<S> {}

/**
 * Every Redis command as a typed method (RESP2 replies). `S` is the type of bulk and status
 * strings: `string` by default, `Buffer` for a client created with `returnBuffers: true`.
 * Integers are numbers, nil is `null`. HMSET is left out, as in `RedisCommands`: its object form
 * comes with `RedisCallMethods`.
 *
 * ```ts
 * const s: string | null = await client.get('k');
 * const h: Record<string, string> = await client.hgetall('h');
 * await client.set('k', 'v', 'EX', 10, 'NX'); // 'OK' | null
 * ```
 */
export interface TypedRedisCommands<S extends string | Buffer = string>
  extends Omit<GeneratedRedisCommands, keyof HandTypedCommands>, HandTypedCommands<S> {}
