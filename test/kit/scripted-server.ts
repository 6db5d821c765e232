import { createServer, type Server, type Socket } from 'node:net';

/**
 * A scripted in-process TCP server for transport edge cases only (timeouts, half-close,
 * malformed frames, busy sockets), after Test::Nginx's tcp_listen. It is never a stand-in for
 * Redis, Memcached or MongoDB semantics: client tests run against the real servers.
 */
export interface ScriptedConnection {
  readonly socket: Socket;
  /** Resolves with the next `n` bytes the client sent. */
  read(n: number): Promise<Buffer>;
  /** Resolves with the bytes up to and including `delimiter`. */
  readUntil(delimiter: string | Buffer): Promise<Buffer>;
  /** Everything received and not yet read. */
  pending(): Buffer;
  write(data: string | Buffer): Promise<void>;
  /** Half-closes (FIN), keeping the read side open. */
  end(): void;
  /** Resets the connection (RST). */
  reset(): void;
  /** Resolves when the client closed its side or the connection is gone. */
  closed: Promise<void>;
}

export interface ScriptedServer {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections currently open. */
  readonly open: number;
  /** The most connections ever open at once. */
  readonly peakOpen: number;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

export type ScriptHandler = (conn: ScriptedConnection) => void | Promise<void>;

export async function scriptedServer(handler: ScriptHandler, options: { path?: string } = {}): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let peakOpen = 0;
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted++;
    sockets.add(socket);
    peakOpen = Math.max(peakOpen, sockets.size);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const conn = wrap(socket);
    Promise.resolve()
      .then(() => handler(conn))
      .catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (options.path !== undefined) server.listen(options.path, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    get peakOpen() {
      return peakOpen;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function wrap(socket: Socket): ScriptedConnection {
  let buffered = Buffer.alloc(0);
  let notify: (() => void) | null = null;
  let ended = false;
  const closed = new Promise<void>((resolve) => {
    socket.on('end', () => {
      // The client is done: finish our half too, so `open` counts only live connections.
      socket.end();
      ended = true;
      resolve();
      notify?.();
    });
    socket.on('close', () => {
      ended = true;
      resolve();
      notify?.();
    });
  });
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    notify?.();
  });
  const waitFor = async <T>(take: () => T | undefined): Promise<T> => {
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      if (ended) throw new Error('client closed the connection');
      await new Promise<void>((resolve) => (notify = resolve));
      notify = null;
    }
  };
  return {
    socket,
    closed,
    read: (n) =>
      waitFor(() => {
        if (buffered.length < n) return undefined;
        const out = buffered.subarray(0, n);
        buffered = buffered.subarray(n);
        return out;
      }),
    readUntil: (delimiter) =>
      waitFor(() => {
        const at = buffered.indexOf(delimiter);
        if (at === -1) return undefined;
        const end = at + Buffer.byteLength(delimiter);
        const out = buffered.subarray(0, end);
        buffered = buffered.subarray(end);
        return out;
      }),
    pending: () => {
      const out = buffered;
      buffered = Buffer.alloc(0);
      return out;
    },
    write: (data) => new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve()))),
    end: () => socket.end(),
    reset: () => socket.resetAndDestroy(),
  };
}

/** A server answering every line with `PONG\n` (after `delayMs` when given): the socket tests' peer. */
export function pongServer(options: { delayMs?: number } = {}): Promise<ScriptedServer> {
  return scriptedServer(async (c) => {
    for (;;) {
      await c.readUntil('\n');
      if (options.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      await c.write('PONG\n');
    }
  });
}
