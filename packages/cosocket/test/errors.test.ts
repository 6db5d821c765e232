import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { failure, scriptedServer, type ScriptedServer } from '@cosocket/test-kit';
import { configure, CosocketError, keepsConnection, OperationError, ProtocolError, spawn, tcp, waitAll, wait, withContext } from '../src/index.js';

let servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  configure();
});

async function serve(handler: Parameters<typeof scriptedServer>[0]) {
  const server = await scriptedServer(handler);
  servers.push(server);
  return server;
}

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('errors name the address and the operation', () => {
  it('connection refused (127.0.0.1:<port>, connect), code unchanged', async () => {
    const port = await deadPort();
    const error = await failure(tcp().connect('127.0.0.1', port), CosocketError);
    expect(error.code).toBe('connection refused');
    expect(error.address).toBe(`127.0.0.1:${port}`);
    expect(error.command).toBe('connect');
    expect(error.message).toBe(`connection refused (127.0.0.1:${port}, connect)`);
    expect(error).toBeInstanceOf(OperationError);
  });

  it('a read timeout names receive; a timed-out receiveuntil and receiveany name theirs', async () => {
    const server = await serve(() => undefined);
    const sock = tcp();
    sock.setTimeout(20);
    await sock.connect(server.host, server.port);
    const address = `${server.host}:${server.port}`;
    expect((await failure(sock.receive(), CosocketError)).message).toBe(`timeout (${address}, receive)`);
    expect((await failure(sock.receiveAny(10), CosocketError)).message).toBe(`timeout (${address}, receiveany)`);
    expect((await failure(sock.receiveUntil('--')(), CosocketError)).message).toBe(`timeout (${address}, receiveuntil)`);
    await sock.close();
  });

  it('a command before connect says so; code stays closed', async () => {
    const sock = tcp();
    const error = await failure(sock.receive(), CosocketError);
    expect(error.code).toBe('closed');
    expect(error.message).toBe('not connected: call connect() first (receive)');
    expect((await failure(sock.send('x'), CosocketError)).message).toBe('not connected: call connect() first (send)');
  });

  it('after setKeepalive or a forced close the message says why it is closed', async () => {
    const server = await serve(async (c) => {
      await c.readUntil('\n');
      await c.write('ok\n');
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await sock.send('hi\n');
    await sock.receive();
    await sock.setKeepalive();
    const pooled = await failure(sock.receive(), CosocketError);
    expect(pooled.code).toBe('closed');
    expect(pooled.message).toMatch(/^closed \(the connection went back to the pool with setKeepalive\) \(/);
    await sock.connect(server.host, server.port);
    sock.forceClose('after a read timeout');
    const forced = await failure(sock.send('x'), CosocketError);
    expect(forced.code).toBe('closed');
    expect(forced.message).toBe(`closed (after a read timeout) (${server.host}:${server.port}, send)`);
  });

  it('only a server error reply keeps the connection, and its message stays the server text', () => {
    class ServerReply extends OperationError {
      override get keepsConnection(): boolean {
        return true;
      }
    }
    const reply = new ServerReply('ERR wrong', { address: 'h:1', command: 'GET' });
    expect(reply.message).toBe('ERR wrong');
    expect(reply.address).toBe('h:1');
    expect(keepsConnection(reply)).toBe(true);
    expect(keepsConnection(new CosocketError('timeout'))).toBe(false);
    expect(keepsConnection(new ProtocolError('bad'))).toBe(false);
    expect(keepsConnection(new Error('x'))).toBe(false);
    // locate() overrides the socket's operation with the caller's command, stack included.
    const error = new CosocketError('timeout', { address: 'h:1', command: 'receive' }).locate(undefined, 'GET');
    expect(error.message).toBe('timeout (h:1, GET)');
    expect(error.stack?.split('\n')[0]).toBe('CosocketError: timeout (h:1, GET)');
    // An error located for the first time (its stack never read yet) names the origin once.
    const fresh = new ProtocolError('bad reply').locate('h:1', 'find');
    expect(fresh.stack?.split('\n')[0]).toBe('ProtocolError: bad reply (h:1, find)');
  });
});

describe('pull reads', () => {
  it('take what is buffered without waiting, and wait only in receiveMore', async () => {
    const server = await serve(async (c) => {
      await c.write('line one\r\nVALUE');
      await c.readUntil('\n');
      await c.write(' 12345\r\n');
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    while (sock.peek().length < 15) await sock.receiveMore();
    expect(sock.tryLine()?.toString()).toBe('line one');
    expect(sock.tryLine()).toBeNull();
    expect(sock.peek().toString()).toBe('VALUE');
    expect(sock.tryBytes(6)).toBeNull();
    await sock.send('more\n');
    expect(await sock.receiveMore()).toBeGreaterThan(5);
    while (sock.peek().length < 13) await sock.receiveMore();
    expect(sock.tryBytes(6)?.toString()).toBe('VALUE ');
    sock.skip(5);
    expect(sock.peek().toString()).toBe('\r\n');
    expect(() => sock.skip(3)).toThrow(RangeError);
    expect(sock.tryLine()?.toString()).toBe('');
    expect(sock.peek().length).toBe(0);
    // Nothing left unread: the connection may go back to the pool.
    await sock.setKeepalive();
  });

  it('peek joins bytes that arrived in several chunks into one view', async () => {
    const server = await serve(async (c) => {
      for (const piece of ['ab', 'cd', 'ef']) {
        await c.write(piece);
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    while (sock.peek().length < 6) await sock.receiveMore();
    expect(sock.peek().toString()).toBe('abcdef');
    expect(sock.tryBytes(6)?.toString()).toBe('abcdef');
    await sock.close();
  });

  it('receiveBuffered hands back a whole network read, past bufferSize, and waits only when nothing is buffered', async () => {
    configure({ bufferSize: 4 });
    const big = 'y'.repeat(10_000);
    const server = await serve(async (c) => {
      await c.write(big);
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    let got = '';
    let calls = 0;
    while (got.length < big.length) {
      got += (await sock.receiveBuffered()).toString();
      calls++;
    }
    expect(got).toBe(big);
    // receiveAny would have needed 2,500 calls at bufferSize 4: whole network reads here.
    expect(calls).toBeLessThan(100);
    await sock.close();
  });

  it('receiveMore throws like receive at EOF, with the buffered bytes as partial', async () => {
    const server = await serve(async (c) => {
      await c.write('half');
      c.end();
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    let error: CosocketError | undefined;
    try {
      for (;;) await sock.receiveMore();
    } catch (e) {
      error = e as CosocketError;
    }
    expect(error?.code).toBe('closed');
    expect(error?.partial.toString()).toBe('half');
    // As after receive: EOF closed the read half.
    expect(() => sock.tryBytes(4)).toThrow(expect.objectContaining({ code: 'closed' }) as Error);
  });

  it('a pull read while another read waits fails socket busy reading', async () => {
    const server = await serve(() => undefined);
    const sock = tcp();
    sock.setTimeout(50);
    await sock.connect(server.host, server.port);
    const pending = failure(sock.receive());
    expect(() => sock.tryLine()).toThrow(expect.objectContaining({ code: 'socket busy reading' }) as Error);
    expect(() => sock.peek()).toThrow(expect.objectContaining({ code: 'socket busy reading' }) as Error);
    expect((await pending).code).toBe('timeout');
    await sock.close();
  });
});

describe('light thread results', () => {
  it('waitAll and wait are typed per thread', async () => {
    await withContext(async () => {
      const n = spawn(() => 1);
      const s = spawn(async () => 'two');
      const both = waitAll(n, s);
      expectTypeOf(both).resolves.toEqualTypeOf<[number, string]>();
      expect(await both).toEqual([1, 'two']);
      const first = wait(
        spawn(() => 3),
        spawn(async () => 'x'),
      );
      expectTypeOf(first).resolves.toEqualTypeOf<number | string>();
      expect(await first).toBe(3);
    });
  });
});
