import { describe, expect, it } from 'vitest';
import { PendingQueue, type PendingCommand } from '../src/multiplex-queue.js';

function entry(id: number): PendingCommand & { id: number } {
  return { id, read: async () => id, resolve: () => undefined, reject: () => undefined };
}

describe('multiplex PendingQueue', () => {
  it('keeps wire order through peek, shift and compaction', () => {
    const q = new PendingQueue();
    for (let i = 0; i < 5000; i++) q.push(entry(i));
    for (let i = 0; i < 3000; i++) {
      expect((q.peek() as ReturnType<typeof entry>).id).toBe(i);
      expect((q.shift() as ReturnType<typeof entry>).id).toBe(i);
      if (i % 7 === 0) q.push(entry(5000 + i));
    }
    expect(q.length).toBe(2000 + Math.floor(2999 / 7) + 1);
    const rest = q.drain().map((p) => (p as ReturnType<typeof entry>).id);
    expect(rest.slice(0, 3)).toEqual([3000, 3001, 3002]);
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
    expect(q.length).toBe(0);
  });

  it('resets when emptied, and drains to nothing when empty', () => {
    const q = new PendingQueue();
    q.push(entry(1));
    q.shift();
    expect(q.length).toBe(0);
    expect(q.drain()).toEqual([]);
    q.push(entry(2));
    expect((q.peek() as ReturnType<typeof entry>).id).toBe(2);
  });
});
