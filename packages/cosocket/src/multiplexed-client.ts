import { CosocketError, locateError } from './errors.js';
import { Multiplexer, type MultiplexerOptions, type MultiplexProtocol } from './multiplexer.js';

/**
 * What every multiplexed client (`RedisMultiplexed`, `MemcachedMultiplexed`) has around its
 * Multiplexer: timeouts for every connection, connect once, the counters, close. A subclass
 * builds its protocol (which may refer to `this`) and hands it to `multiplex()` in its
 * constructor; its commands go through `this.mux`.
 */
export abstract class MultiplexedClient<C, R> {
  protected mux!: Multiplexer<C, R>;
  /** `host:port` or `unix:/path` of the last `connect`, named by every error. */
  protected address: string | undefined;

  protected multiplex(protocol: MultiplexProtocol<C, R>, options: MultiplexerOptions): void {
    this.mux = new Multiplexer(protocol, options);
  }

  /** Connect, send and read timeouts at once (ms; 0 = the cosocket default), for every connection. */
  setTimeout(ms: number): void {
    this.mux.setTimeouts(ms, ms, ms);
  }

  /**
   * Connect, send and read timeouts (ms; 0 = the cosocket default). The read timeout is the
   * command timeout: no reply byte for that long while commands are pending fails them all.
   */
  setTimeouts(connectMs: number, sendMs: number, readMs: number): void {
    this.mux.setTimeouts(connectMs, sendMs, readMs);
  }

  /** Commands queued or awaiting a reply. */
  get pendingCount(): number {
    return this.mux.pendingCount;
  }

  /** Whether a connection is open now (false while reconnecting or after a failure). */
  get connected(): boolean {
    return this.mux.connected;
  }

  /**
   * Stops taking commands, waits for the pending ones to settle, then closes the connection.
   * Commands after `close()` reject with `closed`. Resolves when there is nothing to close
   * (never connected, closed already).
   */
  close(): Promise<void> {
    return this.mux.close();
  }

  /**
   * `connect`'s common part: refuses a client that was closed or is connected already (a
   * multiplexed client connects once; `misuse` words that refusal in the client's own error
   * class), then remembers `address` (and lets the subclass remember its target) and connects
   * now. May run again while no connection is open (after a failed connect), to retry or to
   * change the server.
   */
  protected async startOnce(address: string, misuse: (message: string) => Error, remember: () => void): Promise<void> {
    const status = this.mux.status;
    if (status === 'closed') {
      throw new CosocketError('closed', { message: 'closed (close() was called)', address: this.address, command: 'connect' });
    }
    if (status === 'connecting' || status === 'up') {
      throw locateError(misuse('already connected: a multiplexed client connects once (close() and create another)'), this.address, 'connect');
    }
    this.address = address;
    remember();
    await this.mux.start();
  }
}
