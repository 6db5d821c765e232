import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { channel } from 'node:diagnostics_channel';
import { logError } from './config.js';

/**
 * Request contexts and light threads: OpenResty's request, `ngx.ctx`, `ngx.thread.*` and
 * `ngx.timer.at`, on AsyncLocalStorage. A socket belongs to the context that connected it
 * (cosocket.md §2.2); when a context ends, every socket it left open is closed, never pooled.
 */

/** What a context needs from a socket to clean up after it. */
export interface ScopedSocket {
  /** Closes the connection without pooling it; `reason` is reported on the leak channel. */
  forceClose(reason: string): void;
  /** A short description for leak reports (pool name). */
  describe(): string;
}

export class RequestContext {
  readonly data: Record<string | symbol, unknown> = {};
  /** Sockets connected in this context and still open. */
  readonly sockets = new Set<ScopedSocket>();
  /** Light threads spawned in this context that have not ended. */
  readonly running = new Set<LightThread<unknown>>();
  /** Connections handed out by `named`, to release when the context ends. */
  readonly named: Releasable[] = [];
  ended = false;
}

/** The async frame: which context, and which light thread of it (null = the main one). */
interface Frame {
  context: RequestContext;
  thread: LightThread<unknown> | null;
  names: Map<string, Promise<unknown>>;
}

const storage = new AsyncLocalStorage<Frame>();
/** Created at module load, outside any context (and outside every other AsyncLocalStorage's store too). */
const DETACHED = new AsyncResource('cosocket:detached');

/**
 * Runs `fn` outside every request context: sockets it connects, and the async work it starts,
 * belong to no request (a `withContext` that ends never closes them). For connections a client
 * owns for good: a multiplexer's, a subscriber's.
 */
export function runDetached<T>(fn: () => T): T {
  return DETACHED.runInAsyncScope(fn);
}

/** The context of the running code, if any. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore()?.context;
}

/** Registers a socket connected in the current context (and thread, so `kill` can close it). */
export function registerSocket(socket: ScopedSocket): RequestContext | undefined {
  const frame = storage.getStore();
  if (frame === undefined) return undefined;
  frame.context.sockets.add(socket);
  frame.thread?.sockets.add(socket);
  return frame.context;
}

export function unregisterSocket(context: RequestContext | undefined, socket: ScopedSocket): void {
  context?.sockets.delete(socket);
}

/** Diagnostics channel reporting each socket a context left open (it is closed for you). */
export const LEAK_CHANNEL = 'cosocket:leak';
const leakChannel = channel(LEAK_CHANNEL);

/** Runs `fn` in a new request context; resolves once `fn` and all its light threads ended. */
export async function withContext<T>(fn: () => T | Promise<T>): Promise<T> {
  const context = new RequestContext();
  const frame: Frame = { context, thread: null, names: new Map() };
  let result: T;
  try {
    result = await storage.run(frame, fn);
    while (context.running.size > 0) {
      await Promise.allSettled([...context.running].map((t) => t.settled));
    }
  } catch (error) {
    for (const thread of [...context.running]) kill(thread);
    await storage.run(frame, () => endContext(context));
    throw error;
  }
  // Cleanup runs inside the context: its sockets refuse calls from anywhere else.
  await storage.run(frame, () => endContext(context));
  return result;
}

async function endContext(context: RequestContext): Promise<void> {
  context.ended = true;
  for (const conn of context.named.splice(0)) {
    try {
      await conn.setKeepalive();
    } catch {
      try {
        await conn.close();
      } catch {
        // Already closed: nothing left to release.
      }
    }
  }
  for (const socket of [...context.sockets]) {
    if (leakChannel.hasSubscribers) leakChannel.publish({ socket: socket.describe() });
    socket.forceClose('context ended');
  }
  context.sockets.clear();
}

/** The current context's own plain object (`ngx.ctx`). */
export function ctx<T extends object = Record<string, unknown>>(): T {
  const frame = storage.getStore();
  if (frame === undefined) throw new Error('ctx() called outside a request context (use withContext or timerAt)');
  return frame.context.data as T;
}

/**
 * A light thread's state: `running` while its function runs, `zombie` once it has returned but
 * nobody has waited for it yet, `dead` once waited for (`await`, `wait`, `waitAll`), `killed`
 * after `kill`.
 */
export type ThreadStatus = 'running' | 'zombie' | 'dead' | 'killed';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

let nextThreadId = 1;

/** A light thread (`ngx.thread.spawn`): awaitable, with an id and a status. */
export class LightThread<T> implements PromiseLike<T> {
  /** Unique id of this thread within the process. */
  readonly id = nextThreadId++;
  /** See `ThreadStatus`. */
  status: ThreadStatus = 'running';
  /** @internal The request context the thread runs in. */
  readonly context: RequestContext;
  /** Sockets this thread connected; `kill` closes them, as killing a blocked coroutine does. */
  readonly sockets = new Set<ScopedSocket>();
  /** Settles when the thread ends; never rejects. */
  readonly settled: Promise<Outcome<T>>;

  constructor(context: RequestContext, run: (thread: LightThread<T>) => Promise<T>) {
    this.context = context;
    // Registered before the body starts: it runs synchronously and may end before run returns.
    context.running.add(this);
    this.settled = run(this).then(
      (value): Outcome<T> => ({ ok: true, value }),
      (error: unknown): Outcome<T> => ({ ok: false, error }),
    );
  }

  /** Waiting on a thread collects its result, as `ngx.thread.wait` does. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return collect(this).then(onFulfilled, onRejected);
  }
}

async function collect<T>(thread: LightThread<T>): Promise<T> {
  if (thread.status === 'killed') throw new Error(`light thread ${thread.id} was killed`);
  const outcome = await thread.settled;
  // kill() may have run while we awaited.
  if ((thread.status as ThreadStatus) !== 'killed') thread.status = 'dead';
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}

/** Starts `fn` as a light thread of the current context. */
export function spawn<A extends unknown[], T>(fn: (...args: A) => T | Promise<T>, ...args: A): LightThread<T> {
  const parent = storage.getStore();
  if (parent === undefined) throw new Error('spawn() called outside a request context');
  const context = parent.context;
  // Like ngx.thread.spawn, the body runs now, up to its first await, before spawn returns.
  return new LightThread<T>(context, async (self) => {
    const frame: Frame = { context, thread: self, names: new Map() };
    try {
      return await storage.run(frame, () => fn(...args));
    } finally {
      context.running.delete(self);
      if (self.status === 'running') self.status = 'zombie';
    }
  });
}

/** The value type of each light thread in a tuple, like `Awaited` is for `Promise.all`. */
export type ThreadValues<Threads extends readonly LightThread<unknown>[]> = {
  -readonly [K in keyof Threads]: Threads[K] extends LightThread<infer V> ? V : never;
};

/** Settles with the first of `threads` to finish: its value, or its error thrown. */
export async function wait<const Threads extends readonly LightThread<unknown>[]>(...threads: Threads): Promise<ThreadValues<Threads>[number]> {
  if (threads.length === 0) throw new TypeError('wait() needs at least one light thread');
  // Wrapped in an object: a LightThread is thenable, so returning it bare would await it.
  const winner = await Promise.race(threads.map((t) => t.settled.then(() => ({ t }))));
  return collect(winner.t) as Promise<ThreadValues<Threads>[number]>;
}

/**
 * Waits for every thread; resolves with their values, typed per position like `Promise.all`,
 * or throws the first error by position.
 */
export async function waitAll<const Threads extends readonly LightThread<unknown>[]>(...threads: Threads): Promise<ThreadValues<Threads>> {
  const outcomes = await Promise.all(threads.map((t) => t.settled));
  for (const t of threads) if (t.status !== 'killed') t.status = 'dead';
  const values: unknown[] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) throw outcome.error;
    values.push(outcome.value);
  }
  return values as ThreadValues<Threads>;
}

/** Stops a thread that has not finished: true; false when it already ended. */
export function kill(thread: LightThread<unknown>): boolean {
  if (thread.status !== 'running') return false;
  thread.status = 'killed';
  // The body may still be awaiting something; closing its sockets makes those reads fail,
  // and its context stops waiting for it.
  for (const socket of thread.sockets) socket.forceClose('light thread killed');
  thread.sockets.clear();
  thread.context.running.delete(thread);
  return true;
}

/** What `timerAt` returns. */
export interface TimerHandle {
  /** Cancels the timer if it has not fired: true; false otherwise. */
  cancel(): boolean;
}

/** Runs `fn` after `delayMs` in a fresh, detached context (`ngx.timer.at`). */
export function timerAt<A extends unknown[]>(delayMs: number, fn: (...args: A) => unknown, ...args: A): TimerHandle {
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`bad delay value: ${String(delayMs)}`);
  }
  let fired = false;
  // Run the callback outside the caller's context so it never inherits the request.
  const timer = storage.exit(() =>
    setTimeout(() => {
      fired = true;
      withContext(() => fn(...args)).catch((error: unknown) => logError('timer callback failed', error));
    }, delayMs),
  );
  return {
    cancel(): boolean {
      if (fired) return false;
      clearTimeout(timer);
      fired = true;
      return true;
    },
  };
}

/** Anything `named` can manage: the three clients and raw sockets. */
export interface Releasable {
  /** Returns the connection to its pool (called when the context ends). */
  setKeepalive(...args: never[]): Promise<unknown>;
  /** Closes the connection (called when `setKeepalive` fails). */
  close(): Promise<unknown>;
}

/**
 * The per-name connection registry: within one context and one light thread, `name` yields one
 * connection (made by `open()` the first time); another light thread gets its own. When the
 * context ends each goes back with `setKeepalive()`, or is closed if that fails.
 */
export function named<T extends Releasable>(name: string, open: () => T | Promise<T>): Promise<T> {
  const frame = storage.getStore();
  if (frame === undefined) throw new Error('named() called outside a request context');
  const existing = frame.names.get(name);
  if (existing !== undefined) return existing as Promise<T>;
  const opening = Promise.resolve().then(open);
  frame.names.set(name, opening);
  opening.then(
    (conn) => frame.context.named.push(conn),
    () => frame.names.delete(name),
  );
  return opening;
}
