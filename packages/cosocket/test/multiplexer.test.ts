/**
 * The protocol-agnostic multiplexer over an in-process line server: each request line `x`
 * is answered `+x` (or `-x` when x starts with `err`, a command error; `bye` makes the server
 * drop the connection; `extra` is answered twice; `late` gets a second, unasked line 20 ms later). A toy protocol, so these tests pin the
 * engine's rules; the Redis and memcached clients are tested on it against real servers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CosocketError, Multiplexer, poolStats, withContext, type MultiplexProtocol, type TcpSocket } from '../src/index.js';
import { PendingQueue } from '../src/pending-queue.js';
import { failure } from '@cosocket/test-kit';

class LineError extends Error {}

/** The toy protocol; `opened` counts handshakes, `sends` counts writes the server saw as chunks. */
function lineProtocol(host: string, port: number): MultiplexProtocol<TcpSocket<Buffer>> & { opened: number } {
  return {
    opened: 0,
    async open(sock) {
      await sock.connect(host, port, { pool: `mux-test:${port}` });
      this.opened++;
      return sock;
    },
    isCommandError: (error) => error instanceof LineError,
    checkIdle: () => undefined,
  };
}

async function readLine(sock: TcpSocket<Buffer>): Promise<string> {
  const line = (await sock.receive('*l')).toString();
  if (line.startsWith('-')) throw new LineError(line.slice(1));
  return line.slice(1);
}

interface LineServer {
  server: Server;
  port: number;
  connections: Socket[];
  accepted: number;
  /** Data events seen: fewer than requests means batched writes. */
  chunks: number;
  requests: string[];
  /** When set, lines are read but not answered. */
  mute: boolean;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.close(() => r());
          (s as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
    ),
  );
});

async function lineServer(port = 0): Promise<LineServer> {
  const state: LineServer = { server: createServer(), port: 0, connections: [], accepted: 0, chunks: 0, requests: [], mute: false };
  state.server.on('connection', (c) => {
    state.accepted++;
    state.connections.push(c);
    let buffered = '';
    c.on('data', (d) => {
      state.chunks++;
      buffered += d.toString();
      let i: number;
      while ((i = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        state.requests.push(line);
        if (state.mute) continue;
        if (line === 'bye') c.destroy();
        else if (line === 'extra') c.write('+extra\n+unasked\n');
        else if (line === 'late') {
          c.write('+late\n');
          setTimeout(() => c.write('+ghost\n'), 20);
        } else c.write(`${line.startsWith('err') ? '-' : '+'}${line}\n`);
      }
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => state.server.listen(port, '127.0.0.1', () => r()));
  state.port = (state.server.address() as { port: number }).port;
  servers.push(state.server);
  return state;
}

function send(mux: Multiplexer<TcpSocket<Buffer>>, line: string): Promise<string> {
  return mux.enqueue(`${line}\n`, readLine);
}

describe('Multiplexer', () => {
  it('pipelines concurrent callers on one connection and hands each its own reply', async () => {
    const srv = await lineServer();
    const protocol = lineProtocol('127.0.0.1', srv.port);
    const mux = new Multiplexer(protocol);
    await mux.start();
    expect(mux.status).toBe('up');
    const lines = Array.from({ length: 500 }, (_, i) => `k${i}`);
    expect(await Promise.all(lines.map((l) => send(mux, l)))).toEqual(lines);
    expect(srv.accepted).toBe(1);
    // 500 commands queued in one tick go out as one batch: far fewer chunks than commands.
    expect(srv.chunks).toBeLessThan(10);
    expect(mux.pendingCount).toBe(0);
    await mux.close();
  });

  it('a command error rejects that caller only; the connection stays', async () => {
    const srv = await lineServer();
    const mux = new Multiplexer(lineProtocol('127.0.0.1', srv.port));
    await mux.start();
    const results = await Promise.allSettled([send(mux, 'a'), send(mux, 'err1'), send(mux, 'b')]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'a' });
    expect(results[1].status).toBe('rejected');
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(LineError);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'b' });
    expect(await send(mux, 'c')).toBe('c');
    expect(srv.accepted).toBe(1);
    await mux.close();
  });

  it('a dropped connection rejects every pending command; the next command reconnects', async () => {
    const srv = await lineServer();
    const mux = new Multiplexer(lineProtocol('127.0.0.1', srv.port));
    await mux.start();
    const results = await Promise.allSettled([send(mux, 'a'), send(mux, 'bye'), send(mux, 'never')]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'a' });
    for (const r of results.slice(1)) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(CosocketError);
    }
    expect(mux.status).toBe('down');
    expect(mux.pendingCount).toBe(0);
    expect(await send(mux, 'again')).toBe('again');
    expect(srv.accepted).toBe(2);
    await mux.close();
  });

  it('a read timeout fails all pending commands and closes the connection (late replies never reach a later caller)', async () => {
    const srv = await lineServer();
    const mux = new Multiplexer(lineProtocol('127.0.0.1', srv.port));
    mux.setTimeouts(1000, 1000, 100);
    await mux.start();
    srv.mute = true;
    const results = await Promise.allSettled([send(mux, 'a'), send(mux, 'b')]);
    for (const r of results) expect(((r as PromiseRejectedResult).reason as CosocketError).code).toBe('timeout');
    srv.mute = false;
    expect(await send(mux, 'c')).toBe('c');
    expect(srv.accepted).toBe(2);
    await mux.close();
  });

  it('a checkIdle failure closes the connection, so bytes nobody asked for never reach a later caller', async () => {
    const srv = await lineServer();
    const protocol = lineProtocol('127.0.0.1', srv.port);
    // The toy protocol cannot see its socket's buffer; the reader flags the reply it knows
    // is followed by an unasked line, as a real protocol would see leftover bytes.
    let unasked = false;
    protocol.checkIdle = () => {
      if (unasked) throw new Error('unasked bytes');
    };
    const mux = new Multiplexer(protocol);
    await mux.start();
    const readExtra = async (sock: TcpSocket<Buffer>) => {
      const line = await readLine(sock);
      unasked = true;
      return line;
    };
    expect(await mux.enqueue('extra\n', readExtra)).toBe('extra');
    expect(mux.status).toBe('down');
    unasked = false;
    expect(await send(mux, 'next')).toBe('next');
    expect(srv.accepted).toBe(2);
    await mux.close();
  });

  it('an idle connection the server closed is redialled before the next batch: no caller sees closed', async () => {
    const srv = await lineServer();
    const mux = new Multiplexer(lineProtocol('127.0.0.1', srv.port));
    await mux.start();
    expect(await send(mux, 'a')).toBe('a');
    srv.connections[0]!.end(); // a server idle timeout
    await new Promise((r) => setTimeout(r, 30));
    expect(await Promise.all([send(mux, 'b'), send(mux, 'c')])).toEqual(['b', 'c']);
    expect(srv.accepted).toBe(2);
    await mux.close();
  });

  it('bytes that arrive unasked while idle are dropped with their connection, never read as a later reply', async () => {
    const srv = await lineServer();
    const mux = new Multiplexer(lineProtocol('127.0.0.1', srv.port));
    await mux.start();
    expect(await send(mux, 'late')).toBe('late');
    await new Promise((r) => setTimeout(r, 50)); // the ghost line is buffered by now
    expect(await send(mux, 'next')).toBe('next');
    expect(srv.accepted).toBe(2);
    await mux.close();
  });

  it('bounds the queue: one command over maxPending rejects at once and is never sent', async () => {
    const srv = await lineServer();
    const mux = new Multiplexer(lineProtocol('127.0.0.1', srv.port), { maxPending: 3 });
    await mux.start();
    const first = [send(mux, 'a'), send(mux, 'b'), send(mux, 'c')];
    const over = await failure(send(mux, 'd'));
    expect(over.code).toBe('too many pending commands');
    expect(over.message).toMatch(/maxPending/);
    expect(await Promise.all(first)).toEqual(['a', 'b', 'c']);
    expect(srv.requests).toEqual(['a', 'b', 'c']);
    expect(await send(mux, 'e')).toBe('e');
    await mux.close();
    expect(() => new Multiplexer(lineProtocol('x', 1), { maxPending: 0 })).toThrow(RangeError);
  });

  it('close() lets pending commands finish, then refuses new ones with closed', async () => {
    const srv = await lineServer();
    const mux = new Multiplexer(lineProtocol('127.0.0.1', srv.port));
    const early = await failure(send(mux, 'early'));
    expect(early.code).toBe('closed');
    expect(early.message).toBe('not connected: call connect() first');
    await mux.start();
    const pending = [send(mux, 'a'), send(mux, 'b')];
    const closing = mux.close();
    expect(mux.status).toBe('closed');
    const late = await failure(send(mux, 'late'));
    expect(late.code).toBe('closed');
    expect(late.message).toBe('closed (the client was closed with close())');
    expect(await Promise.all(pending)).toEqual(['a', 'b']);
    await closing;
    expect(srv.requests).toEqual(['a', 'b']);
    expect((await failure(mux.start())).code).toBe('closed');
  });

  it('a failed connect rejects what was queued meanwhile; a later command connects once the server is up', async () => {
    const probe = await lineServer();
    const port = probe.port;
    await new Promise<void>((r) => probe.server.close(() => r()));
    const protocol = lineProtocol('127.0.0.1', port);
    const mux = new Multiplexer(protocol);
    const started = mux.start();
    const queued = send(mux, 'a');
    expect((await failure(started)).code).toBe('connection refused');
    expect((await failure(queued)).code).toBe('connection refused');
    expect(mux.status).toBe('down');
    const srv = await lineServer(port);
    expect(await send(mux, 'b')).toBe('b');
    expect(srv.accepted).toBe(1);
    await mux.close();
  });

  it('its connection belongs to no request context: a context that ends does not close it', async () => {
    const srv = await lineServer();
    const mux = new Multiplexer(lineProtocol('127.0.0.1', srv.port));
    await withContext(async () => {
      await mux.start();
      expect(await send(mux, 'in-context')).toBe('in-context');
    });
    await withContext(async () => expect(await send(mux, 'other-context')).toBe('other-context'));
    expect(await send(mux, 'outside')).toBe('outside');
    expect(srv.accepted).toBe(1);
    await mux.close();
  });

  it('its connection is in no pool: no poolStats entry under the name it connected with, and setKeepalive is refused', async () => {
    const srv = await lineServer();
    let owned: TcpSocket<Buffer> | null = null;
    const mux = new Multiplexer<TcpSocket<Buffer>>({
      async open(sock) {
        await sock.connect('127.0.0.1', srv.port, { pool: 'mux-unpooled', poolSize: 1, backlog: 0 });
        owned = sock;
        return sock;
      },
      isCommandError: () => false,
    });
    await mux.start();
    expect(await send(mux, 'a')).toBe('a');
    expect(poolStats()['mux-unpooled']).toBeUndefined();
    const refused = await failure(owned!.setKeepalive());
    expect(refused.code).toBe('not poolable');
    expect(refused.message).toContain('multiplexer');
    expect(await send(mux, 'still-up')).toBe('still-up'); // the refusal changed nothing
    await mux.close();
    expect(poolStats()['mux-unpooled']).toBeUndefined();
  });
});

describe('PendingQueue', () => {
  it('keeps FIFO order through peek, shift, pushes and compaction, and drains the rest', () => {
    const q = new PendingQueue<number>();
    for (let i = 0; i < 5000; i++) q.push(i);
    for (let i = 0; i < 3000; i++) {
      expect(q.peek()).toBe(i);
      expect(q.shift()).toBe(i);
      if (i % 7 === 0) q.push(5000 + i);
    }
    expect(q.length).toBe(2000 + Math.floor(2999 / 7) + 1);
    const rest = q.drain();
    expect(rest.slice(0, 3)).toEqual([3000, 3001, 3002]);
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
    expect(q.length).toBe(0);
  });

  it('resets when emptied, and drains to nothing when empty', () => {
    const q = new PendingQueue<number>();
    q.push(1);
    q.shift();
    expect(q.length).toBe(0);
    expect(q.drain()).toEqual([]);
    q.push(2);
    expect(q.peek()).toBe(2);
  });
});
