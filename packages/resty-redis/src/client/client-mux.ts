import type { Encoded } from '../encoder.js';
import { locateCommand, locateReply } from '../errors.js';
import { readReply, RedisMultiplexed, type Connection } from '../multiplex.js';
import type { RedisReply } from '../types.js';

/**
 * The client's multiplexed connection: `RedisMultiplexed`, plus batches sent as **one** entry of
 * its queue, so that they are written in one piece and their replies read by one reader:
 * another caller's command can never land in the middle. That makes a pipeline cost one promise
 * instead of one per command, and makes MULTI ... EXEC safe on the shared connection.
 */
export class ClientMultiplexed extends RedisMultiplexed {
  /**
   * One command the client already routed here and encoded: the path of `RedisMultiplexed`'s
   * command methods without their checks (done once by the client).
   */
  send(name: string, request: Encoded): Promise<RedisReply> {
    const before = this.mux.pendingCount;
    const reply = this.mux.enqueue(request, (conn) => readReply(conn, name));
    if (this.mux.pendingCount > before) return reply;
    return reply.catch((error: unknown) => {
      throw locateCommand(error, this.address, name);
    });
  }

  /**
   * Sends `request` (the commands named `names`, encoded back to back) and resolves one reply
   * per command; error replies are values, each naming its command. A failure of the connection
   * rejects with the command `operation`.
   */
  batch(request: Encoded, names: readonly string[], operation: string): Promise<RedisReply[]> {
    const before = this.mux.pendingCount;
    const reply = this.mux.enqueue(request, (conn) => readReplies(conn, names, operation));
    // Refused at once (closed, too many pending): only then is the error this batch's alone to name.
    if (this.mux.pendingCount > before) return reply;
    return reply.catch((error: unknown) => {
      throw locateCommand(error, this.address, operation);
    });
  }
}

/** `names.length` replies, without an await while they are buffered already. */
function readReplies(conn: Connection, names: readonly string[], operation: string): RedisReply[] | Promise<RedisReply[]> {
  const out = new Array<RedisReply>(names.length);
  const i = take(conn, names, out, 0);
  return i === names.length ? out : readRest(conn, names, out, i, operation);
}

async function readRest(conn: Connection, names: readonly string[], out: RedisReply[], from: number, operation: string): Promise<RedisReply[]> {
  let i = from;
  while (i < names.length) {
    try {
      conn.decoder.feed(await conn.sock.receiveBuffered());
    } catch (error) {
      throw locateCommand(error, conn.address, operation);
    }
    i = take(conn, names, out, i);
  }
  return out;
}

/** Takes the decoded replies into `out` from index `i`; returns the next index. */
function take(conn: Connection, names: readonly string[], out: RedisReply[], i: number): number {
  const d = conn.decoder;
  while (i < names.length && d.available > 0) {
    const reply = d.shift();
    locateReply(reply, conn.address, names[i]!);
    out[i++] = reply;
  }
  return i;
}
