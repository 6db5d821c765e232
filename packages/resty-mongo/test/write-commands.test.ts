import { BSON, Long, ObjectId, type Document } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MongoSizeError } from '../src/errors.js';
import { serializeStatements, withIds } from '../src/write-commands.js';

const LIMIT = 16 * 1024 * 1024;
const OPTIONS = { checkKeys: false, serializeFunctions: false, ignoreUndefined: false };

/** The statements as insertMany sends them: one buffer, sliced by offsets. */
function sent(docs: readonly Document[], limit = LIMIT): { wire: Buffer[]; ids: unknown[]; out: Document[] } {
  const prepared = withIds(docs);
  const { bytes, offsets } = serializeStatements(prepared.docs, limit, prepared.prefixIds);
  const wire = prepared.docs.map((_, i) => bytes.subarray(offsets[i], offsets[i + 1]));
  return { wire, ids: prepared.ids, out: prepared.docs };
}

/**
 * What an insert must send: `_id` first, then the document's fields in `Object.keys` order
 * (a Map keeps insertion order even for integer-like keys, which a `{ _id, ...doc }` would not).
 */
function expected(id: unknown, doc: Document): Buffer {
  const fields = new Map<string, unknown>([['_id', id]]);
  for (const key of Object.keys(doc)) if (key !== '_id') fields.set(key, doc[key]);
  return Buffer.from(BSON.serialize(fields, OPTIONS));
}

describe('withIds + serializeStatements (insert documents)', () => {
  it('splices a generated _id first, byte for byte what { _id, ...doc } serializes to', () => {
    const docs: Document[] = [
      {},
      { name: 'rex', age: 3 },
      { nested: { a: [1, 'x', { b: null }] }, big: Long.fromString('9007199254740993'), when: new Date(0) },
      { ключ: '値', emoji: '🎉', u: undefined },
      Object.assign(Object.create(null) as Document, { n: 1 }),
    ];
    const { wire, ids, out } = sent(docs);
    for (let i = 0; i < docs.length; i++) {
      expect(ids[i]).toBeInstanceOf(ObjectId);
      expect(wire[i]).toEqual(Buffer.from(BSON.serialize({ _id: ids[i], ...docs[i] }, OPTIONS)));
      expect(out[i]).toBe(docs[i]); // not copied
      expect(Object.hasOwn(docs[i]!, '_id')).toBe(false); // not mutated
    }
  });

  it('sends a document that has an _id as it is', () => {
    const docs = [
      { _id: 'b', name: 'b' },
      { x: 1, _id: 7 },
      { _id: null, y: 2 },
    ];
    const { wire, ids, out } = sent(docs);
    expect(ids).toEqual(['b', 7, null]);
    for (let i = 0; i < docs.length; i++) {
      expect(out[i]).toBe(docs[i]);
      expect(wire[i]).toEqual(Buffer.from(BSON.serialize(docs[i]!, OPTIONS)));
    }
  });

  it('puts _id first even before integer-like keys', () => {
    const doc = { a: 1, 2: 'two', b: 3 };
    const { wire, ids } = sent([doc]);
    expect(wire[0]).toEqual(expected(ids[0], doc));
    // The first element is _id (type 0x07); a `{ _id, ...doc }` copy put '2' first.
    expect([...wire[0]!.subarray(4, 9)]).toEqual([0x07, ...Buffer.from('_id\0')]);
    expect(wire[0]!.equals(BSON.serialize({ _id: ids[0], ...doc }, OPTIONS))).toBe(false);
  });

  it('copies (never mutates) what it cannot splice, still _id first', () => {
    class Pet {
      constructor(readonly name: string) {}
    }
    const withToBSON = { secret: 1, toBSON: () => ({ shown: 1 }) };
    const undefinedId = { a: 1, _id: undefined };
    const pet = new Pet('rex');
    const { wire, ids, out } = sent([pet, withToBSON, undefinedId]);
    // Unchanged from before: the copy's own keys, _id first.
    expect(out[0]).not.toBe(pet);
    expect(wire[0]).toEqual(Buffer.from(BSON.serialize({ _id: ids[0], name: 'rex' }, OPTIONS)));
    expect(wire[1]).toEqual(Buffer.from(BSON.serialize({ _id: ids[1], ...withToBSON }, OPTIONS)));
    // An own `_id: undefined` goes out as the generated id (it used to go out as null).
    expect(BSON.deserialize(wire[2]!)).toEqual({ _id: ids[2], a: 1 });
    expect(Object.keys(BSON.deserialize(wire[2]!))).toEqual(['_id', 'a']);
    expect(undefinedId).toEqual({ a: 1, _id: undefined });
    expect(Object.hasOwn(pet, '_id')).toBe(false);
  });

  it('mixes spliced, copied and as-is documents across buffer growth', () => {
    // 64 documents of ~5 KB outgrow the initial 8 KB buffer several times.
    const docs: Document[] = Array.from({ length: 64 }, (_, i) =>
      i % 3 === 0 ? { _id: i, blob: 'x'.repeat(5000) } : i % 3 === 1 ? { i, blob: 'y'.repeat(5000 + i) } : { i, _id: undefined, blob: 'z' },
    );
    const { wire, ids } = sent(docs);
    // Buffer.equals: a deep toEqual over 5 KB buffers is slow.
    for (let i = 0; i < docs.length; i++) expect(wire[i]!.equals(expected(ids[i], docs[i]!)), `document ${i}`).toBe(true);
  });

  it('counts the spliced _id against maxBsonObjectSize', () => {
    const doc = { s: 'x'.repeat(80) };
    const size = BSON.calculateObjectSize(doc) + 17;
    expect(sent([doc], size).wire[0]).toHaveLength(size);
    const error = (() => {
      try {
        sent([doc], size - 1);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MongoSizeError);
    expect((error as MongoSizeError).message).toBe(`document at index 0 is ${size} bytes, above maxBsonObjectSize ${size - 1}`);
  });

  it('random plain documents (fast-check)', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 6 }).filter((k) => !k.includes('\0') && k !== '_id'),
      fc.constantFrom('0', '1', '42', '_ID', '$x', 'a.b'),
    );
    const leaf = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const value = fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(key, leaf, { maxKeys: 3 }));
    const docs = fc.array(fc.dictionary(key, value, { maxKeys: 6 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(docs, (batch) => {
        const { wire, ids } = sent(batch);
        for (let i = 0; i < batch.length; i++) expect(wire[i]!.equals(expected(ids[i], batch[i]!)), `document ${i}`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
