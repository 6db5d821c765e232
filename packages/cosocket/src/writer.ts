import type { Socket } from 'node:net';
import { CosocketError, fromSystemError } from './errors.js';

/**
 * Writes the pieces of one `send` as a single writev (cork/uncork), and resolves once they are
 * all handed to the kernel. The send timeout is an inactivity timeout: it fires only when the
 * stream's queue has not shrunk for `timeoutMs`.
 */
export function writePieces(stream: Socket, pieces: (string | Buffer)[], timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
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
    // The common case: the kernel took everything synchronously, so no timer is needed.
    if (stream.writableLength === 0 || settled) return;
    let queued = stream.writableLength;
    const check = (): void => {
      if (settled) return;
      const now = stream.writableLength;
      if (now < queued) {
        queued = now;
        timer = setTimeout(check, timeoutMs);
        return;
      }
      done(new CosocketError('timeout'));
    };
    timer = setTimeout(check, timeoutMs);
  });
}
