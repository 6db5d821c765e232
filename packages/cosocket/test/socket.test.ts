import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { failure, scriptedServer, type ScriptedServer, sleep } from '@cosocket/test-kit';
import { configure, CosocketError, tcp } from '../src/index.js';

let servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  configure();
});

async function serve(handler: Parameters<typeof scriptedServer>[0], options?: { path?: string }) {
  const server = await scriptedServer(handler, options);
  servers.push(server);
  return server;
}

describe('connect', () => {
  it('connects to host and port, sends, and reads a line', async () => {
    const server = await serve(async (c) => {
      const req = await c.readUntil('\n');
      await c.write(`got ${req.toString().trim()}\r\n`);
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    expect(await sock.send('hello\n')).toBe(6);
    expect((await sock.receive()).toString()).toBe('got hello');
    await sock.close();
  });

  it('connects to a unix socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosocket-'));
    const path = join(dir, 's.sock');
    try {
      await serve(async (c) => c.write('unix ok\n'), { path });
      const sock = tcp();
      await sock.connect(`unix:${path}`);
      expect((await sock.receive()).toString()).toBe('unix ok');
      await sock.close();
      const missing = await failure(tcp().connect(`unix:${dir}/nope.sock`));
      expect(missing.code).toBe('no such file or directory');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resolves host names with dns.lookup', async () => {
    const server = await serve(async (c) => c.write('hi\n'));
    const sock = tcp();
    await sock.connect('localhost', server.port);
    expect((await sock.receive()).toString()).toBe('hi');
    await sock.close();
  });

  it('reports refused connections, bad ports and unresolvable hosts with OpenResty strings', async () => {
    const server = await serve(() => undefined);
    const port = server.port;
    await server.close();
    servers = [];
    expect((await failure(tcp().connect('127.0.0.1', port))).code).toBe('connection refused');
    expect((await failure(tcp().connect('127.0.0.1', 70000))).code).toBe('bad port number: 70000');
    expect((await failure(tcp().connect('127.0.0.1'))).code).toBe('missing the port number');
    const dns = await failure(tcp().connect('no-such-host.invalid', 80));
    expect(dns.code).toMatch(/^no-such-host\.invalid could not be resolved \(/);
  });

  it('closes an old connection when the object connects again', async () => {
    const server = await serve(async (c) => c.write('x\n'));
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await sock.connect(server.host, server.port);
    expect((await sock.receive()).toString()).toBe('x');
    await sleep(20);
    expect(server.accepted).toBe(2);
    expect(server.open).toBe(1);
    await sock.close();
  });
});

describe('timeouts', () => {
  it('rejects bad timeout values before any I/O', () => {
    const sock = tcp();
    expect(() => sock.setTimeout(-1)).toThrow(RangeError);
    expect(() => sock.setTimeout(Number.NaN)).toThrow(RangeError);
    expect(() => sock.setTimeouts(0, 2 ** 31, 0)).toThrow(RangeError);
    expect(() => sock.setTimeout(2 ** 31 - 1)).not.toThrow();
  });

  it('a read timeout hands back the partial data and leaves the socket usable', async () => {
    const server = await serve(async (c) => {
      await c.write('par');
      await c.read(4); // wait for "more"
      await c.write('tial\nrest\n');
    });
    const sock = tcp();
    sock.setTimeout(100);
    await sock.connect(server.host, server.port);
    const err = await failure(sock.receive());
    expect(err.code).toBe('timeout');
    expect(err.partial.toString()).toBe('par');
    await sock.send('more');
    expect((await sock.receive()).toString()).toBe('tial');
    expect((await sock.receive()).toString()).toBe('rest');
    await sock.close();
  });

  it('the read timeout measures inactivity, not the whole read', async () => {
    const server = await serve(async (c) => {
      for (const ch of 'abcde') {
        await c.write(ch);
        await sleep(60);
      }
    });
    const sock = tcp();
    sock.setTimeouts(1000, 1000, 150);
    await sock.connect(server.host, server.port);
    const started = Date.now();
    expect((await sock.receive(5)).toString()).toBe('abcde');
    expect(Date.now() - started).toBeGreaterThan(150);
    await sock.close();
  });

  it('a send timeout closes the write half only', async () => {
    let conn: Parameters<Parameters<typeof scriptedServer>[0]>[0] | undefined;
    const server = await serve(async (c) => {
      conn = c;
      c.socket.pause(); // never read: the client's send must stall
    });
    const sock = tcp();
    sock.setTimeouts(1000, 200, 1000);
    await sock.connect(server.host, server.port);
    const big = Buffer.alloc(64 * 1024 * 1024, 1);
    expect((await failure(sock.send(big))).code).toBe('timeout');
    expect((await failure(sock.send('x'))).code).toBe('closed');
    await conn!.write('still readable\n');
    expect((await sock.receive()).toString()).toBe('still readable');
    await sock.close();
  });
});

describe('receive patterns', () => {
  it('drops every CR in a line and reads exact byte counts', async () => {
    const server = await serve(async (c) => c.write('foo\r\rbar\rbaz\r\n\nabcdefgh'));
    const sock = tcp();
    await sock.connect(server.host, server.port);
    expect((await sock.receive()).toString()).toBe('foobarbaz');
    expect((await sock.receive('*l')).toString()).toBe('');
    expect((await sock.receive(3)).toString()).toBe('abc');
    expect((await sock.receive('2')).toString()).toBe('de');
    expect((await sock.receive(0)).length).toBe(0);
    await sock.close();
  });

  it('reads everything until the peer closes with *a, then "" again', async () => {
    const server = await serve(async (c) => {
      await c.write('one\n');
      await c.write('two');
      c.end();
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    expect((await sock.receive('*a')).toString()).toBe('one\ntwo');
    expect((await sock.receive('*a')).toString()).toBe('');
    await sock.close();
  });

  it('receiveAny returns what is buffered, up to max, without waiting for more', async () => {
    const server = await serve(async (c) => c.write('hello world'));
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await sleep(30);
    expect((await sock.receiveAny(7)).toString()).toBe('hello w');
    expect((await sock.receiveAny(100)).toString()).toBe('orld');
    await expect(sock.receiveAny(0)).rejects.toThrow('bad max argument');
    await sock.close();
  });

  it('receiveAny hands back at most bufferSize bytes per call (lua_socket_buffer_size)', async () => {
    const server = await serve(async (c) => c.write('hello world'));
    configure({ bufferSize: 4 }); // afterEach restores the defaults
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await sleep(30);
    const reads = [await sock.receiveAny(100), await sock.receiveAny(100), await sock.receiveAny(100)];
    expect(reads.map(String)).toEqual(['hell', 'o wo', 'rld']);
    await sock.close();
  });

  it('yields strings when created with an encoding', async () => {
    const server = await serve(async (c) => c.write('héllo\nxyz'));
    const sock = tcp({ encoding: 'utf8' });
    await sock.connect(server.host, server.port);
    expect(await sock.receive()).toBe('héllo');
    expect(await sock.receive(3)).toBe('xyz');
    await sock.close();
  });

  it('rejects bad patterns and sizes before any I/O', async () => {
    const server = await serve(() => undefined);
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await expect(sock.receive('*L')).rejects.toThrow('bad pattern argument: *L');
    await expect(sock.receive(-1)).rejects.toThrow('bad number argument');
    // OpenResty answers `nil, "pattern is empty"`: a CosocketError with that code, not a TypeError.
    let empty: unknown;
    try {
      sock.receiveUntil('');
    } catch (error) {
      empty = error;
    }
    expect(empty).toBeInstanceOf(CosocketError);
    expect((empty as CosocketError).code).toBe('pattern is empty');
    expect(() => sock.receiveUntil('x', { inclusive: 'yes' as unknown as boolean })).toThrow('bad "inclusive" option value type: string');
    await sock.close();
  });
});

describe('EOF, errors and half-close', () => {
  it('the peer closing mid-line fails with closed and the partial line; writes still work', async () => {
    let received = '';
    const server = await serve(async (c) => {
      await c.write('foo\r');
      c.end();
      received = (await c.read(4)).toString();
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    const err = await failure(sock.receive());
    expect(err.code).toBe('closed');
    expect(err.partial.toString()).toBe('foo');
    expect((await failure(sock.receive(1))).code).toBe('closed');
    expect(await sock.send('ping')).toBe(4);
    await sleep(30);
    expect(received).toBe('ping');
    await sock.close();
  });

  it('reports a reset as connection reset by peer', async () => {
    const server = await serve(async (c) => {
      await c.write('ab');
      await sleep(20);
      c.reset();
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    const err = await failure(sock.receive(10));
    expect(err.code).toBe('connection reset by peer');
    expect(err.partial.toString()).toBe('ab');
    await expect(sock.close()).resolves.toBeUndefined();
  });

  it('after close every operation fails with closed, but close() again resolves', async () => {
    const server = await serve(() => undefined);
    const sock = tcp();
    await sock.connect(server.host, server.port);
    await sock.close();
    // Deliberately unlike OpenResty (`nil, "closed"`): `finally { await sock.close() }` must not
    // replace the error that closed the socket (issue 16 item 5).
    await expect(sock.close()).resolves.toBeUndefined();
    await expect(tcp().close()).resolves.toBeUndefined();
    expect((await failure(sock.receive())).code).toBe('closed');
    expect((await failure(sock.send('x'))).code).toBe('closed');
    expect((await failure(sock.setKeepalive())).code).toBe('closed');
  });
});

describe('send', () => {
  it('sends nested arrays, numbers and booleans as one write and returns the byte count', async () => {
    let got = '';
    const server = await serve(async (c) => {
      got = (await c.readUntil('END')).toString();
      await c.write('ok\n');
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    const n = await sock.send(['a', ['b', Buffer.from('c'), [1, 2.5]], true, new Uint8Array([0x44]), 'END']);
    expect(await sock.send([])).toBe(0);
    await expect(sock.send([null as unknown as string])).rejects.toThrow('bad data type nil found');
    expect((await sock.receive()).toString()).toBe('ok');
    expect(got).toBe('abc12.5trueDEND');
    expect(n).toBe(got.length);
    await sock.close();
  });
});

describe('busy rules', () => {
  it('allows one reader and one writer; a second reader, connect or close fails at once', async () => {
    let conn: Parameters<Parameters<typeof scriptedServer>[0]>[0] | undefined;
    const server = await serve(async (c) => {
      conn = c;
    });
    const sock = tcp();
    await sock.connect(server.host, server.port);
    const reading = sock.receive();
    expect((await failure(sock.receive())).code).toBe('socket busy reading');
    expect((await failure(sock.receiveAny(1))).code).toBe('socket busy reading');
    expect((await failure(sock.close())).code).toBe('socket busy reading');
    expect((await failure(sock.setKeepalive())).code).toBe('socket busy reading');
    expect((await failure(sock.connect(server.host, server.port))).code).toBe('socket busy reading');
    expect(await sock.send('write while reading')).toBe(19);
    await sleep(20);
    await conn!.write('line\n');
    expect((await reading).toString()).toBe('line');
    await sock.close();
  });

  it('a second concurrent send fails with socket busy writing', async () => {
    const server = await serve(async (c) => {
      c.socket.pause();
    });
    const sock = tcp();
    sock.setTimeouts(1000, 300, 1000);
    await sock.connect(server.host, server.port);
    const big = sock.send(Buffer.alloc(32 * 1024 * 1024));
    expect((await failure(sock.send('x'))).code).toBe('socket busy writing');
    expect((await failure(sock.close())).code).toBe('socket busy writing');
    expect((await failure(big)).code).toBe('timeout');
  });

  it('operations during a connect fail with socket busy connecting', async () => {
    const server = await serve(() => undefined);
    const sock = tcp();
    const connecting = sock.connect('localhost', server.port);
    expect((await failure(sock.connect(server.host, server.port))).code).toBe('socket busy connecting');
    expect((await failure(sock.receive())).code).toBe('socket busy connecting');
    await connecting;
    await sock.close();
  });
});

describe('logging', () => {
  it('is off by default; logErrors: true routes transport errors to the configured logger', async () => {
    const lines: string[] = [];
    configure({ logger: (m) => lines.push(m) });
    const server = await serve(() => undefined);
    const sock = tcp();
    sock.setTimeout(30);
    await sock.connect(server.host, server.port);
    await failure(sock.receive());
    expect(lines).toEqual([]);
    configure({ logErrors: true });
    await failure(sock.receive());
    expect(lines.some((l) => l.includes('timed out'))).toBe(true);
    configure({ logErrors: false });
    const before = lines.length;
    await failure(sock.receive());
    expect(lines.length).toBe(before);
    await sock.close();
  });
});

describe('idleEvent', () => {
  it('is null on a quiet connection, then names what the peer did: data, EOF, reset; closed after close', async () => {
    const server = await serve(async (c) => {
      const cmd = (await c.readUntil('\n')).toString().trim();
      if (cmd === 'data') await c.write('unasked\n');
      else if (cmd === 'eof') c.end();
      else if (cmd === 'reset') c.reset();
      await c.closed;
    });
    const cases: [string, string][] = [
      ['data', 'unread data'],
      ['eof', 'peer closed'],
      ['reset', 'error: connection reset by peer'],
    ];
    for (const [cmd, expected] of cases) {
      const sock = tcp();
      await sock.connect(server.host, server.port);
      expect(sock.idleEvent()).toBeNull();
      await sock.send(`${cmd}\n`);
      await sleep(30);
      expect(sock.idleEvent()).toBe(expected);
      sock.forceClose('test');
      expect(sock.idleEvent()).toBe('closed');
    }
  });
});
