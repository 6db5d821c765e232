import { BLOCKING_COMMANDS } from './commands.generated.js';
import { PUBSUB_COMMANDS } from './pubsub.js';

/**
 * Which commands a multiplexed connection refuses, and why.
 *
 * A multiplexed connection is shared by every caller at once, so it must stay in the state it
 * was connected in: anything that changes session state (database, transaction, identity,
 * subscriptions, reply mode) would leak into the other callers' commands, and anything that
 * blocks the server-side connection would stall every caller queued behind it. Such commands
 * belong on a connection of their own (`Redis` with the keepalive pool).
 */
const REASONS: Record<string, string> = {
  select: 'the database is fixed by connect({ database })',
  multi: 'a transaction needs a connection of its own (use Redis)',
  exec: 'a transaction needs a connection of its own (use Redis)',
  discard: 'a transaction needs a connection of its own (use Redis)',
  watch: 'a transaction needs a connection of its own (use Redis)',
  unwatch: 'a transaction needs a connection of its own (use Redis)',
  auth: 'the identity is fixed by connect({ username, password })',
  hello: 'the protocol and identity are fixed at connect',
  reset: 'it resets the state every caller shares',
  quit: 'use close()',
  monitor: 'it turns the connection into a stream of pushes (use Redis)',
  wait: 'it blocks every caller queued behind it (use Redis)',
  waitaof: 'it blocks every caller queued behind it (use Redis)',
};

/** CLIENT subcommands whose effect outlives one command and would reach the other callers. */
const CLIENT_SUBCOMMANDS = new Set(['setname', 'tracking', 'reply', 'no-evict', 'no-touch', 'caching', 'setinfo', 'pause', 'unpause']);

/**
 * Why `lower` (a lower-case command name) with `args` cannot run on a shared connection, or
 * null when it can.
 */
export function refusal(lower: string, args: readonly unknown[]): string | null {
  const reason = REASONS[lower];
  if (reason !== undefined) return reason;
  if (PUBSUB_COMMANDS.has(lower)) return 'subscriptions need a connection of their own (use Redis)';
  if (BLOCKING_COMMANDS.has(lower)) {
    // XREAD/XREADGROUP block only with a BLOCK option.
    if ((lower === 'xread' || lower === 'xreadgroup') && !args.some((a) => word(a) === 'block')) return null;
    return 'it blocks every caller queued behind it (use Redis)';
  }
  const sub = lower === 'client' ? word(args[0]) : '';
  if (CLIENT_SUBCOMMANDS.has(sub)) return `CLIENT ${sub.toUpperCase()} changes state every caller shares`;
  return null;
}

/** An argument as lower-case text (Buffers included), '' for numbers and others. */
export function word(arg: unknown): string {
  if (typeof arg === 'string') return arg.toLowerCase();
  if (arg instanceof Uint8Array && arg.length <= 16) return Buffer.from(arg.buffer, arg.byteOffset, arg.length).toString('latin1').toLowerCase();
  return '';
}
