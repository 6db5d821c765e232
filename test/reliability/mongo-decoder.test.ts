// Hostile input for resty-mongo's reply path: OP_MSG frames and BSON documents. Valid replies
// (checksummed or not, with document sequences) decode exactly whatever the split; random and
// mutated bytes end only in a document or a MongoProtocolError that closed the socket; no read
// ever asks for more than the message size limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BSON, CosocketError, MongoProtocolError, type Document } from 'resty-mongo';
import { crc32c } from '../../packages/resty-mongo/src/wire/crc32c.js';
import { decodeOpMsg } from '../../packages/resty-mongo/src/wire/op-msg.js';
import { readReply } from '../../packages/resty-mongo/src/wire/read-message.js';
import { ChunkedSocket, cutAt } from '@cosocket/test-kit';
import { PROPERTY_RUNS } from './support/runs.js';
import { count } from './support/stats.js';

const DECODE = { promoteLongs: true, promoteValues: true, promoteBuffers: false, bsonRegExp: false };
const REQUEST_ID = 77;
const MAX = 4096;

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 8 }),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ unit: fc.constantFrom(...'abcdefgh'.split('')), minLength: 1, maxLength: 4 }), tie('value'), { maxKeys: 3 }),
  ),
}));
const doc = fc.dictionary(fc.string({ unit: fc.constantFrom(...'abcdefgh'.split('')), minLength: 1, maxLength: 4 }), value, { maxKeys: 4 });

interface Reply {
  body: Document;
  sequence: { identifier: string; docs: Document[] } | null;
  checksum: boolean;
}
const reply: fc.Arbitrary<Reply> = fc.record({
  body: doc.map((d) => ({ ok: 1, ...d })),
  sequence: fc.option(fc.record({ identifier: fc.constantFrom('documents', 'cursor_batch'), docs: fc.array(doc, { maxLength: 3 }) })),
  checksum: fc.boolean(),
});

/** A complete OP_MSG reply message (header included) answering REQUEST_ID. */
function encodeReply(r: Reply): Buffer {
  const sections: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(r.body))];
  if (r.sequence !== null) {
    const docs = r.sequence.docs.map((d) => Buffer.from(BSON.serialize(d)));
    const id = Buffer.from(`${r.sequence.identifier}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.reduce((n, d) => n + d.length, 0));
    sections.push(Buffer.from([1]), size, id, ...docs);
  }
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE(r.checksum ? 1 : 0);
  const payload = Buffer.concat([flags, ...sections]);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length + (r.checksum ? 4 : 0), 0);
  header.writeInt32LE(9, 4);
  header.writeInt32LE(REQUEST_ID, 8);
  header.writeInt32LE(2013, 12);
  if (!r.checksum) return Buffer.concat([header, payload]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32c(payload, crc32c(header)));
  return Buffer.concat([header, payload, crc]);
}

function expectedDoc(r: Reply): Document {
  const body = BSON.deserialize(BSON.serialize(r.body), DECODE);
  if (r.sequence !== null) body[r.sequence.identifier] = r.sequence.docs.map((d) => BSON.deserialize(BSON.serialize(d), DECODE));
  return body;
}

/** readReply's outcome; anything but a document, a MongoProtocolError (socket closed) or EOF fails. */
async function read(chunks: Buffer[]): Promise<{ doc?: Document; error?: unknown; source: ChunkedSocket }> {
  const source = new ChunkedSocket(chunks);
  try {
    return { doc: await readReply(source, REQUEST_ID, MAX, DECODE), source };
  } catch (error) {
    if (error instanceof MongoProtocolError) expect(source.closed).toBe(true);
    else {
      expect(error).toBeInstanceOf(CosocketError);
      expect((error as CosocketError).code).toBe('closed');
    }
    return { error, source };
  } finally {
    expect(source.largest).toBeLessThanOrEqual(MAX);
  }
}

const cuts = fc.array(fc.nat(600), { maxLength: 6 });

describe('resty-mongo OP_MSG / BSON replies under hostile input', () => {
  it('decodes any valid reply exactly, checksummed or not, however it is split', async () => {
    await fc.assert(
      fc.asyncProperty(reply, cuts, async (r, at) => {
        count('hostileInputs');
        const bytes = encodeReply(r);
        fc.pre(bytes.length <= MAX);
        const { doc: got, error } = await read(cutAt(bytes, at));
        expect(error).toBeUndefined();
        expect(got).toEqual(expectedDoc(r));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('random payloads after a valid header: a document or a MongoProtocolError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
        count('hostileInputs');
        const payload = Buffer.from(raw);
        const header = Buffer.alloc(16);
        header.writeInt32LE(16 + payload.length, 0);
        header.writeInt32LE(2013, 12);
        try {
          decodeOpMsg(header, payload, DECODE);
        } catch (error) {
          expect(error).toBeInstanceOf(MongoProtocolError);
        }
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('mutated valid replies: a document or a protocol error that closed the socket', async () => {
    await fc.assert(
      fc.asyncProperty(
        reply,
        fc.array(fc.tuple(fc.nat(600), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(600),
        cuts,
        async (r, flips, truncate, at) => {
          count('hostileInputs');
          let bytes = encodeReply(r);
          for (const [pos, byte] of flips) bytes[pos % bytes.length] = byte;
          if (truncate % 3 === 0) bytes = bytes.subarray(0, truncate % (bytes.length + 1));
          await read(cutAt(bytes, at));
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('random bytes as a whole message: never a read beyond maxMessageSize', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), cuts, async (raw, length, at) => {
        count('hostileInputs');
        const bytes = Buffer.from(raw);
        if (bytes.length >= 4) bytes.writeInt32LE(length % 3 === 0 ? length : bytes.length, 0);
        await read(cutAt(bytes, at));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
