import { BSON, type Document } from 'bson';
import { MongoProtocolError } from '../errors.js';
import { crc32c } from './crc32c.js';
import { FLAG_CHECKSUM_PRESENT, HEADER_SIZE, KNOWN_FLAGS, OP_MSG, REQUIRED_FLAG_MASK, writeHeader } from './header.js';

/**
 * OP_MSG encoding and decoding. A message is the header, `uint32 flagBits`, one kind-0
 * section (the command body), any kind-1 sections (document sequences, used for the
 * documents of insert/update/delete batches) and an optional CRC-32C.
 */

/** A kind-1 section: pre-serialized documents that the server merges into the body as an array. */
export interface DocumentSequence {
  /** The command argument the documents belong to (`documents`, `updates`, `deletes`). */
  identifier: string;
  documents: Uint8Array[];
}

export interface EncodedMessage {
  /** The message in pieces, handed to one `send` (writev), never concatenated as a whole. */
  pieces: Buffer[];
  length: number;
}

/** The message length a body plus sequences will have (for limit checks before encoding). */
export function opMsgLength(bodyLength: number, sequences: readonly DocumentSequence[], checksum = false): number {
  let total = HEADER_SIZE + 4 + 1 + bodyLength;
  for (const seq of sequences) {
    total += 1 + 4 + Buffer.byteLength(seq.identifier) + 1;
    for (const doc of seq.documents) total += doc.byteLength;
  }
  return checksum ? total + 4 : total;
}

/** Encodes one OP_MSG request: `body` is the serialized command (name first, `$db` set). */
export function encodeOpMsg(
  requestId: number,
  body: Uint8Array,
  sequences: readonly DocumentSequence[] = [],
  options: { checksum?: boolean } = {},
): EncodedMessage {
  const checksum = options.checksum === true;
  const head = Buffer.allocUnsafe(HEADER_SIZE + 5);
  const pieces: Buffer[] = [head, asBuffer(body)];
  let length = head.length + body.byteLength;
  for (const seq of sequences) {
    const idLength = Buffer.byteLength(seq.identifier);
    let docsLength = 0;
    for (const doc of seq.documents) docsLength += doc.byteLength;
    const sectionHead = Buffer.allocUnsafe(1 + 4 + idLength + 1);
    sectionHead[0] = 1;
    // The size counts itself, the identifier and the documents, not the kind byte.
    sectionHead.writeInt32LE(4 + idLength + 1 + docsLength, 1);
    sectionHead.write(seq.identifier, 5, 'utf8');
    sectionHead[5 + idLength] = 0;
    // One buffer per sequence: a writev of thousands of tiny pieces costs more than a copy.
    // Documents already serialized back to back arrive as one buffer and are not copied.
    const docs = seq.documents.length === 1 ? asBuffer(seq.documents[0]!) : Buffer.concat(seq.documents, docsLength);
    pieces.push(sectionHead, docs);
    length += sectionHead.length + docsLength;
  }
  if (checksum) length += 4;
  writeHeader(head, length, requestId, OP_MSG);
  head.writeUInt32LE(checksum ? FLAG_CHECKSUM_PRESENT : 0, 16);
  head[20] = 0;
  if (checksum) {
    let crc = 0;
    for (const piece of pieces) crc = crc32c(piece, crc);
    const tail = Buffer.allocUnsafe(4);
    tail.writeUInt32LE(crc, 0);
    pieces.push(tail);
  }
  return { pieces, length };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** How reply documents are decoded (the client's defaults follow the Node driver's). */
export type DecodeOptions = BSON.DeserializeOptions;

/**
 * Decodes an OP_MSG reply. `header` is the 16-byte header, `payload` the rest of the message.
 * Throws `MongoProtocolError` for anything malformed; the caller closes the connection.
 */
export function decodeOpMsg(header: Buffer, payload: Buffer, options: DecodeOptions = {}): Document {
  if (payload.length < 5) throw new MongoProtocolError(`OP_MSG of ${payload.length + HEADER_SIZE} bytes is too short`);
  const flags = payload.readUInt32LE(0);
  const unknownRequired = flags & REQUIRED_FLAG_MASK & ~KNOWN_FLAGS;
  if (unknownRequired !== 0) throw new MongoProtocolError(`OP_MSG reply has unknown required flag bits 0x${unknownRequired.toString(16)}`);
  if (flags & 2) throw new MongoProtocolError('OP_MSG reply has moreToCome set, but no exhaust cursor was requested');
  let end = payload.length;
  if (flags & FLAG_CHECKSUM_PRESENT) {
    if (payload.length < 9) throw new MongoProtocolError('OP_MSG reply too short for its checksum');
    end -= 4;
    const expected = payload.readUInt32LE(end);
    const actual = crc32c(payload.subarray(0, end), crc32c(header));
    if (actual !== expected) {
      throw new MongoProtocolError(`OP_MSG checksum mismatch (got 0x${expected.toString(16)}, computed 0x${actual.toString(16)})`);
    }
  }
  let body: Document | undefined;
  const sequences: [string, Document[]][] = [];
  let at = 4;
  while (at < end) {
    const kind = payload[at++];
    if (kind === 0) {
      if (body !== undefined) throw new MongoProtocolError('OP_MSG reply has more than one kind-0 section');
      const size = documentSize(payload, at, end);
      body = deserialize(payload.subarray(at, at + size), options);
      at += size;
    } else if (kind === 1) {
      if (at + 4 > end) throw new MongoProtocolError('truncated kind-1 section');
      const size = payload.readInt32LE(at);
      const sectionEnd = at + size;
      if (size < 5 || sectionEnd > end) throw new MongoProtocolError(`bad kind-1 section size ${size}`);
      const nul = payload.indexOf(0, at + 4);
      if (nul === -1 || nul >= sectionEnd) throw new MongoProtocolError('kind-1 section identifier is not terminated');
      const identifier = payload.toString('utf8', at + 4, nul);
      const docs: Document[] = [];
      let p = nul + 1;
      while (p < sectionEnd) {
        const docSize = documentSize(payload, p, sectionEnd);
        docs.push(deserialize(payload.subarray(p, p + docSize), options));
        p += docSize;
      }
      sequences.push([identifier, docs]);
      at = sectionEnd;
    } else {
      throw new MongoProtocolError(`OP_MSG reply has unknown section kind ${String(kind)}`);
    }
  }
  if (body === undefined) throw new MongoProtocolError('OP_MSG reply has no kind-0 section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  return body;
}

/** The size of the BSON document at `at`, checked to fit before `end`. */
function documentSize(payload: Buffer, at: number, end: number): number {
  if (at + 5 > end) throw new MongoProtocolError('truncated BSON document in reply');
  const size = payload.readInt32LE(at);
  if (size < 5 || at + size > end) throw new MongoProtocolError(`truncated BSON document in reply (declares ${size} bytes, ${end - at} left)`);
  return size;
}

function deserialize(bytes: Buffer, options: DecodeOptions): Document {
  try {
    return BSON.deserialize(bytes, options);
  } catch (error) {
    throw new MongoProtocolError(`malformed BSON in reply: ${(error as Error).message}`, { cause: error });
  }
}
