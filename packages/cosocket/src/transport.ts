import type { Socket } from 'node:net';
import { CosocketError, fromSystemError } from './errors.js';
import { Reader } from './reader.js';

/**
 * One live connection: a Node stream whose bytes all land in a Reader, never dropped.
 *
 * The stream flows into the reader whether or not a read is pending, so no byte is ever lost
 * between reads. Bytes that arrive while nobody is reading are counted as `unsolicited`: they
 * stand for what OpenResty would have left in the kernel, which decides between
 * `unread data in buffer` and `connection in dubious state` at pooling time. When too many
 * unsolicited bytes pile up the stream is paused, so a chatty peer cannot grow our memory.
 *
 * A Transport outlives the TcpSocket object that opened it: `setKeepalive` hands it to the pool
 * and a later `connect` hands it to another TcpSocket.
 */
const UNSOLICITED_HIGH_WATER = 1 << 20;

type Waiter = (error?: CosocketError) => void;

export class Transport {
  readonly reader = new Reader();
  stream: Socket;
  /** The peer's FIN was read. */
  eof = false;
  /** A stream error (reset, ...); reads after it fail with it. */
  failure: CosocketError | null = null;
  /** The stream is gone (destroyed by us or by an error). */
  destroyed = false;
  /** TLS is established on this connection. */
  tls = false;
  /** Unsolicited bytes received since the last read operation began. */
  unsolicited = 0;
  /** Set by the pool while the connection sits idle: any event from the peer evicts it. */
  onIdleEvent: ((reason: string) => void) | null = null;
  private reading = false;
  private waiter: Waiter | null = null;
  /**
   * One read-timeout timer for the life of the connection, re-armed with refresh() per wait
   * instead of a setTimeout/clearTimeout pair per wait (the hot path of every read). It is
   * left running when data arrives (the callback ignores it when nobody waits) and unref'd:
   * a pending read is kept alive by the socket itself.
   */
  private timer: NodeJS.Timeout | null = null;
  private timerMs = -1;

  constructor(stream: Socket) {
    this.stream = stream;
    this.listen(stream);
  }

  /** Replaces the stream (after a TLS upgrade wrapped the plain socket). */
  replaceStream(stream: Socket): void {
    this.stream = stream;
    this.listen(stream);
  }

  /** Stops listening to the current stream (the TLS layer is about to take it over). */
  unlisten(): void {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('error', this.onError);
    this.stream.off('close', this.onClose);
  }

  /** Marks the start of a read operation: bytes already here now count as read by us. */
  beginRead(): void {
    this.reading = true;
    this.unsolicited = 0;
  }

  endRead(): void {
    this.reading = false;
  }

  /** Bytes buffered that arrived while nobody was reading (OpenResty's "kernel buffer"). */
  get pendingUnsolicited(): number {
    return Math.min(this.unsolicited, this.reader.length);
  }

  /**
   * Waits until more data, EOF or an error arrives; rejects with `timeout` after `timeoutMs`
   * of silence. Only one waiter exists at a time (the socket allows one reader).
   */
  waitForData(timeoutMs: number): Promise<void> {
    if (this.stream.isPaused()) this.stream.resume();
    return new Promise<void>((resolve, reject) => {
      this.waiter = (error) => (error === undefined ? resolve() : reject(error));
      if (this.timer !== null && this.timerMs === timeoutMs) {
        this.timer.refresh();
      } else {
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = setTimeout(this.onReadTimeout, timeoutMs);
        this.timer.unref();
        this.timerMs = timeoutMs;
      }
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.stream.destroy();
    this.wake();
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
      this.timerMs = -1;
    }
  }

  private listen(stream: Socket): void {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('error', this.onError);
    stream.on('close', this.onClose);
  }

  private wake(error?: CosocketError): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    waiter(error);
  }

  private readonly onReadTimeout = (): void => {
    // Fired after the last wait was already woken by data: nothing to time out.
    if (this.waiter === null) return;
    this.wake(new CosocketError('timeout'));
  };

  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
    if (!this.reading) {
      this.unsolicited += chunk.length;
      if (this.onIdleEvent !== null) {
        this.onIdleEvent('peer sent data');
        return;
      }
      if (this.unsolicited >= UNSOLICITED_HIGH_WATER) this.stream.pause();
    }
    this.wake();
  };

  private readonly onEnd = (): void => {
    this.eof = true;
    if (this.onIdleEvent !== null) this.onIdleEvent('peer closed');
    else this.wake();
  };

  private readonly onError = (err: Error): void => {
    this.failure ??= fromSystemError(err);
    if (this.onIdleEvent !== null) this.onIdleEvent(`error: ${this.failure.code}`);
    else this.wake();
  };

  private readonly onClose = (): void => {
    this.destroyed = true;
    if (this.onIdleEvent !== null) this.onIdleEvent('closed');
    else this.wake();
  };
}
