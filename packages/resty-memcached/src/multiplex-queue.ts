import type { ReplyReader } from './protocol/reply-reader.js';

/** A queued command of a multiplexed connection: how to read its reply and whom to tell. */
export interface PendingCommand {
  /** Reads exactly this command's reply from the shared reader. */
  read(reader: ReplyReader): Promise<unknown>;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * The commands of a multiplexed connection in the order they were (or will be) written, so
 * replies, which memcached sends in that order, settle them front to back. An array with a
 * moving head: no Array#shift per reply, compacted once the dead prefix is large.
 */
export class PendingQueue {
  private items: (PendingCommand | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(p: PendingCommand): void {
    this.items.push(p);
  }

  /** The oldest entry, left in place; call only when `length > 0`. */
  peek(): PendingCommand {
    return this.items[this.head]!;
  }

  /** Removes and returns the oldest entry; call only when `length > 0`. */
  shift(): PendingCommand {
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
  drain(): PendingCommand[] {
    const out = this.items.slice(this.head) as PendingCommand[];
    this.items = [];
    this.head = 0;
    return out;
  }
}
