import type { Socket } from 'node:net';
import { CosocketError, fromSystemError } from './errors.js';

/**
 * Writes the pieces of one `send` as a single writev (cork/uncork). Returns null when the
 * kernel took them all synchronously (OpenResty's send then returns without yielding), else a
 * promise that resolves once they are all handed to the kernel. The send timeout is an
 * inactivity timeout: it fires only when the stream's queue has not shrunk for `timeoutMs`.
 */
export function writePieces(stream: Socket, pieces: (string | Buffer)[], timeoutMs: number): Promise<void> | null {
  let taken = false;
  const queued = new Promise<void>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    const done = (error?: Error | null): void => {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      if (error) reject(error instanceof CosocketError ? error : fromSystemError(error));
      else resolve();
    };
    const last = pieces.length - 1;
    if (last === 0) {
      stream.write(pieces[0]!, done);
    } else {
      stream.cork();
      for (let i = 0; i < last; i++) stream.write(pieces[i]!);
      stream.write(pieces[last]!, done);
      stream.uncork();
    }
    // The common case: the kernel took everything synchronously, so no timer is needed. A
    // write that failed synchronously destroys the stream; its callback then rejects.
    if (settled) return;
    if (stream.writableLength === 0) {
      taken = !stream.destroyed;
      return;
    }
    let left = stream.writableLength;
    const check = (): void => {
      if (settled) return;
      const now = stream.writableLength;
      if (now < left) {
        left = now;
        timer = setTimeout(check, timeoutMs);
        return;
      }
      done(new CosocketError('timeout'));
    };
    timer = setTimeout(check, timeoutMs);
  });
  if (!taken) return queued;
  // Nobody awaits the callback of a write the kernel took; a late error reaches the transport
  // through the stream's 'error' event.
  queued.catch(() => undefined);
  return null;
}
