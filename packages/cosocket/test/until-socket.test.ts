import { afterEach, describe, expect, it } from 'vitest';
import { type ScriptedConnection, scriptedServer, type ScriptedServer, sleep } from '@cosocket/test-kit';
import { CosocketError, tcp, type TcpSocket } from '../src/index.js';

/**
 * receiveUntil interleaved with receive over real TCP connections (cosocket.md §4.8.4). The
 * scripted server only sends the bytes of each t/066 test and closes; the assertions are the
 * values the spec lists. OpenResty's `nil, nil, nil` done marker is our `null`; its
 * `nil, "closed", partial` is a thrown CosocketError with code 'closed' and `partial`.
 *
 * t/066 TEST 17 runs with lua_socket_buffer_size 1; our receive semantics do not depend on a
 * buffer size, so the same values must come out however the bytes arrive: each case runs once
 * with the data in one write and once sent byte by byte.
 */

let servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

type Delivery = 'one write' | 'byte by byte';

async function send(conn: ScriptedConnection, data: string, delivery: Delivery): Promise<void> {
  if (delivery === 'one write') {
    await conn.write(data);
  } else {
    conn.socket.setNoDelay(true);
    for (const ch of data) {
      await conn.write(ch);
      await sleep(2);
    }
  }
  conn.end();
}

/** A connected client whose peer sends `data` and then closes. */
async function peerSending(data: string, delivery: Delivery): Promise<TcpSocket<Buffer>> {
  const server = await scriptedServer((conn) => send(conn, data, delivery));
  servers.push(server);
  const sock = tcp();
  sock.setTimeouts(2000, 2000, 2000);
  await sock.connect(server.host, server.port);
  return sock;
}

type Result = string | null | { closed: string };

/** A read's outcome as data: the chunk, null, or the closed error with its partial. */
async function outcome(read: Promise<Buffer | null>): Promise<Result> {
  try {
    const r = await read;
    return r === null ? null : r.toString('latin1');
  } catch (error) {
    expect(error).toBeInstanceOf(CosocketError);
    const e = error as CosocketError;
    expect(e.code).toBe('closed');
    return { closed: e.partial.toString('latin1') };
  }
}

describe.each<Delivery>(['one write', 'byte by byte'])('receiveUntil with pushback, data sent in %s', (delivery) => {
  it('t/066 TEST 17: alternating it(4) and receive(1) on "hello, world ----abc\\n"', async () => {
    const sock = await peerSending('hello, world ----abc\n', delivery);
    const it4 = sock.receiveUntil('--abc');
    const got: Result[] = [];
    for (let i = 0; i < 5; i++) {
      got.push(await outcome(it4(4)));
      got.push(await outcome(sock.receive(1)));
    }
    expect(got).toEqual(['hell', 'o', ', wo', 'r', 'ld -', '-', '', '\n', null, { closed: '' }]);
  });

  it('t/066 TEST 21: alternating it(2) and receive(1) on "----abc----abc-\\n"', async () => {
    const sock = await peerSending('----abc----abc-\n', delivery);
    const it2 = sock.receiveUntil('--abc');
    const got: Result[] = [];
    for (let i = 0; i < 4; i++) {
      got.push(await outcome(it2(2)));
      got.push(await outcome(sock.receive(1)));
    }
    got.push(await outcome(it2(2)));
    got.push(await outcome(it2(2)));
    expect(got).toEqual(['--', '-', '-a', 'b', 'c-', '-', '', '-', null, { closed: '\n' }]);
  });

  it('t/066 TEST 22: two iterators and receive on "------abd----abc\\n"', async () => {
    const sock = await peerSending('------abd----abc\n', delivery);
    const reader1 = sock.receiveUntil('--abc');
    const reader2 = sock.receiveUntil('-ab');
    const got: Result[] = [];
    got.push(await outcome(reader1(2)));
    got.push(await outcome(sock.receive(1)));
    got.push(await outcome(reader1(1)));
    got.push(await outcome(reader2(2)));
    got.push(await outcome(reader1()));
    got.push(await outcome(reader1()));
    expect(got).toEqual(['--', '-', '-', '-', 'd--', { closed: '\n' }]);
  });

  it('t/066 TEST 25: it(2) -> "ab1", then receive(3) gets the withheld "ab1" back', async () => {
    const sock = await peerSending('ab1ab1\n', delivery);
    const it2 = sock.receiveUntil('ab1ab2');
    const got: Result[] = [];
    got.push(await outcome(it2(2)));
    got.push(await outcome(sock.receive(3)));
    got.push(await outcome(sock.receive(1)));
    got.push(await outcome(sock.receive(1)));
    expect(got).toEqual(['ab1', 'ab1', '\n', { closed: '' }]);
  });

  it('t/066 TEST 20: it(2) x4 on "-----abc\\n"', async () => {
    const sock = await peerSending('-----abc\n', delivery);
    const it2 = sock.receiveUntil('--abc');
    const got: Result[] = [];
    for (let i = 0; i < 4; i++) got.push(await outcome(it2(2)));
    expect(got).toEqual(['--', '-', null, { closed: '\n' }]);
  });

  it('README it(4) example, inclusive, then receive() reads the rest as a line', async () => {
    const sock = await peerSending('hello, world ----abc\nnext\n', delivery);
    const it4 = sock.receiveUntil('--abc', { inclusive: true });
    const got: Result[] = [];
    for (let i = 0; i < 5; i++) got.push(await outcome(it4(4)));
    got.push(await outcome(sock.receive()));
    got.push(await outcome(sock.receive()));
    got.push(await outcome(sock.receive()));
    expect(got).toEqual(['hell', 'o, w', 'orld', ' ----abc', null, '', 'next', { closed: '' }]);
  });

  it('a read after the closed error fails with closed and an empty partial', async () => {
    const sock = await peerSending('abc', delivery);
    const it = sock.receiveUntil('\r\n');
    expect(await outcome(it())).toEqual({ closed: 'abc' });
    expect(await outcome(it())).toEqual({ closed: '' });
    expect(await outcome(sock.receive(1))).toEqual({ closed: '' });
  });
});
