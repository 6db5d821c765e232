// A PING/PONG server in its own process that counts its connections: open now, peak, accepted.
// "STATS\n" answers with the counts as JSON. Prints its port on stdout.
import { createServer } from 'node:net';

let open = 0;
let peak = 0;
let accepted = 0;
const server = createServer((socket) => {
  accepted++;
  open++;
  peak = Math.max(peak, open);
  socket.setNoDelay(true);
  socket.on('close', () => open--);
  socket.on('error', () => socket.destroy());
  let pending = '';
  socket.on('data', (d) => {
    pending += d.toString();
    let at;
    while ((at = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      if (line === 'STATS') socket.write(`${JSON.stringify({ open, peak, accepted })}\n`);
      else if (line === 'RESET') {
        peak = open;
        accepted = 0;
        socket.write('OK\n');
      } else socket.write('PONG\n');
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
