import type { RedisReply } from './types.js';

/**
 * Pub/sub bookkeeping (spec §7, §11), driven by the server's confirmation frames rather than
 * by local counters, which fixes lua-resty-redis's counter drift: the channels, patterns and
 * shard channels subscribed are sets updated from each `[kind, name, count]` frame.
 */
export type SubscribeKind = 'subscribe' | 'psubscribe' | 'ssubscribe';
export type UnsubscribeKind = 'unsubscribe' | 'punsubscribe' | 'sunsubscribe';

/** Lower-case names of the commands routed through the pub/sub path. */
export const PUBSUB_COMMANDS: ReadonlySet<string> = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);

/** The set of names each confirmation kind adds to or removes from. */
const SET_OF: Record<string, 'channels' | 'patterns' | 'shards'> = {
  subscribe: 'channels',
  unsubscribe: 'channels',
  psubscribe: 'patterns',
  punsubscribe: 'patterns',
  ssubscribe: 'shards',
  sunsubscribe: 'shards',
};

/** Reply text as a string, whether the client returns strings or Buffers. */
export function text(value: RedisReply | undefined): string | null {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  return null;
}

/** `message`, `pmessage` and `smessage` frames: data, not a reply to anything we sent. */
export function isMessage(reply: RedisReply): boolean {
  if (!Array.isArray(reply) || reply.length < 3) return false;
  const kind = text(reply[0]);
  return kind === 'message' || kind === 'smessage' ? reply.length === 3 : kind === 'pmessage' && reply.length === 4;
}

export class Subscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shards = new Set<string>();
  /**
   * Set before SUBSCRIBE is sent (a reply may be lost to a timeout, yet the server may have
   * subscribed us), cleared when the sets say nothing is subscribed any more.
   */
  subscribed = false;
  /** Messages read while waiting for a reply to something else; `readReply` returns them first. */
  readonly messages: RedisReply[] = [];

  /** How many frames an (un)subscribe with these arguments gets back. */
  expectedFrames(kind: SubscribeKind | UnsubscribeKind, argCount: number): number {
    if (argCount > 0) return argCount;
    // No arguments: one frame per current member of the set, or a single [kind, nil, count].
    return Math.max(1, this[SET_OF[kind]!].size);
  }

  /** Applies a confirmation frame; returns whether it was one. */
  observe(frame: RedisReply): boolean {
    if (!Array.isArray(frame) || frame.length !== 3) return false;
    const kind = text(frame[0]);
    if (kind === null) return false;
    const set = SET_OF[kind];
    if (set === undefined) return false;
    const name = text(frame[1]);
    if (name !== null) {
      if (kind.endsWith('unsubscribe')) this[set].delete(name);
      else this[set].add(name);
    }
    this.subscribed = this.channels.size + this.patterns.size + this.shards.size > 0;
    return true;
  }

  /** RESET, or a new connection: nothing subscribed, nothing buffered. */
  clear(): void {
    this.channels.clear();
    this.patterns.clear();
    this.shards.clear();
    this.subscribed = false;
    this.messages.length = 0;
  }
}
