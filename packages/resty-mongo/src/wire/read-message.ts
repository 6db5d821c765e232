import type { Document } from 'bson';
import { FrameError, receiveFrame, type FrameSource } from 'cosocket';
import { MongoProtocolError } from '../errors.js';
import { decodeOpMsg, type DecodeOptions } from './op-msg.js';
import { HEADER_SIZE, OP_COMPRESSED, OP_MSG, readHeader } from './header.js';

/**
 * Reads the reply to request `requestId`: one length-prefixed frame bounded by `maxSize`
 * (the server's maxMessageSizeBytes), then header and body checks. Any violation force-closes
 * the socket, so a desynchronised connection can never be pooled, and throws
 * `MongoProtocolError` (cosocket's `FrameError` becomes one). Transport errors (`CosocketError`)
 * pass through unchanged; the caller adds address and command to both.
 */
export async function readReply(sock: FrameSource, requestId: number, maxSize: number, options: DecodeOptions): Promise<Document> {
  let header: Buffer;
  let body: Buffer;
  try {
    ({ header, body } = await receiveFrame(sock, { headerSize: HEADER_SIZE, maxSize }));
  } catch (error) {
    // receiveFrame already closed the socket on a bad length.
    if (error instanceof FrameError) throw new MongoProtocolError(`bad reply from server: ${error.text}`, { cause: error });
    throw error;
  }
  try {
    const { responseTo, opCode } = readHeader(header);
    if (opCode === OP_COMPRESSED) throw new MongoProtocolError('server sent OP_COMPRESSED, but compression was never negotiated');
    if (opCode !== OP_MSG) throw new MongoProtocolError(`server sent unsupported opCode ${opCode}`);
    if (responseTo !== requestId) throw new MongoProtocolError(`reply responseTo ${responseTo} does not match request ${requestId}`);
    return decodeOpMsg(header, body, options);
  } catch (error) {
    sock.forceClose('after a protocol error');
    throw error;
  }
}
