// cosocket vs a hand-written raw net.Socket reader doing the same parse, over loopback, in one
// run. Targets (issue 2): receive(16384) and 100-byte line reads >= 90% of raw; 1-byte
// ping-pong >= 95% of raw. Usage: node bench/cosocket/run.mjs [--rounds 5] [--ms 1500]
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { once } from 'node:events';
import { tcp } from 'cosocket';
import { hasTaskset } from '../lib/servers.mjs';
import { roundsTable } from '../lib/rounds.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const ROUNDS = arg('rounds', 5);
const MS = arg('ms', 1500);

async function startSender(mode) {
  const cmd = hasTaskset() ? ['taskset', ['-c', '1', process.execPath, new URL('./sender.mjs', import.meta.url).pathname, mode]]
    : [process.execPath, [new URL('./sender.mjs', import.meta.url).pathname, mode]];
  const child = spawn(cmd[0], cmd[1], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [data] = await once(child.stdout, 'data');
  return { port: Number(String(data).trim()), stop: () => child.kill() };
}

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
  };
}

async function rawConnect(port) {
  const s = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(s, 'connect');
  return s;
}

const scenarios = {
  'receive(16384) MB/s': {
    mode: 'bytes',
    async raw(port) {
      const s = await rawConnect(port);
      const r = rawReader(s);
      let bytes = 0;
      const end = performance.now() + MS;
      while (performance.now() < end) bytes += (await r.take(16384)).length;
      s.destroy();
      return bytes / 1e6 / (MS / 1000);
    },
    async cosocket(port) {
      const s = tcp();
      await s.connect('127.0.0.1', port);
      let bytes = 0;
      const end = performance.now() + MS;
      while (performance.now() < end) bytes += (await s.receive(16384)).length;
      await s.close();
      return bytes / 1e6 / (MS / 1000);
    },
  },
  'receive() 100-byte lines/s': {
    mode: 'lines',
    async raw(port) {
      const s = await rawConnect(port);
      const r = rawReader(s);
      let n = 0;
      const end = performance.now() + MS;
      while (performance.now() < end) {
        for (let i = 0; i < 100; i++) if ((await r.line()).length !== 98) throw new Error('bad line');
        n += 100;
      }
      s.destroy();
      return n / (MS / 1000);
    },
    async cosocket(port) {
      const s = tcp();
      await s.connect('127.0.0.1', port);
      let n = 0;
      const end = performance.now() + MS;
      while (performance.now() < end) {
        for (let i = 0; i < 100; i++) if ((await s.receive()).length !== 98) throw new Error('bad line');
        n += 100;
      }
      await s.close();
      return n / (MS / 1000);
    },
  },
  '1-byte ping-pong round trips/s': {
    mode: 'echo',
    async raw(port) {
      const s = await rawConnect(port);
      const r = rawReader(s);
      const one = Buffer.from('x');
      let n = 0;
      const end = performance.now() + MS;
      while (performance.now() < end) {
        await new Promise((resolve) => s.write(one, resolve));
        if ((await r.take(1))[0] !== 0x78) throw new Error('bad echo');
        n++;
      }
      s.destroy();
      return n / (MS / 1000);
    },
    async cosocket(port) {
      const s = tcp();
      await s.connect('127.0.0.1', port);
      const one = Buffer.from('x');
      let n = 0;
      const end = performance.now() + MS;
      while (performance.now() < end) {
        await s.send(one);
        if ((await s.receive(1))[0] !== 0x78) throw new Error('bad echo');
        n++;
      }
      await s.close();
      return n / (MS / 1000);
    },
  },
};

const targets = { 'receive(16384) MB/s': 0.9, 'receive() 100-byte lines/s': 0.9, '1-byte ping-pong round trips/s': 0.95 };
const results = {};
for (const [name, sc] of Object.entries(scenarios)) {
  const sender = await startSender(sc.mode);
  const rounds = [];
  await sc.raw(sender.port); // warm-up, discarded
  await sc.cosocket(sender.port);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['raw', 'cosocket'] : ['cosocket', 'raw'];
    const round = {};
    for (const v of order) round[v] = await sc[v](sender.port);
    rounds.push(round);
  }
  sender.stop();
  results[name] = rounds;
}
roundsTable('cosocket vs raw net.Socket (same parse, loopback)', results, 'cosocket', 'raw', targets);
