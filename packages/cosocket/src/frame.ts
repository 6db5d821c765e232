import { ProtocolError } from './errors.js';

/**
 * Length-prefixed framing (`receiveFrame`): read a fixed header, take the length from it,
 * check it, then read exactly the body it announces. A bad length closes the socket before
 * anything of that size is awaited or allocated, so a hostile peer gets a clear error, never
 * a hang or an out-of-memory crash.
 */
export interface FrameSpec {
  /** Bytes in the fixed header (the length field is inside it). */
  headerSize: number;
  /** Offset of the length field within the header (default 0). */
  lengthOffset?: number;
  /** Width of the length field: 1, 2 or 4 bytes (default 4). */
  lengthBytes?: 1 | 2 | 4;
  /** Byte order of the length field (default 'le'). */
  byteOrder?: 'le' | 'be';
  /** Whether the length counts the header too (default true, as in MongoDB's messageLength). */
  lengthIncludesHeader?: boolean;
  /** The largest acceptable frame (header + body), in bytes. */
  maxSize: number;
}

/** One length-prefixed frame, as `receiveFrame` resolves it. */
export interface Frame {
  /** The fixed-size header, length field included. */
  header: Buffer;
  /** Exactly the bytes the header announced after it. */
  body: Buffer;
}

/** The socket operations framing needs; any cosocket that yields Buffers has them. */
export interface FrameSource {
  /** Reads exactly `n` bytes. */
  receive(n: number): Promise<Buffer | string>;
  /** Closes the connection after a bad frame, so it never reaches the pool. */
  forceClose(reason: string): void;
}

/**
 * A frame whose announced length is negative, smaller than its header or above `maxSize`: the
 * peer broke the framing, so this is a protocol error (code `bad frame length`), not a
 * transport one. The socket was closed.
 */
export class FrameError extends ProtocolError {
  /** Always `'FrameError'`. */
  override name = 'FrameError';
}

/**
 * Reads one length-prefixed frame: the header, then exactly the body its length field announces.
 * A bad length throws `FrameError` and closes the socket without waiting for or allocating the
 * announced bytes.
 */
export async function receiveFrame(sock: FrameSource, spec: FrameSpec): Promise<Frame> {
  const { headerSize, maxSize } = spec;
  const lengthOffset = spec.lengthOffset ?? 0;
  const lengthBytes = spec.lengthBytes ?? 4;
  const byteOrder = spec.byteOrder ?? 'le';
  const includesHeader = spec.lengthIncludesHeader ?? true;
  checkSpec(headerSize, lengthOffset, lengthBytes, maxSize);

  const header = asBuffer(await sock.receive(headerSize));
  const length = readLength(header, lengthOffset, lengthBytes, byteOrder);
  const total = includesHeader ? length : headerSize + length;
  let problem: string | null = null;
  if (length < 0) problem = `negative frame length ${length}`;
  else if (includesHeader && length < headerSize) problem = `frame length ${length} is smaller than its ${headerSize}-byte header`;
  else if (total > maxSize) problem = `frame length ${total} exceeds the maximum of ${maxSize} bytes`;
  if (problem !== null) {
    sock.forceClose('bad frame length');
    throw new FrameError('bad frame length', { message: problem });
  }
  const body = asBuffer(await sock.receive(total - headerSize));
  return { header, body };
}

function checkSpec(headerSize: number, lengthOffset: number, lengthBytes: number, maxSize: number): void {
  if (!Number.isInteger(headerSize) || headerSize <= 0) throw new RangeError(`bad headerSize: ${headerSize}`);
  if (lengthBytes !== 1 && lengthBytes !== 2 && lengthBytes !== 4) throw new RangeError(`bad lengthBytes: ${String(lengthBytes)}`);
  if (!Number.isInteger(lengthOffset) || lengthOffset < 0 || lengthOffset + lengthBytes > headerSize) {
    throw new RangeError(`bad lengthOffset: ${lengthOffset}`);
  }
  if (!Number.isInteger(maxSize) || maxSize < headerSize) throw new RangeError(`bad maxSize: ${maxSize}`);
}

/** 4-byte lengths are signed (int32, as MongoDB declares them); 1- and 2-byte ones unsigned. */
function readLength(header: Buffer, offset: number, bytes: 1 | 2 | 4, order: 'le' | 'be'): number {
  if (bytes === 1) return header.readUInt8(offset);
  if (bytes === 2) return order === 'le' ? header.readUInt16LE(offset) : header.readUInt16BE(offset);
  return order === 'le' ? header.readInt32LE(offset) : header.readInt32BE(offset);
}

function asBuffer(data: Buffer | string): Buffer {
  if (typeof data !== 'string') return data;
  throw new TypeError('receiveFrame needs a socket that yields Buffers (created without an encoding)');
}
