import type { RedisReply } from './types.js';

/** How a queued command's caller is told its outcome. */
export interface Pending {
  resolve(reply: RedisReply): void;
  reject(error: unknown): void;
}

/**
 * The commands of a multiplexed connection in the order they were (or will be) written, so
 * replies, which Redis sends in that order, settle them front to back. An array with a moving
 * head: no Array#shift per reply, compacted once the dead prefix is large.
 */
export class PendingQueue {
  private items: (Pending | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(p: Pending): void {
    this.items.push(p);
  }

  /** The oldest entry; call only when `length > 0`. */
  shift(): Pending {
    const items = this.items;
    const p = items[this.head]!;
    items[this.head++] = undefined;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= items.length) {
      items.splice(0, this.head);
      this.head = 0;
    }
    return p;
  }

  /** Removes every entry and returns them, oldest first. */
  drain(): Pending[] {
    const out = this.items.slice(this.head) as Pending[];
    this.items = [];
    this.head = 0;
    return out;
  }
}
