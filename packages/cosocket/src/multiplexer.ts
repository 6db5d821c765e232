/**
 * One connection shared by any number of concurrent callers: OpenResty's answer for a cosocket
 * shared by many coroutines is one coroutine that owns the socket. Here a writer sends
 * everything queued as one batch (one writev) and a reader reads replies in wire order, each
 * with the reader its command supplied, and settles the callers front to back. Concurrent
 * callers therefore pipeline automatically. One reader and one writer is exactly what a
 * cosocket allows, so the busy rules are never hit.
 *
 * Protocol-agnostic: a client supplies how to open and handshake a connection, how to read a
 * reply, and which errors belong to a single command. The rules it gets:
 * - an error that `isCommandError` accepts (a reply read whole, saying the command failed)
 *   rejects that caller only;
 * - any other failure (transport error, read timeout, protocol error) rejects **every**
 *   pending command with that error and closes the connection, because a late reply would
 *   desynchronise the stream; the next command reconnects;
 * - more than `maxPending` commands queued or in flight: the extra one rejects at once with
 *   `CosocketError` code `too many pending commands`, without being sent.
 */
import { runDetached } from './context.js';
import { CosocketError } from './errors.js';
import { PendingQueue } from './pending-queue.js';
import type { SendData } from './send-data.js';
import { tcp, unpooledTcp, type TcpSocket } from './socket.js';

/** Default bound on commands queued or awaiting a reply. */
export const DEFAULT_MAX_PENDING = 10_000;

/** Requests written together: `finish()` gives what one `send` (one writev) carries. */
export interface RequestBatch<R> {
  readonly count: number;
  add(request: R): void;
  finish(): SendData;
}

/** How a client speaks its protocol over a multiplexed connection. */
export interface MultiplexProtocol<C, R = SendData> {
  /**
   * Connects `sock` (its timeouts already set) and runs any handshake (TLS, AUTH, ...);
   * returns the connection's reply-reading state, which every reply reader receives. `sock`
   * belongs to no pool: its connection shows in no `poolStats()`, `poolSize`/`backlog` are
   * ignored, and `setKeepalive` on it rejects with `not poolable`.
   */
  open(sock: TcpSocket<Buffer>): Promise<C>;
  /** An empty batch (default: the requests as an array, sent as one writev). */
  newBatch?(): RequestBatch<R>;
  /** Whether an error thrown by a reply reader concerns only its command (the stream is in sync). */
  isCommandError(error: unknown): boolean;
  /** Runs after the last owed reply; throws when bytes arrived that no command asked for. */
  checkIdle?(conn: C): void;
  /** The reason `forceClose` is given when `error` fails the connection. */
  closeReason?(error: unknown): string;
}

/** Reads exactly one reply; synchronous results skip a promise round (replies already buffered). */
export type ReplyRead<C, T> = (conn: C) => T | Promise<T>;

/** Options of `new Multiplexer(...)`. */
export interface MultiplexerOptions {
  /** The most commands queued or awaiting a reply at once (default 10,000). */
  maxPending?: number;
}

interface Pending<C> {
  read: ReplyRead<C, unknown>;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * `idle` before `start()`; `connecting`, `up`, or `down` after a failure (the next command
 * reconnects); `closed` from `close()` on.
 */
export type MultiplexerStatus = 'idle' | 'down' | 'connecting' | 'up' | 'closed';

/** `closed`, saying whether the client was never started or was closed. */
function closedError(why: 'idle' | 'closed'): CosocketError {
  return new CosocketError('closed', {
    message: why === 'idle' ? 'not connected: call connect() first' : 'closed (the client was closed with close())',
  });
}

class ArrayBatch implements RequestBatch<SendData> {
  private readonly items: SendData[] = [];
  get count(): number {
    return this.items.length;
  }
  add(request: SendData): void {
    this.items.push(request);
  }
  finish(): SendData {
    return this.items;
  }
}

/** The shared-connection engine behind `RedisMultiplexed` and `MemcachedMultiplexed`. */
export class Multiplexer<C, R = SendData> {
  private readonly protocol: MultiplexProtocol<C, R>;
  private readonly newBatch: () => RequestBatch<R>;
  private readonly maxPending: number;
  private readonly timeouts: [number, number, number] = [0, 0, 0];
  private state: MultiplexerStatus = 'idle';
  /** Bumped when a connection fails or closes: loops of an older epoch stop. */
  private epoch = 0;
  private sock: TcpSocket<Buffer> | null = null;
  private conn: C | null = null;
  /** Every command not yet answered, in wire order: the first `inflight` were written. */
  private readonly pending = new PendingQueue<Pending<C>>();
  private inflight = 0;
  /** Requests queued and not yet written. */
  private outbox: RequestBatch<R>;
  private writing = false;
  private flushScheduled = false;
  private reading = false;
  private connecting: Promise<void> | null = null;
  /** Set by close(): no command is taken from then on. */
  private closing = false;
  private drained: (() => void) | null = null;

  constructor(protocol: MultiplexProtocol<C, R>, options: MultiplexerOptions = {}) {
    const max = options.maxPending ?? DEFAULT_MAX_PENDING;
    if (!Number.isSafeInteger(max) || max <= 0) throw new RangeError(`bad maxPending: ${String(max)}`);
    this.protocol = protocol;
    this.maxPending = max;
    this.newBatch = protocol.newBatch?.bind(protocol) ?? (() => new ArrayBatch() as unknown as RequestBatch<R>);
    this.outbox = this.newBatch();
  }

  /**
   * Connect, send and read timeouts (ms; 0 = the configured default) of every connection. The
   * read timeout is the command timeout: no reply byte for that long while commands are
   * pending fails them all.
   */
  setTimeouts(connectMs: number, sendMs: number, readMs: number): void {
    // Validated by a throwaway socket so misuse throws here, not at the next reconnect.
    tcp().setTimeouts(connectMs, sendMs, readMs);
    this.timeouts[0] = connectMs;
    this.timeouts[1] = sendMs;
    this.timeouts[2] = readMs;
  }

  get status(): MultiplexerStatus {
    return this.closing ? 'closed' : this.state;
  }

  /** Whether a connection is open now (false while reconnecting or after a failure). */
  get connected(): boolean {
    return this.state === 'up';
  }

  /** Commands queued or awaiting a reply. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Connects now (or joins the attempt under way); from here on, a command after a failure
   * reconnects by itself.
   */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(closedError('closed'));
    if (this.state === 'idle') this.state = 'down';
    return this.ensureConnected();
  }

  /** Queues `request`; `read` reads its reply once everything written before it was answered. */
  enqueue<T>(request: R, read: ReplyRead<C, T>): Promise<T> {
    if (this.closing) return Promise.reject(closedError('closed'));
    if (this.state === 'idle') return Promise.reject(closedError('idle'));
    if (this.pending.length >= this.maxPending) {
      return Promise.reject(
        new CosocketError('too many pending commands', {
          message: `too many pending commands: ${this.maxPending} are queued or awaiting a reply (maxPending)`,
        }),
      );
    }
    const p = new Promise<T>((resolve, reject) => this.pending.push({ read, resolve: resolve, reject }));
    this.outbox.add(request);
    // Nothing in flight: no burst to wait for, so a serial caller's command goes out now (a
    // hop less); callers arriving meanwhile queue behind the write and go out as one batch.
    if (this.state === 'up') {
      if (this.inflight === 0 && !this.writing && !this.flushScheduled) this.flush();
      else this.scheduleFlush();
    } else if (this.state === 'down') void this.ensureConnected().catch(() => undefined);
    return p;
  }

  /**
   * Stops taking commands, waits for the pending ones to settle, then closes the connection.
   * Commands after `close()` reject with `closed`.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.pending.length > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.state = 'closed';
    this.epoch++;
    const sock = this.sock;
    this.sock = null;
    this.conn = null;
    sock?.forceClose('closed');
  }

  /** Flushes after the current burst of callers queued their commands. */
  private scheduleFlush(): void {
    if (this.writing || this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.writing || this.state !== 'up' || this.outbox.count === 0) return;
    if (this.inflight === 0) {
      // An idle connection the server closed (its idle timeout, a restart) or spoke on unasked
      // cannot carry this batch; nothing of it was sent yet, so redial and send there instead
      // of failing every caller with `closed`.
      const gone = this.sock!.idleEvent();
      if (gone !== null) {
        this.redial(gone);
        return;
      }
    }
    this.writing = true;
    runDetached(() => void this.writeLoop(this.epoch, this.sock!, this.conn as C));
  };

  /** Sends the queued requests batch by batch, one send (one writev) per batch. */
  private async writeLoop(epoch: number, sock: TcpSocket<Buffer>, conn: C): Promise<void> {
    try {
      while (this.outbox.count > 0 && epoch === this.epoch) {
        const batch = this.outbox;
        this.outbox = this.newBatch();
        this.inflight += batch.count;
        // The write goes out first (send writes synchronously when the socket can take it);
        // arming the read meanwhile overlaps with the server's work instead of preceding it.
        const sent = sock.send(batch.finish());
        if (!this.reading) {
          this.reading = true;
          void this.readLoop(epoch, conn);
        }
        await sent;
      }
    } catch (error) {
      this.fail(epoch, error);
    } finally {
      if (epoch === this.epoch) this.writing = false;
    }
  }

  /** Reads while replies are owed, each with its command's reader, settling the oldest caller. */
  private async readLoop(epoch: number, conn: C): Promise<void> {
    const pending = this.pending;
    try {
      while (this.inflight > 0) {
        // Left in the queue while its reply is read, so a failure meanwhile rejects it too.
        const p = pending.peek();
        let result: unknown;
        try {
          result = p.read(conn);
          if (result instanceof Promise) result = await result;
        } catch (error) {
          if (epoch !== this.epoch) return;
          if (!this.protocol.isCommandError(error)) throw error;
          this.inflight--;
          pending.shift().reject(error);
          continue;
        }
        if (epoch !== this.epoch) return;
        this.inflight--;
        pending.shift().resolve(result);
      }
      this.protocol.checkIdle?.(conn);
    } catch (error) {
      this.fail(epoch, error);
      return;
    }
    if (epoch !== this.epoch) return;
    this.reading = false;
    if (pending.length === 0) this.notifyDrained();
  }

  /** Opens a connection (once, however many callers ask), then flushes what queued meanwhile. */
  private ensureConnected(): Promise<void> {
    if (this.state === 'up') return Promise.resolve();
    if (this.connecting !== null) return this.connecting;
    this.state = 'connecting';
    const epoch = this.epoch;
    // Connections and their reader and writer loops run detached: a multiplexed socket belongs
    // to no request (a withContext that ends never closes it; callers from any context share it).
    const sock = runDetached(unpooledTcp);
    sock.setTimeouts(...this.timeouts);
    // Known before the connect finishes, so close() or a failure meanwhile closes it.
    this.sock = sock;
    const attempt = runDetached(() => this.protocol.open(sock));
    this.connecting = attempt.then(
      (conn) => {
        this.connecting = null;
        if (epoch !== this.epoch) {
          // close() or a failure came first: this connection has no users.
          sock.forceClose('closed');
          return;
        }
        this.conn = conn;
        this.state = 'up';
        this.scheduleFlush();
      },
      (error: unknown) => {
        this.connecting = null;
        this.fail(epoch, error);
        throw error;
      },
    );
    return this.connecting;
  }

  /** Drops an idle connection and opens another; queued (unsent) commands wait for it. */
  private redial(reason: string): void {
    this.epoch++;
    this.sock?.forceClose(reason);
    this.sock = null;
    this.conn = null;
    this.state = 'down';
    void this.ensureConnected().catch(() => undefined);
  }

  /**
   * The connection is out of sync or gone: close it and reject every pending command (written
   * or not) with `error`. Only the first failure of a connection counts.
   */
  private fail(epoch: number, error: unknown): void {
    if (epoch !== this.epoch) return;
    this.epoch++;
    this.sock?.forceClose(this.protocol.closeReason?.(error) ?? 'transport error');
    this.sock = null;
    this.conn = null;
    this.inflight = 0;
    this.outbox = this.newBatch();
    this.writing = this.reading = this.flushScheduled = false;
    if (this.state !== 'closed') this.state = 'down';
    for (const p of this.pending.drain()) p.reject(error);
    this.notifyDrained();
  }

  private notifyDrained(): void {
    const drained = this.drained;
    if (drained === null) return;
    this.drained = null;
    drained();
  }
}
