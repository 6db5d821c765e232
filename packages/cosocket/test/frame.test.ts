import { afterEach, describe, expect, it } from 'vitest';
import { failure, type ScriptedConnection, scriptedServer, type ScriptedServer } from '@cosocket/test-kit';
import { configure, CosocketError, FrameError, ProtocolError, receiveFrame, tcp, type FrameSpec, type TcpSocket } from '../src/index.js';

/**
 * receiveFrame over real TCP connections (api.md): good frames in every header layout, and
 * hostile lengths that must fail at once, close the socket, and never wait for or allocate the
 * announced body.
 */

let servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  configure();
});

/** A connected client; `script` plays the server side. */
async function connectTo(script: (conn: ScriptedConnection) => void | Promise<void>, readMs = 5000): Promise<TcpSocket<Buffer>> {
  const server = await scriptedServer(script);
  servers.push(server);
  const sock = tcp();
  sock.setTimeouts(2000, 2000, readMs);
  await sock.connect(server.host, server.port);
  return sock;
}

/** A connected client whose peer sends `bytes` and then stays silent (connection kept open). */
function peerSends(bytes: Buffer, then: 'stay' | 'close' = 'stay', readMs?: number) {
  let connection!: ScriptedConnection;
  const sock = connectTo(async (conn) => {
    connection = conn;
    await conn.write(bytes);
    if (then === 'close') conn.end();
  }, readMs);
  return sock.then((s) => ({ sock: s, conn: () => connection }));
}

function header(size: number, fill = 0xee): Buffer {
  return Buffer.alloc(size, fill);
}

describe('receiveFrame: good frames', () => {
  it('4-byte little-endian length that includes the header (MongoDB style)', async () => {
    const body = Buffer.from('{"ok":1}');
    const h = header(16);
    h.writeInt32LE(16 + body.length, 0);
    const { sock } = await peerSends(Buffer.concat([h, body]));
    const frame = await receiveFrame(sock, { headerSize: 16, maxSize: 1024 });
    expect(frame.header.equals(h)).toBe(true);
    expect(frame.body.equals(body)).toBe(true);
    await sock.close();
  });

  it('4-byte big-endian length at an offset, not counting the header', async () => {
    const body = Buffer.from('payload!');
    const h = header(10);
    h.writeInt32BE(body.length, 3);
    const { sock } = await peerSends(Buffer.concat([h, body]));
    const frame = await receiveFrame(sock, { headerSize: 10, lengthOffset: 3, byteOrder: 'be', lengthIncludesHeader: false, maxSize: 64 });
    expect(frame.header.equals(h)).toBe(true);
    expect(frame.body.toString()).toBe('payload!');
  });

  it.each([
    ['le', 2, false],
    ['be', 2, false],
    ['le', 2, true],
    ['be', 2, true],
    ['le', 1, false],
    ['be', 1, true],
    ['le', 4, false],
    ['be', 4, true],
  ] as const)('byteOrder %s, %d-byte length, includes header: %s', async (byteOrder, lengthBytes, includes) => {
    const body = Buffer.from('0123456789abcdef'.repeat(8)).subarray(0, 100 + lengthBytes);
    const headerSize = 2 + lengthBytes + 1;
    const h = header(headerSize);
    const length = includes ? headerSize + body.length : body.length;
    if (lengthBytes === 1) h.writeUInt8(length, 2);
    else if (lengthBytes === 2) byteOrder === 'le' ? h.writeUInt16LE(length, 2) : h.writeUInt16BE(length, 2);
    else byteOrder === 'le' ? h.writeInt32LE(length, 2) : h.writeInt32BE(length, 2);
    const tail = Buffer.from('next');
    const { sock } = await peerSends(Buffer.concat([h, body, tail]));
    const spec: FrameSpec = { headerSize, lengthOffset: 2, lengthBytes, byteOrder, lengthIncludesHeader: includes, maxSize: 1000 };
    const frame = await receiveFrame(sock, spec);
    expect(frame.header.equals(h)).toBe(true);
    expect(frame.body.equals(body)).toBe(true);
    // Exactly the frame was consumed.
    expect((await sock.receive(4)).toString()).toBe('next');
  });

  it('reads frames back to back, including an empty body and one exactly maxSize long', async () => {
    const frame = (body: string) => {
      const h = Buffer.alloc(4);
      h.writeInt32LE(4 + body.length, 0);
      return Buffer.concat([h, Buffer.from(body)]);
    };
    const big = 'x'.repeat(60);
    const { sock } = await peerSends(Buffer.concat([frame('one'), frame(''), frame(big), frame('two')]));
    const spec = { headerSize: 4, maxSize: 64 };
    expect((await receiveFrame(sock, spec)).body.toString()).toBe('one');
    expect((await receiveFrame(sock, spec)).body.length).toBe(0);
    expect((await receiveFrame(sock, spec)).body.toString()).toBe(big);
    expect((await receiveFrame(sock, spec)).body.toString()).toBe('two');
  });

  it('waits for a body that arrives in pieces', async () => {
    const body = Buffer.from('slowly arriving body');
    const h = Buffer.alloc(2);
    h.writeUInt16BE(body.length, 0);
    const sock = await connectTo(async (conn) => {
      conn.socket.setNoDelay(true);
      const all = Buffer.concat([h, body]);
      for (let i = 0; i < all.length; i += 3) {
        await conn.write(all.subarray(i, i + 3));
        await new Promise((r) => setTimeout(r, 2));
      }
    });
    const frame = await receiveFrame(sock, { headerSize: 2, lengthBytes: 2, byteOrder: 'be', lengthIncludesHeader: false, maxSize: 100 });
    expect(frame.body.equals(body)).toBe(true);
  });
});

describe('receiveFrame: bad lengths fail at once and close the socket', () => {
  async function expectClosedAfter(sock: TcpSocket<Buffer>, conn: ScriptedConnection): Promise<void> {
    const later = await failure(sock.receive(1), CosocketError);
    expect(later.code).toBe('closed');
    // The peer sees the connection go away.
    await conn.closed;
  }

  it('a negative 4-byte length', async () => {
    const h = Buffer.alloc(16);
    h.writeInt32LE(-1, 0);
    const { sock, conn } = await peerSends(Buffer.concat([h, Buffer.from('junk')]));
    const error = await failure(receiveFrame(sock, { headerSize: 16, maxSize: 1024 }), FrameError);
    // A bad length is the peer breaking the framing: a protocol error, not a transport one.
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).not.toBeInstanceOf(CosocketError);
    expect(error.code).toBe('bad frame length');
    expect(error.message).toMatch(/negative frame length -1/);
    await expectClosedAfter(sock, conn());
  });

  it('a length smaller than the header it includes', async () => {
    const h = Buffer.alloc(16);
    h.writeInt32LE(15, 0);
    const { sock, conn } = await peerSends(h);
    const error = await failure(receiveFrame(sock, { headerSize: 16, maxSize: 1024 }), FrameError);
    expect(error.code).toBe('bad frame length');
    expect(error.message).toMatch(/smaller than its 16-byte header/);
    await expectClosedAfter(sock, conn());
  });

  it('a length of 0 when it includes the header', async () => {
    const { sock, conn } = await peerSends(Buffer.alloc(4));
    const error = await failure(receiveFrame(sock, { headerSize: 4, maxSize: 1024 }), FrameError);
    expect(error.code).toBe('bad frame length');
    await expectClosedAfter(sock, conn());
  });

  it('a 2 GB announcement with nothing after it fails at once, without waiting for the body', async () => {
    const h = Buffer.alloc(16);
    h.writeInt32LE(0x7fffffff, 0);
    // A 10 s read timeout: waiting for the body would blow the time limit below.
    const { sock, conn } = await peerSends(h, 'stay', 10_000);
    const heapBefore = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const error = await failure(receiveFrame(sock, { headerSize: 16, maxSize: 48 * 1024 * 1024 }), FrameError);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * 1024 * 1024);
    expect(error.code).toBe('bad frame length');
    expect(error.message).toMatch(/frame length 2147483647 exceeds the maximum of 50331648 bytes/);
    await expectClosedAfter(sock, conn());
  });

  it('maxSize + 1 is refused, counting the header when the length does not include it', async () => {
    const h = Buffer.alloc(4);
    h.writeUInt32BE(61, 0); // 4 + 61 = 65 > 64
    const { sock, conn } = await peerSends(Buffer.concat([h, Buffer.alloc(61)]));
    const spec: FrameSpec = { headerSize: 4, byteOrder: 'be', lengthIncludesHeader: false, maxSize: 64 };
    const error = await failure(receiveFrame(sock, spec), FrameError);
    expect(error.message).toMatch(/frame length 65 exceeds the maximum of 64 bytes/);
    await expectClosedAfter(sock, conn());
  });

  it('2-byte lengths are unsigned: 0xffff is too large, not negative', async () => {
    const { sock, conn } = await peerSends(Buffer.from([0xff, 0xff]));
    const error = await failure(receiveFrame(sock, { headerSize: 2, lengthBytes: 2, maxSize: 1000 }), FrameError);
    expect(error.message).toMatch(/frame length 65535 exceeds/);
    await expectClosedAfter(sock, conn());
  });
});

describe('receiveFrame: the peer closes early', () => {
  it('a truncated body then close: CosocketError closed, partial = the body bytes received', async () => {
    const h = Buffer.alloc(4);
    h.writeInt32LE(4 + 10, 0);
    const { sock } = await peerSends(Buffer.concat([h, Buffer.from('abc')]), 'close');
    const error = await failure(receiveFrame(sock, { headerSize: 4, maxSize: 100 }), CosocketError);
    expect(error).not.toBeInstanceOf(FrameError);
    expect(error.code).toBe('closed');
    expect(error.partial.toString()).toBe('abc');
    expect((await failure(sock.receive(1), CosocketError)).code).toBe('closed');
  });

  it('a truncated header then close: closed, partial = the header bytes received', async () => {
    const { sock } = await peerSends(Buffer.from([1, 2]), 'close');
    const error = await failure(receiveFrame(sock, { headerSize: 4, maxSize: 100 }), CosocketError);
    expect(error.code).toBe('closed');
    expect([...(error.partial as Buffer)]).toEqual([1, 2]);
  });

  it('a read timeout while waiting for the body is a timeout, not a frame error', async () => {
    configure({ logErrors: false }); // the timeout is expected; keep the output quiet
    const h = Buffer.alloc(4);
    h.writeInt32LE(4 + 10, 0);
    const { sock } = await peerSends(Buffer.concat([h, Buffer.from('ab')]), 'stay', 100);
    const error = await failure(receiveFrame(sock, { headerSize: 4, maxSize: 100 }), CosocketError);
    expect(error.code).toBe('timeout');
    expect(error.partial.toString()).toBe('ab');
  });
});

describe('receiveFrame: bad specs', () => {
  const bad: [string, Partial<FrameSpec>][] = [
    ['headerSize 0', { headerSize: 0 }],
    ['negative headerSize', { headerSize: -4 }],
    ['fractional headerSize', { headerSize: 4.5 }],
    ['NaN headerSize', { headerSize: NaN }],
    ['lengthBytes 3', { lengthBytes: 3 as 4 }],
    ['lengthBytes 8', { lengthBytes: 8 as 4 }],
    ['negative lengthOffset', { lengthOffset: -1 }],
    ['fractional lengthOffset', { lengthOffset: 0.5 }],
    ['length field past the header', { headerSize: 4, lengthOffset: 1 }],
    ['2-byte field past the header', { headerSize: 4, lengthOffset: 3, lengthBytes: 2 }],
    ['maxSize below headerSize', { headerSize: 16, maxSize: 15 }],
    ['NaN maxSize', { maxSize: NaN }],
    ['fractional maxSize', { maxSize: 100.5 }],
  ];

  it.each(bad)('%s: RangeError before any I/O', async (_name, override) => {
    const spec = { headerSize: 4, maxSize: 100, ...override };
    // An unconnected socket: a read would fail with 'closed', so RangeError proves no read happened.
    await failure(receiveFrame(tcp(), spec), RangeError);
  });

  it('a bad spec consumes nothing from a connected socket', async () => {
    const h = Buffer.alloc(4);
    h.writeInt32LE(7, 0);
    const { sock } = await peerSends(Buffer.concat([h, Buffer.from('abc')]));
    await failure(receiveFrame(sock, { headerSize: 4, lengthBytes: 3 as 4, maxSize: 100 }), RangeError);
    expect((await receiveFrame(sock, { headerSize: 4, maxSize: 100 })).body.toString()).toBe('abc');
  });

  it('a socket that yields strings is refused with a TypeError', async () => {
    const server = await scriptedServer((conn) => conn.write(Buffer.from([8, 0, 0, 0, 1, 2, 3, 4])));
    servers.push(server);
    const sock = tcp({ encoding: 'latin1' });
    await sock.connect(server.host, server.port);
    await failure(receiveFrame(sock, { headerSize: 4, maxSize: 100 }), TypeError);
  });
});
