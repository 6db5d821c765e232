import { BSON } from 'bson';
import { describe, expect, it } from 'vitest';
import { MongoProtocolError } from '../src/errors.js';
import { crc32c } from '../src/wire/crc32c.js';
import { nextRequestId, OP_MSG } from '../src/wire/header.js';
import { decodeOpMsg, encodeOpMsg, opMsgLength } from '../src/wire/op-msg.js';
import { readReply } from '../src/wire/read-message.js';

/** A reply as a server would write it, from raw sections. */
function reply(responseTo: number, sections: Buffer[], flags = 0, opCode = OP_MSG, checksum?: number): Buffer {
  const payload = Buffer.concat([u32(flags), ...sections, ...(checksum === undefined ? [] : [u32(checksum)])]);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(999, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}
const kind0 = (doc: BSON.Document): Buffer => Buffer.concat([Buffer.from([0]), BSON.serialize(doc)]);
function kind1(id: string, docs: BSON.Document[]): Buffer {
  const bodies = docs.map((d) => BSON.serialize(d));
  const size = 4 + Buffer.byteLength(id) + 1 + bodies.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([Buffer.from([1]), u32(size), Buffer.from(`${id}\0`), ...bodies]);
}
const split = (msg: Buffer): [Buffer, Buffer] => [msg.subarray(0, 16), msg.subarray(16)];

/** An in-memory FrameSource serving `data`; records force-closes. */
function source(data: Buffer) {
  let at = 0;
  const state = { closed: '' as string, reads: [] as number[] };
  return {
    state,
    async receive(n: number): Promise<Buffer> {
      state.reads.push(n);
      if (at + n > data.length) throw new Error('would block');
      const out = data.subarray(at, at + n);
      at += n;
      return out;
    },
    forceClose(reason: string): void {
      state.closed = reason;
    },
  };
}

describe('OP_MSG encoding', () => {
  it('writes the header, flags, kind-0 body and kind-1 sequences', () => {
    const body = BSON.serialize({ insert: 'c', $db: 'd' });
    const docs = [BSON.serialize({ a: 1 }), BSON.serialize({ b: 'x' })];
    const msg = encodeOpMsg(77, body, [{ identifier: 'documents', documents: docs }]);
    const bytes = Buffer.concat(msg.pieces);
    expect(bytes.length).toBe(msg.length);
    expect(msg.length).toBe(opMsgLength(body.length, [{ identifier: 'documents', documents: docs }]));
    expect(bytes.readInt32LE(0)).toBe(bytes.length);
    expect(bytes.readInt32LE(4)).toBe(77);
    expect(bytes.readInt32LE(8)).toBe(0);
    expect(bytes.readInt32LE(12)).toBe(2013);
    expect(bytes.readUInt32LE(16)).toBe(0);
    expect(bytes[20]).toBe(0);
    expect(BSON.deserialize(bytes.subarray(21, 21 + body.length))).toEqual({ insert: 'c', $db: 'd' });
    const s = 21 + body.length;
    expect(bytes[s]).toBe(1);
    expect(bytes.readInt32LE(s + 1)).toBe(bytes.length - s - 1); // size excludes the kind byte
    expect(bytes.toString('utf8', s + 5, s + 14)).toBe('documents');
    expect(bytes[s + 14]).toBe(0);
    // The same bytes decode back, sequences merged into the body as arrays.
    const [h, p] = split(bytes);
    expect(decodeOpMsg(h, p)).toEqual({ insert: 'c', $db: 'd', documents: [{ a: 1 }, { b: 'x' }] });
  });

  it('appends a valid CRC-32C when asked', () => {
    const msg = encodeOpMsg(5, BSON.serialize({ ping: 1 }), [], { checksum: true });
    const bytes = Buffer.concat(msg.pieces);
    expect(bytes.readInt32LE(0)).toBe(bytes.length);
    expect(bytes.readUInt32LE(16)).toBe(1);
    expect(bytes.readUInt32LE(bytes.length - 4)).toBe(crc32c(bytes.subarray(0, bytes.length - 4)));
    const [h, p] = split(bytes);
    expect(decodeOpMsg(h, p)).toEqual({ ping: 1 });
  });

  it('request ids are positive and increase', () => {
    const a = nextRequestId();
    const b = nextRequestId();
    expect(a).toBeGreaterThan(0);
    expect(b).toBe(a + 1);
  });
});

describe('OP_MSG decoding', () => {
  it('decodes a kind-0 reply and merges kind-1 sections', () => {
    const [h, p] = split(reply(1, [kind1('docs', [{ i: 1 }, { i: 2 }]), kind0({ ok: 1 }), kind1('more', [])]));
    expect(decodeOpMsg(h, p)).toEqual({ ok: 1, docs: [{ i: 1 }, { i: 2 }], more: [] });
  });

  it('ignores unknown high flag bits but refuses unknown required ones and moreToCome', () => {
    const ok = kind0({ ok: 1 });
    expect(decodeOpMsg(...split(reply(1, [ok], 1 << 16)))).toEqual({ ok: 1 });
    expect(() => decodeOpMsg(...split(reply(1, [ok], 1 << 3)))).toThrow(/required flag/);
    expect(() => decodeOpMsg(...split(reply(1, [ok], 2)))).toThrow(/moreToCome/);
  });

  it('verifies a checksum when the flag is set', () => {
    const unsigned = reply(1, [kind0({ ok: 1 })], 1, OP_MSG, 0);
    const crc = crc32c(unsigned.subarray(0, unsigned.length - 4));
    const signed = Buffer.from(unsigned);
    signed.writeUInt32LE(crc, signed.length - 4);
    expect(decodeOpMsg(...split(signed))).toEqual({ ok: 1 });
    signed.writeUInt32LE((crc ^ 1) >>> 0, signed.length - 4);
    expect(() => decodeOpMsg(...split(signed))).toThrow(/checksum/);
  });

  it('refuses malformed section layouts', () => {
    const bad = (sections: Buffer[]) => () => decodeOpMsg(...split(reply(1, sections)));
    expect(bad([])).toThrow(MongoProtocolError);
    expect(bad([kind1('x', [])])).toThrow(/no kind-0/);
    expect(bad([kind0({ ok: 1 }), kind0({ ok: 1 })])).toThrow(/more than one/);
    expect(bad([Buffer.from([2, 0, 0, 0, 0])])).toThrow(/section kind 2/);
    const doc = kind0({ ok: 1, pad: 'x'.repeat(20) });
    expect(bad([doc.subarray(0, doc.length - 3)])).toThrow(/truncated BSON/);
    const lying = Buffer.from(doc);
    lying.writeInt32LE(1000, 1); // BSON length beyond the message
    expect(bad([lying])).toThrow(/truncated BSON/);
    const garbage = Buffer.from(doc);
    garbage[5] = 0x7f; // unknown BSON element type
    expect(bad([garbage])).toThrow(/malformed BSON/);
    const section = kind1('docs', [{ a: 1 }]);
    section.writeInt32LE(500, 1);
    expect(bad([kind0({ ok: 1 }), section])).toThrow(/kind-1 section size/);
  });
});

describe('readReply', () => {
  it('reads exactly one frame: the header, then the announced rest', async () => {
    const msg = reply(42, [kind0({ ok: 1, n: 3 })]);
    const src = source(Buffer.concat([msg, Buffer.from('next')]));
    await expect(readReply(src, 42, 48_000_000, {})).resolves.toEqual({ ok: 1, n: 3 });
    expect(src.state.reads).toEqual([16, msg.length - 16]);
    expect(src.state.closed).toBe('');
  });

  it('closes the source and throws MongoProtocolError on a responseTo mismatch or a foreign opcode', async () => {
    for (const [msg, pattern] of [
      [reply(41, [kind0({ ok: 1 })]), /responseTo 41/],
      [reply(42, [kind0({ ok: 1 })], 0, 2012), /OP_COMPRESSED/],
      [reply(42, [kind0({ ok: 1 })], 0, 1), /opCode 1/],
    ] as const) {
      const src = source(msg);
      await expect(readReply(src, 42, 48_000_000, {})).rejects.toThrow(pattern);
      expect(src.state.closed).not.toBe('');
    }
  });

  it('refuses negative, tiny and oversized lengths before reading the body', async () => {
    for (const length of [-1, -2147483648, 3, 15, 48_000_001, 2147483647]) {
      const header = Buffer.alloc(16);
      header.writeInt32LE(length, 0);
      header.writeInt32LE(42, 8);
      header.writeInt32LE(OP_MSG, 12);
      const src = source(header);
      const error = await readReply(src, 42, 48_000_000, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoProtocolError);
      expect(src.state.reads).toEqual([16]);
      expect(src.state.closed).not.toBe('');
    }
  });
});
