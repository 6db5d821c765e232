// Hostile frames from a scripted fake server (the only fake allowed): the client must fail at
// once with MongoProtocolError, allocate nothing large, and close the connection for good.

import { CosocketError, poolStats } from 'cosocket';
import { Binary, BSON, Mongo, MongoAuthError, MongoProtocolError, type Document } from 'resty-mongo';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedServer, type ScriptedConnection, type ScriptedServer } from '@cosocket/test-kit';

const OP_MSG = 2013;
const HELLO = {
  isWritablePrimary: true,
  maxBsonObjectSize: 16777216,
  maxMessageSizeBytes: 48000000,
  maxWriteBatchSize: 100000,
  maxWireVersion: 21,
  ok: 1,
};

/** Reads one request; returns its requestID and command. */
async function readRequest(conn: ScriptedConnection): Promise<{ id: number; cmd: Document }> {
  const header = await conn.read(16);
  const rest = await conn.read(header.readInt32LE(0) - 16);
  return { id: header.readInt32LE(4), cmd: BSON.deserialize(rest.subarray(5)) };
}

function frame(fields: { length?: number; responseTo: number; opCode?: number; payload: Buffer }): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(fields.length ?? 16 + fields.payload.length, 0);
  header.writeInt32LE(1, 4);
  header.writeInt32LE(fields.responseTo, 8);
  header.writeInt32LE(fields.opCode ?? OP_MSG, 12);
  return Buffer.concat([header, fields.payload]);
}

const body = (doc: Document): Buffer => Buffer.concat([Buffer.alloc(4), Buffer.from([0]), BSON.serialize(doc)]);

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that answers hello properly, then answers the next request with `hostile(id)`. */
async function hostileServer(hostile: (requestId: number) => Buffer, sawClose: { value: boolean }): Promise<ScriptedServer> {
  return scriptedServer(async (conn) => {
    const hello = await readRequest(conn);
    await conn.write(frame({ responseTo: hello.id, payload: body(HELLO) }));
    const next = await readRequest(conn);
    await conn.write(hostile(next.id));
    await conn.closed;
    sawClose.value = true;
  });
}

const cases: [string, (id: number) => Buffer, RegExp][] = [
  ['negative messageLength', (id) => frame({ length: -5, responseTo: id, payload: Buffer.alloc(0) }), /negative frame length/],
  ['huge messageLength', (id) => frame({ length: 2_000_000_000, responseTo: id, payload: Buffer.alloc(0) }), /exceeds the maximum/],
  ['messageLength below the header', (id) => frame({ length: 8, responseTo: id, payload: Buffer.alloc(0) }), /smaller than/],
  ['responseTo mismatch', (id) => frame({ responseTo: id + 1000, payload: body({ ok: 1 }) }), /responseTo/],
  ['truncated BSON', (id) => frame({ responseTo: id, payload: body({ ok: 1, pad: 'x'.repeat(40) }).subarray(0, 30) }), /truncated BSON/],
  ['OP_COMPRESSED', (id) => frame({ responseTo: id, opCode: 2012, payload: body({ ok: 1 }) }), /OP_COMPRESSED/],
  ['unknown opcode', (id) => frame({ responseTo: id, opCode: 2004, payload: body({ ok: 1 }) }), /opCode 2004/],
  [
    'unknown section kind',
    (id) => frame({ responseTo: id, payload: Buffer.concat([Buffer.alloc(4), Buffer.from([9, 0, 0, 0, 0])]) }),
    /section kind 9/,
  ],
  [
    'bad checksum',
    (id) => frame({ responseTo: id, payload: Buffer.concat([Buffer.from([1, 0, 0, 0]), body({ ok: 1 }).subarray(4), Buffer.alloc(4)]) }),
    /checksum/,
  ],
];

describe('resty-mongo against hostile frames', () => {
  for (const [title, hostile, message] of cases) {
    it(`${title}: MongoProtocolError at once, connection closed, never pooled`, async () => {
      const sawClose = { value: false };
      server = await hostileServer(hostile, sawClose);
      const pool = `hostile-${title}`;
      const m = new Mongo();
      m.setTimeout(5000);
      await m.connect(server.host, server.port, { pool });
      const started = performance.now();
      const error = await m
        .db('x')
        .command({ ping: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoProtocolError);
      expect((error as Error).message).toMatch(message);
      // It names where and in what: the message ends in (address, command).
      expect(error).toMatchObject({ address: `${server.host}:${server.port}`, command: 'ping' });
      expect((error as Error).message).toMatch(new RegExp(`\\(${server.host}:${server.port}, ping\\)$`));
      expect(performance.now() - started).toBeLessThan(1000); // no wait for the read timeout
      // Closed: no further use, nothing to pool.
      expect(() => m.getReusedTimes()).toThrow(CosocketError);
      await expect(m.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
      await expect.poll(() => sawClose.value).toBe(true);
      expect(poolStats()[pool]?.idle ?? 0).toBe(0);
    });
  }

  it('a valid reply dribbled in byte by byte is read whole', async () => {
    server = await scriptedServer(async (conn) => {
      conn.socket.setNoDelay(true);
      const hello = await readRequest(conn);
      await conn.write(frame({ responseTo: hello.id, payload: body(HELLO) }));
      const next = await readRequest(conn);
      const bytes = frame({ responseTo: next.id, payload: body({ ok: 1, value: 'dribbled' }) });
      for (const byte of bytes) {
        await conn.write(Buffer.from([byte]));
        await new Promise((r) => setImmediate(r));
      }
    });
    const m = new Mongo();
    await m.connect(server.host, server.port, { pool: 'dribble' });
    await expect(m.db('x').command({ ping: 1 })).resolves.toEqual({ ok: 1, value: 'dribbled' });
    await m.close();
  });

  it('a read timeout mid-reply closes the connection (the reply is still in flight)', async () => {
    server = await scriptedServer(async (conn) => {
      const hello = await readRequest(conn);
      await conn.write(frame({ responseTo: hello.id, payload: body(HELLO) }));
      const next = await readRequest(conn);
      await conn.write(frame({ responseTo: next.id, payload: body({ ok: 1 }) }).subarray(0, 20));
    });
    const m = new Mongo();
    m.setTimeouts(1000, 1000, 200);
    await m.connect(server.host, server.port, { pool: 'stall' });
    const address = `${server.host}:${server.port}`;
    await expect(m.db('x').command({ ping: 1 })).rejects.toMatchObject({ code: 'timeout', address, command: 'ping' });
    await expect(m.setKeepalive()).rejects.toMatchObject({ code: 'closed' });
    // The next command says why the connection is gone; close() has nothing left to do.
    const next = await m
      .db('x')
      .collection('c')
      .findOne({})
      .catch((e: unknown) => e);
    expect(next).toMatchObject({ code: 'closed', address, command: 'find' });
    expect((next as Error).message).toBe(`closed (after a read timeout) (${address}, find)`);
    await expect(m.close()).resolves.toBeUndefined();
  });

  it('the server closing mid-request is a located transport error, and later commands say why', async () => {
    server = await scriptedServer(async (conn) => {
      const hello = await readRequest(conn);
      await conn.write(frame({ responseTo: hello.id, payload: body(HELLO) }));
      await readRequest(conn);
      conn.end();
    });
    const m = new Mongo();
    m.setTimeout(5000);
    await m.connect(server.host, server.port, { pool: 'hangup' });
    const address = `${server.host}:${server.port}`;
    const error = await m
      .db('x')
      .command({ count: 'c' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'closed', address, command: 'count' });
    expect((error as Error).message).toBe(`closed (${address}, count)`);
    await expect(m.db('x').command({ ping: 1 })).rejects.toThrow(`closed (after a failed request) (${address}, ping)`);
    await expect(m.close()).resolves.toBeUndefined();
  });

  it('an untrusted SCRAM answer is a MongoAuthError naming address and saslStart; the connection is closed', async () => {
    server = await scriptedServer(async (conn) => {
      const hello = await readRequest(conn);
      await conn.write(frame({ responseTo: hello.id, payload: body(HELLO) }));
      const start = await readRequest(conn);
      // A server nonce that does not extend the client's: a server that cannot be trusted.
      const payload = new Binary(Buffer.from('r=not-the-client-nonce,s=c2FsdA==,i=4096'), 0);
      await conn.write(frame({ responseTo: start.id, payload: body({ conversationId: 1, done: false, payload, ok: 1 }) }));
      await conn.closed;
    });
    const m = new Mongo();
    m.setTimeout(5000);
    const address = `${server.host}:${server.port}`;
    const error = await m
      .connect(server.host, server.port, { pool: 'liar', username: 'u', password: 'p', mechanism: 'SCRAM-SHA-256' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoAuthError);
    expect(error).toMatchObject({ address, command: 'saslStart' });
    expect((error as Error).message).toBe(`SCRAM: the server nonce does not extend the client nonce (${address}, saslStart)`);
    expect(() => m.getReusedTimes()).toThrow(`closed (after a failed handshake) (${address}, getreusedtimes)`);
  });

  it('refuses a server without OP_MSG (maxWireVersion < 6) and closes', async () => {
    server = await scriptedServer(async (conn) => {
      const hello = await readRequest(conn);
      await conn.write(frame({ responseTo: hello.id, payload: body({ ...HELLO, maxWireVersion: 5 }) }));
    });
    const m = new Mongo();
    await expect(m.connect(server.host, server.port, { pool: 'old' })).rejects.toThrow(/maxWireVersion 5.*\(127\.0\.0\.1:\d+, connect\)$/);
    expect(() => m.getReusedTimes()).toThrow(CosocketError);
  });
});
