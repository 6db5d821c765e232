import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tcp } from '../src/index.js';

// The README's cosocket example, run against a real node:http server (keep the two in step).
let server: Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => res.end(`hello ${req.url}`));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function fetchPath(path: string): Promise<{ status: string; headers: string; body: string; reused: number }> {
  // --- README example starts ---
  const sock = tcp();
  sock.setTimeouts(1000, 1000, 5000); // connect, send, read (ms)
  await sock.connect('127.0.0.1', port);
  const reused = sock.getReusedTimes(); // 0 when fresh, n when from the pool
  await sock.send(['GET ', path, ' HTTP/1.1\r\n', 'Host: localhost\r\n', '\r\n']);
  const status = (await sock.receive()).toString(); // 'HTTP/1.1 200 OK'
  const readHeaders = sock.receiveUntil('\r\n\r\n');
  const headers = (await readHeaders())!.toString();
  const length = Number(/content-length: (\d+)/i.exec(headers)![1]);
  const body = (await sock.receive(length)).toString();
  await sock.setKeepalive(10_000); // back to the pool for the next request
  // --- README example ends ---
  return { status, headers, body, reused };
}

it('runs the README example: status line, headers with receiveUntil, body, keepalive', async () => {
  const first = await fetchPath('/a');
  expect(first.status).toBe('HTTP/1.1 200 OK');
  expect(first.headers).toMatch(/content-length: 8/i);
  expect(first.body).toBe('hello /a');
  expect(first.reused).toBe(0);
  const second = await fetchPath('/bb');
  expect(second.body).toBe('hello /bb');
  expect(second.reused).toBe(1);
  expect(connections).toBe(1);
});
