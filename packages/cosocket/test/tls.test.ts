import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosocketError, tcp } from '../src/index.js';

let dir: string;
let cert: Buffer;
let server: Server;
let port: number;
const accepted: TLSSocket[] = [];

beforeAll(async () => {
  // A self-signed certificate for localhost / 127.0.0.1, made fresh for this run.
  dir = mkdtempSync(join(tmpdir(), 'cosocket-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'));
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (socket) => {
    accepted.push(socket);
    socket.on('data', (d) => socket.write(`echo:${d.toString()}`));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of accepted) s.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('sslHandshake', () => {
  it('fails on a self-signed certificate while verification is on (the default)', async () => {
    const sock = tcp();
    await sock.connect('127.0.0.1', port);
    const err = (await sock.sslHandshake().catch((e: unknown) => e)) as CosocketError;
    expect(err).toBeInstanceOf(CosocketError);
    expect(err.code).toMatch(/^18: self[- ]signed certificate/);
    // A failed handshake closes the connection.
    await expect(sock.send('x')).rejects.toMatchObject({ code: 'closed' });
  });

  it('succeeds with verify: false, and reads and writes through TLS', async () => {
    const sock = tcp();
    await sock.connect('127.0.0.1', port);
    await sock.sslHandshake({ verify: false });
    await sock.send('hi');
    expect((await sock.receive(7)).toString()).toBe('echo:hi');
    await sock.close();
  });

  it('verifies against a trusted CA and the server name', async () => {
    const sock = tcp();
    await sock.connect('127.0.0.1', port);
    await sock.sslHandshake({ serverName: 'localhost', ca: cert });
    await sock.send('ok');
    expect((await sock.receive(7)).toString()).toBe('echo:ok');
    await sock.close();
    const wrongName = tcp();
    await wrongName.connect('127.0.0.1', port);
    await expect(wrongName.sslHandshake({ serverName: 'example.com', ca: cert })).rejects.toMatchObject({
      code: 'certificate host mismatch',
    });
  });

  it('resolves a session that a later handshake resumes', async () => {
    const first = tcp();
    await first.connect('127.0.0.1', port);
    const session = await first.sslHandshake({ verify: false });
    await first.send('a');
    await first.receive(6); // TLS 1.3 tickets arrive after the handshake
    expect(first.isSessionReused()).toBe(false);
    await first.close();
    expect(session.data).toBeInstanceOf(Buffer);
    const second = tcp();
    await second.connect('127.0.0.1', port);
    await second.sslHandshake({ verify: false, session });
    expect(second.isSessionReused()).toBe(true);
    await second.close();
  });

  it('a pooled TLS connection comes back already handshaked', async () => {
    const sock = tcp();
    await sock.connect('127.0.0.1', port, { pool: 'tls-pool' });
    await sock.sslHandshake({ verify: false });
    await sock.send('p');
    await sock.receive(6);
    await sock.setKeepalive();
    const again = tcp();
    await again.connect('127.0.0.1', port, { pool: 'tls-pool' });
    expect(again.getReusedTimes()).toBe(1);
    await again.sslHandshake(); // returns at once: no second handshake, no verification failure
    await again.send('q');
    expect((await again.receive(6)).toString()).toBe('echo:q');
    await again.close();
  });
});
