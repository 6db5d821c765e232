// The ceiling of any Node.js client built on net.Socket: write a fixed request, wait until the
// exact reply bytes are in, compare them. No parsing, no reply objects, no options: one write,
// the read callbacks, one promise per exchange. A client cannot beat this on a serial round
// trip, so a target above "raw socket ÷ peer" measured in the same round is out of reach for
// client work alone. The byte comparison is the reply check (a mismatch voids the run).
// (Measured so on the small replies the targets use; on replies of 16 KiB and more the full
// runs had it below the clients, unexplained: see bench/README.md.)
import { once } from 'node:events';
import { connect } from 'node:net';

export async function rawConnection({ host, port }) {
  const sock = connect({ host, port, noDelay: true });
  await once(sock, 'connect');
  let expected = null;
  let chunks = [];
  let received = 0;
  let settle = null;
  let fail = null;
  sock.on('data', (chunk) => {
    if (expected === null) return fail?.(new Error(`raw socket: ${chunk.length} bytes nobody asked for`));
    chunks.push(chunk);
    received += chunk.length;
    if (received < expected.length) return;
    const reply = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
    const ok = reply.equals(expected);
    const done = settle;
    const failed = fail;
    expected = null;
    chunks = [];
    received = 0;
    if (ok) done();
    else failed(new Error(`benchmark reply mismatch in raw socket: got ${JSON.stringify(reply.toString('latin1', 0, 80))}`));
  });
  sock.on('error', (error) => fail?.(error));
  return {
    /** Sends `request` and resolves once exactly `reply` came back (rejects on any difference). */
    exchange(request, reply) {
      return new Promise((resolve, reject) => {
        expected = reply;
        settle = resolve;
        fail = reject;
        sock.write(request);
      });
    },
    close: () => sock.destroy(),
  };
}

/**
 * `exchange(id, request, reply)` over a raw connection, with the request and reply bytes of
 * each `id` built once (by the two functions, on first use): the measured loop then times the
 * socket only.
 */
export function memoizedExchange(raw) {
  const memo = new Map();
  return (id, request, reply) => {
    let e = memo.get(id);
    if (e === undefined) memo.set(id, (e = { request: Buffer.from(request()), reply: Buffer.from(reply()) }));
    return raw.exchange(e.request, e.reply);
  };
}

/** The RESP2 bytes of a command (request side). */
export function respCommand(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(out);
}

/** The RESP2 bytes of a bulk string, or of an array of bulk strings. */
export function respBulk(value) {
  if (Array.isArray(value)) return Buffer.concat([Buffer.from(`*${value.length}\r\n`), ...value.map(respBulk)]);
  return Buffer.from(`$${Buffer.byteLength(value)}\r\n${value}\r\n`);
}
