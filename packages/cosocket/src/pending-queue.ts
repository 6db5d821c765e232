/**
 * A FIFO for the commands of a multiplexed connection, in the order they were (or will be)
 * written, so replies, which the server sends in that order, settle them front to back. An
 * array with a moving head: no Array#shift per reply (O(n) once the queue is long), compacted
 * once the dead prefix is large.
 */
export class PendingQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest entry, left in place; call only when `length > 0`. */
  peek(): T {
    return this.items[this.head]!;
  }

  /** Removes and returns the oldest entry; call only when `length > 0`. */
  shift(): T {
    const items = this.items;
    const item = items[this.head]!;
    items[this.head++] = undefined;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= items.length) {
      items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes every entry and returns them, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return out;
  }
}
