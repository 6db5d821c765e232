import type { TcpSocket } from 'cosocket';

/**
 * Everything the socket has buffered, waiting for at least one byte when nothing is: what
 * redis-parser is fed. `receiveAny` would hand back at most `bufferSize` (4 KiB) per call, as
 * OpenResty's does, which costs a large reply one await per 4 KiB; the pull reads take it all.
 */
export async function receiveBuffered(sock: TcpSocket<Buffer>): Promise<Buffer> {
  let bytes = sock.peek();
  if (bytes.length === 0) {
    await sock.receiveMore();
    bytes = sock.peek();
  }
  sock.skip(bytes.length);
  return bytes;
}
