// Smoke test: the shared MongoDB-protocol server (FerretDB or mongod) answers a
// hand-built OP_MSG `hello` sent through the cosocket.
// Wire format: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
import { tcp } from 'cosocket';
// bson does not resolve from the repository root (it is a dependency of
// packages/resty-mongo only); the root devDependency `mongodb` re-exports it.
import { BSON } from 'mongodb';
import { expect, it } from 'vitest';
import { describeServer } from '../servers/index.js';

const OP_MSG = 2013;

function opMsg(requestId: number, doc: BSON.Document): Buffer {
  const body = BSON.serialize(doc);
  const head = Buffer.alloc(21);
  head.writeInt32LE(head.length + body.length, 0); // messageLength
  head.writeInt32LE(requestId, 4); // requestID
  head.writeInt32LE(0, 8); // responseTo
  head.writeInt32LE(OP_MSG, 12); // opCode
  head.writeUInt32LE(0, 16); // flagBits
  head.writeUInt8(0, 20); // section kind 0: body
  return Buffer.concat([head, body]);
}

describeServer('mongo', 'mongo smoke', (mongo) => {
  it(`answers hello over a raw cosocket (${mongo.description})`, async () => {
    const s = tcp();
    s.setTimeout(2000);
    await s.connect(mongo.host, mongo.port);
    try {
      await s.send(opMsg(7, { hello: 1, $db: 'admin' }));
      const header: Buffer = await s.receive(16);
      const length = header.readInt32LE(0);
      expect(header.readInt32LE(8)).toBe(7); // responseTo our requestID
      expect(header.readInt32LE(12)).toBe(OP_MSG);
      const rest: Buffer = await s.receive(length - 16);
      expect(rest.readUInt8(4)).toBe(0); // one kind-0 section after flagBits
      const reply = BSON.deserialize(rest.subarray(5));
      expect(reply.ok).toBe(1);
      expect(reply.isWritablePrimary).toBe(true);
      expect(reply.maxWireVersion).toBeGreaterThanOrEqual(17);
    } finally {
      await s.close();
    }
  });
});
