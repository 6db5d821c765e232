/** The 16-byte header every MongoDB wire message starts with (all fields int32 little-endian). */
export const HEADER_SIZE = 16;
export const OP_MSG = 2013;
export const OP_COMPRESSED = 2012;
export const OP_REPLY = 1;

/** flagBits of OP_MSG. */
export const FLAG_CHECKSUM_PRESENT = 1 << 0;
export const FLAG_MORE_TO_COME = 1 << 1;
/** The low 16 bits are "required": a reply with an unknown one set must be refused. */
export const REQUIRED_FLAG_MASK = 0xffff;
export const KNOWN_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME;

/** MongoDB's and FerretDB's message cap; also our limit before the handshake told us. */
export const DEFAULT_MAX_MESSAGE_SIZE = 48_000_000;
export const DEFAULT_MAX_BSON_SIZE = 16 * 1024 * 1024;
export const DEFAULT_MAX_WRITE_BATCH = 100_000;

let lastRequestId = 0;

/** A process-wide request id: positive, wrapping at 2^31 and skipping 0 (as the Node driver). */
export function nextRequestId(): number {
  lastRequestId = (lastRequestId + 1) & 0x7fffffff;
  if (lastRequestId === 0) lastRequestId = 1;
  return lastRequestId;
}

export interface MessageHeader {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export function readHeader(header: Buffer): MessageHeader {
  return {
    messageLength: header.readInt32LE(0),
    requestId: header.readInt32LE(4),
    responseTo: header.readInt32LE(8),
    opCode: header.readInt32LE(12),
  };
}

/** Writes a request header into `target` (responseTo is always 0 on requests). */
export function writeHeader(target: Buffer, messageLength: number, requestId: number, opCode = OP_MSG): void {
  target.writeInt32LE(messageLength, 0);
  target.writeInt32LE(requestId, 4);
  target.writeInt32LE(0, 8);
  target.writeInt32LE(opCode, 12);
}
