// A loopback server that plays back one script per connection: chunks written one network
// write at a time (with a turn of the event loop between them, so they tend to arrive as
// separate reads), then FIN or RST. Property tests use it to push random bytes and random
// splits through a real cosocket, one connection per case. It is a network-fault simulator in
// the sense of test/support/scripted-server.ts, never a stand-in for a real server.
import { createServer, type Server, type Socket } from 'node:net';

export interface Script {
  chunks: Buffer[];
  /** How the server ends: FIN after the bytes, RST after the bytes, or stay open. */
  end: 'fin' | 'rst' | 'open';
}

export class Feeder {
  readonly host = '127.0.0.1';
  port = 0;
  private readonly queue: Script[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;

  async listen(): Promise<this> {
    const server = createServer({ allowHalfOpen: true }, (socket) => void this.play(socket));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, this.host, resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    return this;
  }

  /** The script the next accepted connection plays. */
  next(script: Script): void {
    this.queue.push(script);
  }

  private async play(socket: Socket): Promise<void> {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    socket.resume(); // whatever the client sends is ignored
    const script = this.queue.shift() ?? { chunks: [], end: 'fin' };
    for (const chunk of script.chunks) {
      if (socket.destroyed) return;
      socket.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (script.end === 'fin') socket.end();
    else if (script.end === 'rst') socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Cuts `bytes` at the given positions (sorted, deduplicated, in range). */
export function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    if (p > start) out.push(bytes.subarray(start, p));
    start = Math.max(start, p);
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}
