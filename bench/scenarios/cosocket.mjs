// cosocket vs a hand-written raw net.Socket reader doing the same parse, one variant per
// process (forked by bench/run.mjs). The peers are bench/peers/sender.mjs processes.
import { connect } from 'node:net';
import { once } from 'node:events';
import { tcp } from 'cosocket';
import { runChild, versionOf } from '../lib/child.mjs';

/** Raw reader: the same buffering a careful hand-written client would do. */
function rawReader(socket) {
  const chunks = [];
  let total = 0;
  let waiting = null;
  socket.on('data', (c) => {
    chunks.push(c);
    total += c.length;
    if (waiting) {
      const w = waiting;
      waiting = null;
      w();
    }
  });
  const more = () => new Promise((r) => (waiting = r));
  return {
    async take(n) {
      while (total < n) await more();
      let out;
      if (chunks[0].length >= n) {
        out = chunks[0].subarray(0, n);
        chunks[0] = chunks[0].subarray(n);
        if (chunks[0].length === 0) chunks.shift();
      } else {
        out = Buffer.allocUnsafe(n);
        let w = 0;
        while (w < n) {
          const c = chunks[0];
          const k = Math.min(n - w, c.length);
          c.copy(out, w, 0, k);
          w += k;
          if (k === c.length) chunks.shift();
          else chunks[0] = c.subarray(k);
        }
      }
      total -= n;
      return out;
    },
    async line() {
      for (;;) {
        let pos = 0;
        for (let i = 0; i < chunks.length; i++) {
          const at = chunks[i].indexOf(10);
          if (at !== -1) {
            const line = await this.take(pos + at + 1);
            const end = line[line.length - 2] === 13 ? line.length - 2 : line.length - 1;
            return line.subarray(0, end);
          }
          pos += chunks[i].length;
        }
        await more();
      }
    },
    async send(buf) {
      await new Promise((resolve) => socket.write(buf, resolve));
    },
    close: () => socket.destroy(),
  };
}

async function rawOpen(port) {
  const s = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(s, 'connect');
  return rawReader(s);
}

async function cosocketOpen(port) {
  const s = tcp();
  await s.connect('127.0.0.1', port);
  return { take: (n) => s.receive(n), line: () => s.receive(), send: (b) => s.send(b), close: () => s.close() };
}

const variants = {
  raw: {
    options: { reader: 'net.Socket + hand-written buffering (same parse)' },
    version: process.version,
    setup: (server) => ({ open: rawOpen, server }),
    teardown: () => undefined,
  },
  cosocket: {
    options: { timeouts: 'cosocket defaults (60 s)' },
    version: await versionOf('cosocket'),
    setup: (server) => ({ open: cosocketOpen, server }),
    teardown: () => undefined,
  },
};

const ONE = Buffer.from('x');
export const SCENARIOS = {
  'receive(16384)': {
    mode: 'bytes',
    make: async (c) => {
      const s = await c.open(c.server.ports.bytes);
      return {
        batch: 1,
        op: async () => {
          if ((await s.take(16384)).length !== 16384) throw new Error('short read');
        },
        after: () => s.close(),
      };
    },
  },
  'receive() 100-byte lines': {
    mode: 'lines',
    make: async (c) => {
      const s = await c.open(c.server.ports.lines);
      return {
        batch: 100,
        op: async () => {
          for (let i = 0; i < 100; i++) if ((await s.line()).length !== 98) throw new Error('benchmark reply mismatch: bad line');
        },
        after: () => s.close(),
      };
    },
  },
  '1-byte ping-pong': {
    mode: 'echo',
    make: async (c) => {
      const s = await c.open(c.server.ports.echo);
      return {
        batch: 1,
        op: async () => {
          await s.send(ONE);
          if ((await s.take(1))[0] !== 0x78) throw new Error('benchmark reply mismatch: bad echo');
        },
        after: () => s.close(),
      };
    },
  },
};

export const VARIANTS = Object.keys(variants);

if (process.argv[1] === new URL(import.meta.url).pathname) {
  await runChild(variants, Object.fromEntries(Object.entries(SCENARIOS).map(([k, v]) => [k, v.make])));
}
