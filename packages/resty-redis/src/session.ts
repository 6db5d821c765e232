import { keepsConnection } from 'cosocket';
import { encodeCommand, RequestBuilder } from './encoder.js';
import type { RedisReply } from './types.js';

/**
 * The server-side state a connection accumulates, tracked from the commands sent and their
 * replies, so `setKeepalive` can undo it (or refuse to pool) instead of handing the next user a
 * connection on another database, inside a MULTI, or with someone else's identity
 * (lua-resty-redis issues #176, #212, #53, #122).
 */
export class SessionState {
  /** The database SELECTed at connect time; pooled connections must be back on it. */
  connectDb = 0;
  /** The database the connection is on now; -1 when unknown (SELECT queued in a MULTI). */
  currentDb = 0;
  /** Between a successful MULTI and EXEC/DISCARD. */
  inMulti = false;
  /** After a successful WATCH, until EXEC/DISCARD/UNWATCH. */
  watching = false;
  /** Connect-time credentials were used (so RESET falls back to another identity). */
  authenticated = false;
  /**
   * Why the connection must not be pooled even after the resets above (MONITOR,
   * CLIENT REPLY/TRACKING/SETNAME ...), or null.
   */
  taint: string | null = null;
  /**
   * AUTH / HELLO AUTH / RESET changed the identity the default pool name was derived from:
   * the connection is pooled only under a caller-chosen pool name.
   */
  identityChanged = false;

  /** A fresh or freshly pooled connection: on `database`, no transaction, no watch. */
  begin(database: number, authenticated: boolean): void {
    this.connectDb = this.currentDb = database;
    this.inMulti = this.watching = false;
    this.authenticated = authenticated;
    this.taint = null;
    this.identityChanged = false;
  }

  /** Whether the connection needs DISCARD / UNWATCH / SELECT before it can be pooled. */
  get dirty(): boolean {
    return this.inMulti || this.watching || this.currentDb !== this.connectDb;
  }

  /** The commands that undo the session's changes before pooling: DISCARD or UNWATCH, SELECT back. */
  resetRequest(): RequestBuilder {
    const request = new RequestBuilder();
    if (this.inMulti) request.add(encodeCommand('DISCARD', []));
    else if (this.watching) request.add(encodeCommand('UNWATCH', []));
    if (this.currentDb !== this.connectDb) request.add(encodeCommand('SELECT', [this.connectDb]));
    return request;
  }

  /**
   * Updates the state after `name` (lower case) got `reply` (a RedisReplyError for an error
   * reply). Returns true when the command was RESET, whose caller clears pub/sub state too.
   */
  observe(name: string, args: readonly unknown[], reply: RedisReply): boolean {
    // An error reply read whole: the command failed and changed nothing.
    const failed = keepsConnection(reply);
    switch (name) {
      case 'select':
        if (this.inMulti) this.currentDb = -1;
        else if (!failed) this.currentDb = Number(args[0]);
        return false;
      case 'multi':
        if (!failed) this.inMulti = true;
        return false;
      case 'exec':
      case 'discard':
        // The transaction is over whatever the reply (EXECABORT discards it too).
        if (this.inMulti || !failed) this.inMulti = this.watching = false;
        return false;
      case 'watch':
        if (!failed && !this.inMulti) this.watching = true;
        return false;
      case 'unwatch':
        if (!failed && !this.inMulti) this.watching = false;
        return false;
      case 'reset':
        this.currentDb = 0;
        this.inMulti = this.watching = false;
        if (this.authenticated) this.identityChanged = true;
        return true;
      case 'auth':
        if (!failed) this.identityChanged = true;
        return false;
      case 'hello':
        if (!failed && args.some((a) => String(a).toLowerCase() === 'auth')) this.identityChanged = true;
        return false;
      case 'monitor':
        if (!failed) this.taint = 'MONITOR';
        return false;
      case 'client':
        if (!failed && TAINTING_CLIENT_SUBCOMMANDS.has(String(args[0]).toLowerCase())) {
          this.taint ??= `CLIENT ${String(args[0]).toUpperCase()}`;
        }
        return false;
      default:
        return false;
    }
  }
}

/** CLIENT subcommands whose effect outlives the session and cannot be undone cheaply. */
const TAINTING_CLIENT_SUBCOMMANDS = new Set(['setname', 'tracking', 'reply', 'no-evict', 'no-touch', 'caching', 'setinfo']);

/** Lower-case command names `observe` cares about; others skip the call entirely. */
export const OBSERVED_COMMANDS: ReadonlySet<string> = new Set([
  'select',
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'reset',
  'auth',
  'hello',
  'monitor',
  'client',
  'quit',
]);
