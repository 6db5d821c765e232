// The fault proxy itself, in front of a loopback echo server read through a cosocket: it is
// transparent when healed, and each fault does what it says (so the fault tests that rely on
// it test the clients, not the proxy).
import { createServer, type Server } from 'node:net';
import { configure, CosocketError, tcp } from 'cosocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '@cosocket/test-kit';
import { countedFaultProxy } from './support/proxy.js';
import { captureLogs } from './support/outcomes.js';

describe('fault proxy', () => {
  let echo: Server;
  let proxy: FaultProxy;
  beforeAll(async () => {
    captureLogs(configure);
    echo = createServer({ allowHalfOpen: true }, (s) => {
      s.on('error', () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const address = echo.address() as { port: number };
    proxy = await countedFaultProxy({ host: '127.0.0.1', port: address.port });
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  async function open(readMs = 1000) {
    const sock = tcp();
    sock.setTimeouts(1000, 1000, readMs);
    await sock.connect(proxy.host, proxy.port);
    return sock;
  }

  it('is transparent, and counts connections', async () => {
    proxy.heal();
    const sock = await open();
    await sock.send('hello\n');
    expect((await sock.receive()).toString()).toBe('hello');
    expect(proxy.open).toBe(1);
    await sock.close();
  });

  it('delay: bytes arrive late but in order', async () => {
    proxy.heal();
    proxy.delay(150);
    const sock = await open();
    const started = Date.now();
    await sock.send('a\n');
    await sock.send('b\n');
    expect((await sock.receive()).toString()).toBe('a');
    expect((await sock.receive()).toString()).toBe('b');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    proxy.heal();
    await sock.close();
  });

  it('stall holds bytes (a read times out), resume delivers them', async () => {
    proxy.heal();
    const sock = await open(200);
    proxy.stall();
    await sock.send('held\n');
    await expect(sock.receive()).rejects.toMatchObject({ code: 'timeout' });
    proxy.resume();
    expect((await sock.receive()).toString()).toBe('held');
    await sock.close();
  });

  it('cut resets, halfClose sends FIN, refuse resets new connections', async () => {
    proxy.heal();
    const a = await open();
    proxy.cut();
    await expect(a.receive()).rejects.toMatchObject({ code: 'connection reset by peer' });
    const b = await open();
    proxy.halfClose();
    await expect(b.receive()).rejects.toMatchObject({ code: 'closed' });
    await b.send('still writable\n'); // FIN closes only the read half
    proxy.refuse(true);
    const c = tcp();
    c.setTimeout(1000);
    const refused = await c
      .connect(proxy.host, proxy.port)
      .then(
        () => c.receive(),
        (e: unknown) => Promise.reject(e),
      )
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CosocketError);
    expect(['connection reset by peer', 'closed']).toContain((refused as CosocketError).code);
    proxy.heal();
  });

  it('drop and corrupt change exactly the bytes asked for', async () => {
    proxy.heal();
    const sock = await open();
    proxy.drop('up', 3);
    await sock.send('xyzabc\n');
    expect((await sock.receive()).toString()).toBe('abc');
    proxy.corrupt('down', (chunk) => Buffer.from(chunk.toString().toUpperCase()));
    await sock.send('shout\n');
    expect((await sock.receive()).toString()).toBe('SHOUT');
    await sock.close();
  });
});
