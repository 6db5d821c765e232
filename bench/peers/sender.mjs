// The peer for the cosocket benchmarks, run in its own process so it never shares the
// client's event loop. Modes: `bytes` streams data, `lines` streams 100-byte lines,
// `echo` answers every byte it reads. Prints its port on stdout.
import { createServer } from 'node:net';

const mode = process.argv[2];
const block =
  mode === 'lines' ? Buffer.from(Array.from({ length: 1024 }, (_, i) => `${String(i).padStart(98, 'x')}\r\n`).join('')) : Buffer.alloc(1 << 20, 0x61);

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  if (mode === 'echo') {
    socket.on('data', (d) => socket.write(d));
    return;
  }
  const pump = () => {
    while (!socket.destroyed && socket.write(block));
  };
  socket.on('drain', pump);
  pump();
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
