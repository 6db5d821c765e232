import { PUBSUB_COMMANDS } from '../pubsub.js';
import { refusal, word } from '../multiplex-rules.js';

/**
 * Where the client runs a command:
 * - `mux`: the shared multiplexed connection (auto-pipelined with every other caller's);
 * - `lease`: a pooled connection of its own for the one command (blocking commands, WAIT, ...:
 *   whatever would stall or disturb the shared connection but is complete as one command);
 * - `{ refused }`: the command only makes sense on a session the caller holds (SELECT, MULTI,
 *   WATCH, SUBSCRIBE, ...); it is refused with this advice.
 *
 * Measured (bench/README.md, "client serial GET"): one caller doing one GET at a time is as fast
 * on the multiplexed connection as on a leased pooled one, and many callers are much faster
 * there, so every command the multiplexer takes goes there.
 */
export type Route = 'mux' | 'lease' | { refused: string };

const USE_MULTI = 'use client.multi()...exec(), or client.withConnection() for WATCH';
const USE_WITH_CONNECTION = 'use client.withConnection(async (red) => ...), whose connection is closed afterwards instead of pooled';
const USE_SUBSCRIBE = 'use client.subscribe(channel, listener) / client.psubscribe(pattern, listener), and unsubscribe() on what they resolve';

const SESSION_ONLY: Record<string, string> = {
  select:
    'every connection of the client is on the database of its options (database, or the /db of the URL): create a client per database, or SELECT inside client.withConnection()',
  multi: USE_MULTI,
  exec: USE_MULTI,
  discard: USE_MULTI,
  watch: 'WATCH needs one connection until EXEC: use client.withConnection(async (red) => { await red.watch(key); ... })',
  unwatch: 'WATCH needs one connection until EXEC: use client.withConnection()',
  subscribe: USE_SUBSCRIBE,
  psubscribe: USE_SUBSCRIBE,
  unsubscribe: USE_SUBSCRIBE,
  punsubscribe: USE_SUBSCRIBE,
  ssubscribe: `sharded pub/sub is not part of the client yet: ${USE_WITH_CONNECTION}`,
  sunsubscribe: `sharded pub/sub is not part of the client yet: ${USE_WITH_CONNECTION}`,
  monitor: USE_WITH_CONNECTION,
  quit: 'use client.close()',
  auth: 'the identity is fixed by the client options (username, password): create another client for another user',
  hello: 'the protocol and identity are fixed by the client options (protocol, username, password)',
  reset: `it drops the connection state the client set up: ${USE_WITH_CONNECTION}`,
};

/** CLIENT subcommands that change the state of the connection they run on. */
const SESSION_CLIENT_SUBCOMMANDS = new Set(['setname', 'tracking', 'reply', 'caching', 'no-evict', 'no-touch', 'setinfo']);

/** Commands whose route depends on their arguments (a BLOCK option, a CLIENT subcommand). */
const ARGUMENT_ROUTED = new Set(['client', 'xread', 'xreadgroup']);
/** Routes by command name, found once (bounded: `call` may name anything). */
const ROUTES = new Map<string, Route>();

/** The route of command `lower` (lower case) with `args`. */
export function routeOf(lower: string, args: readonly unknown[]): Route {
  if (ARGUMENT_ROUTED.has(lower)) return findRoute(lower, args);
  let route = ROUTES.get(lower);
  if (route === undefined) {
    route = findRoute(lower, args);
    if (ROUTES.size < 1024) ROUTES.set(lower, route);
  }
  return route;
}

function findRoute(lower: string, args: readonly unknown[]): Route {
  if (refusal(lower, args) === null) return 'mux';
  const advice = SESSION_ONLY[lower];
  if (advice !== undefined) return { refused: advice };
  if (PUBSUB_COMMANDS.has(lower)) return { refused: USE_SUBSCRIBE };
  const sub = lower === 'client' ? word(args[0]) : '';
  if (SESSION_CLIENT_SUBCOMMANDS.has(sub))
    return { refused: `CLIENT ${sub.toUpperCase()} changes the connection it runs on: ${USE_WITH_CONNECTION}` };
  return 'lease';
}

/** The most a read timeout may be (cosocket's bound): "wait for ever" in practice. */
export const FOREVER = 2 ** 31 - 1;

/**
 * The read timeout for a blocking command on a leased connection: the time the command may
 * block (from its own arguments) plus `margin`, so BLPOP 30 with a 5 s command timeout waits 35 s,
 * and a block time of 0 (for ever) never times out locally. Undefined for other commands.
 */
export function blockingReadTimeout(lower: string, args: readonly unknown[], margin: number): number | undefined {
  const blockMs = blockTime(lower, args);
  if (blockMs === undefined) return undefined;
  if (blockMs === 0) return FOREVER;
  return Math.min(FOREVER, Math.ceil(blockMs) + margin);
}

/** How long (ms) the command may block, 0 for ever, undefined when it does not block or says nothing readable. */
function blockTime(lower: string, args: readonly unknown[]): number | undefined {
  switch (lower) {
    case 'blpop':
    case 'brpop':
    case 'brpoplpush':
    case 'blmove':
    case 'bzpopmin':
    case 'bzpopmax':
      return seconds(args[args.length - 1]);
    case 'blmpop':
    case 'bzmpop':
      return seconds(args[0]);
    case 'xread':
    case 'xreadgroup': {
      const at = args.findIndex((a) => word(a) === 'block');
      return at === -1 ? undefined : millis(args[at + 1]);
    }
    case 'wait':
      return millis(args[1]);
    case 'waitaof':
      return millis(args[2]);
    default:
      return undefined;
  }
}

function seconds(arg: unknown): number | undefined {
  const n = millis(arg);
  return n === undefined ? undefined : n * 1000;
}

function millis(arg: unknown): number | undefined {
  const n = typeof arg === 'number' ? arg : typeof arg === 'string' || typeof arg === 'bigint' ? Number(arg) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
