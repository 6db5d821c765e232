// TLS against a private TLS-only memcached (`-Z`, certificate generated at run time by
// test/servers/tls.ts): the pooled client's sslHandshake and MemcachedMultiplexed's TLS connect.
import { beforeAll, describe, expect, it } from 'vitest';
import { CosocketError, Memcached, MemcachedMultiplexed, type MemcachedMultiplexedConnectOptions } from 'resty-memcached';
import { onDemandSkip, startMemcached, type MemcachedServer, type TlsFiles } from '../../servers/index.js';
import { closeAfterEach } from '@cosocket/test-kit';
import { prefix } from './helpers.js';

// The CA here signs the server certificate, and memcached sends the leaf only, so an untrusted
// chain is OpenSSL's 21 (UNABLE_TO_VERIFY_LEAF_SIGNATURE), as cosocket reports it (`N: text`).
const UNTRUSTED = { code: expect.stringMatching(/^21: unable to verify the first certificate/) };

const open = closeAfterEach<MemcachedMultiplexed<boolean>>();

function multiplexed(): MemcachedMultiplexed {
  const m = new MemcachedMultiplexed();
  m.setTimeout(3000);
  open.push(m);
  return m;
}

async function tlsMux(server: MemcachedServer, options: MemcachedMultiplexedConnectOptions): Promise<MemcachedMultiplexed> {
  const m = multiplexed();
  await m.connect(server.host, server.port, options);
  return m;
}

/** How `p` stands after the microtasks queued now have run: 'pending', 'resolved' or the error. */
async function settledNow(p: Promise<unknown>): Promise<unknown> {
  let outcome: unknown = 'pending';
  p.then(
    () => (outcome = 'resolved'),
    (error: unknown) => (outcome = error),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return outcome;
}

describe.skipIf(onDemandSkip('memcached', 'openssl'))('resty-memcached over TLS', () => {
  let server: MemcachedServer;
  let tls: TlsFiles;
  beforeAll(async () => {
    server = await startMemcached({ tls: true });
    tls = server.tls!;
  });

  it('Memcached: sslHandshake with the CA and SNI, round trip, and the pooled connection is reused still speaking TLS', async () => {
    const k = `${prefix('tls')}k`;
    // A pool of its own: the default pool name (host:port) does not tell TLS from plain text.
    const pool = 'tls-verified';
    const memc = new Memcached();
    memc.setTimeout(3000);
    await memc.connect(server.host, server.port, { pool });
    expect(memc.getReusedTimes()).toBe(0);
    await memc.sslHandshake({ ca: tls.ca, serverName: tls.serverName });
    expect(await memc.set(k, 'over tls', 0, 7)).toBe(true);
    expect(await memc.get(k)).toEqual({ value: 'over tls', flags: 7 });
    const accepted = (await memc.stats()).total_connections;
    await memc.setKeepalive();

    await memc.connect(server.host, server.port, { pool });
    expect(memc.getReusedTimes()).toBe(1);
    // Already TLS: the handshake returns at once (as OpenResty's does on a reused connection).
    await memc.sslHandshake({ ca: tls.ca, serverName: tls.serverName });
    // The server speaks TLS only, so any reply proves the reused socket is still the TLS one;
    // and the server accepted no connection meanwhile.
    expect(await memc.get(k)).toEqual({ value: 'over tls', flags: 7 });
    expect((await memc.stats()).total_connections).toBe(accepted);
    expect((await memc.stats()).ssl_handshake_errors).toBe('0');
    await memc.close();
  });

  it('Memcached: verification is on by default; a wrong name fails; verify: false connects', async () => {
    const memc = new Memcached();
    memc.setTimeout(3000);
    await memc.connect(server.host, server.port, { pool: 'tls-no-ca' });
    const untrusted = await memc.sslHandshake({ serverName: tls.serverName }).catch((error: unknown) => error);
    expect(untrusted).toBeInstanceOf(CosocketError);
    expect(untrusted).toMatchObject(UNTRUSTED);
    // The failed socket is closed, never pooled.
    expect(() => memc.getReusedTimes()).toThrow(CosocketError);
    await expect(memc.setKeepalive()).rejects.toBeInstanceOf(CosocketError);

    // The right CA but another name: the chain verifies, the host check does not.
    await memc.connect(server.host, server.port, { pool: 'tls-wrong-name' });
    await expect(memc.sslHandshake({ ca: tls.ca, serverName: 'example.com' })).rejects.toMatchObject({ code: 'certificate host mismatch' });

    // The CA without a name: only the chain is checked (OpenResty checks the host only when given one).
    await memc.connect(server.host, server.port, { pool: 'tls-ca-only' });
    await memc.sslHandshake({ ca: tls.ca });
    expect(await memc.version()).toMatch(/^\d+\.\d+/);
    await memc.close();

    await memc.connect(server.host, server.port, { pool: 'tls-unverified' });
    await memc.sslHandshake({ verify: false });
    expect(await memc.version()).toMatch(/^\d+\.\d+/);
    await memc.close();
  });

  it('Memcached: plain text on the TLS port gets no reply, only a transport error', async () => {
    const memc = new Memcached();
    memc.setTimeout(3000);
    await memc.connect(server.host, server.port, { pool: 'tls-plain' });
    await expect(memc.version()).rejects.toBeInstanceOf(CosocketError);
  });

  it('MemcachedMultiplexed without the CA: connect and the commands queued meanwhile reject with the certificate error', async () => {
    const m = multiplexed();
    const connecting = m.connect(server.host, server.port, { ssl: true, serverName: tls.serverName });
    const queued = [m.get('a'), m.set('b', 'v')];
    const error = await connecting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CosocketError);
    expect(error).toMatchObject(UNTRUSTED);
    for (const q of queued) expect(await q.catch((e: unknown) => e)).toBe(error);
    expect(m.connected).toBe(false);
    expect(m.pendingCount).toBe(0);
    // A later command retries the handshake and fails the same way: nothing hangs, nothing goes out in clear.
    await expect(m.get('a')).rejects.toMatchObject(UNTRUSTED);
    // A failed connect may be retried, here with the CA.
    await m.connect(server.host, server.port, { ssl: true, ca: tls.ca, serverName: tls.serverName });
    expect(await m.version()).toMatch(/^\d+\.\d+/);
  });

  it('MemcachedMultiplexed: sslVerify: false connects without the CA; a wrong serverName fails', async () => {
    const unverified = await tlsMux(server, { ssl: true, sslVerify: false });
    expect(await unverified.version()).toMatch(/^\d+\.\d+/);
    const wrongName = multiplexed();
    await expect(wrongName.connect(server.host, server.port, { ssl: true, ca: tls.ca, serverName: 'example.com' })).rejects.toMatchObject({
      code: 'certificate host mismatch',
    });
  });

  it('MemcachedMultiplexed: bad connect arguments reject with TypeError at once, before anything is opened', async () => {
    const m = multiplexed();
    const bad: [string, number?][] = [
      [''],
      [server.host, 0],
      [server.host, -1],
      [server.host, 65536],
      [server.host, 1.5],
      [server.host, Number.NaN],
      ['localhost'],
    ];
    for (const args of bad) expect(await settledNow(m.connect(...args))).toBeInstanceOf(TypeError);
    expect(await settledNow(m.connect('localhost'))).toMatchObject({ message: expect.stringMatching(/port is required unless host is unix:/) });
    // TLS options in the port's place are fine only for unix:/path.
    expect(await settledNow(m.connect('localhost', { ssl: true }))).toBeInstanceOf(TypeError);
    expect(await settledNow(m.connect(server.host, server.port, { ssl: true, serverName: 42 as unknown as string }))).toBeInstanceOf(TypeError);
    // A typo must not quietly connect in plain text; a unix:/path takes no port.
    expect(await settledNow(m.connect(server.host, server.port, { ssl: 'yes' as unknown as boolean }))).toMatchObject({ message: /bad option ssl/ });
    expect(await settledNow(m.connect(server.host, server.port, { ca: tls.ca }))).toMatchObject({ message: /only meaningful with ssl: true/ });
    expect(await settledNow(m.connect('unix:/tmp/x.sock', 11211))).toMatchObject({ message: /takes no port/ });
    // Nothing was remembered: the client never connected, so commands reject with closed ...
    expect(m.connected).toBe(false);
    await expect(m.get('k')).rejects.toMatchObject({ code: 'closed' });
    // ... and a good connect afterwards works.
    await m.connect(server.host, server.port, { ssl: true, ca: tls.ca });
    expect(await m.version()).toMatch(/^\d+\.\d+/);
  });
});

describe.skipIf(onDemandSkip('memcached', 'openssl'))('MemcachedMultiplexed over TLS, against a server that dies', () => {
  let srv: MemcachedServer;
  let options: MemcachedMultiplexedConnectOptions;
  beforeAll(async () => {
    srv = await startMemcached({ tls: true });
    options = { ssl: true, ca: srv.tls!.ca, serverName: srv.tls!.serverName };
  });

  it('64 concurrent callers each get their own values, over one TLS connection', async () => {
    const m = await tlsMux(srv, options);
    const p = prefix('tlsmux');
    // Nothing else connects to this private server meanwhile: an unchanged count means one connection.
    const accepted = (await m.stats()).total_connections;
    const results = await Promise.all(
      Array.from({ length: 64 }, async (_, caller) => {
        const k = `${p}${caller}`;
        for (let i = 0; i < 5; i++) {
          expect(await m.set(k, `${caller}:${i}:${'x'.repeat(caller * 64)}`, 0, caller)).toBe(true);
          expect(await m.get(k)).toEqual({ value: `${caller}:${i}:${'x'.repeat(caller * 64)}`, flags: caller });
        }
        return caller;
      }),
    );
    expect(results).toHaveLength(64);
    expect((await m.stats()).total_connections).toBe(accepted);
    expect(m.connected).toBe(true);
  });

  it('server killed mid-flight: every pending command rejects; the next command reconnects with a new handshake', async () => {
    const m = await tlsMux(srv, options);
    m.setTimeouts(2000, 2000, 2000);
    expect(await m.set('k', 'v')).toBe(true);
    srv.pause();
    await new Promise((r) => setTimeout(r, 50));
    const settled = Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? m.get('k') : m.set(`k${i}`, 'v'))));
    await new Promise((r) => setTimeout(r, 50));
    expect(m.pendingCount).toBe(20);
    await srv.kill();
    for (const o of await settled) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(CosocketError);
    expect(m.connected).toBe(false);
    await srv.start();
    // The server speaks TLS only: a reply means the reconnect did the handshake again.
    expect(await m.set('k', 'again')).toBe(true);
    expect(await m.get('k')).toEqual({ value: 'again', flags: 0 });
    expect(m.connected).toBe(true);
    expect((await m.stats()).ssl_handshake_errors).toBe('0');
  });

  it('server restarted while the connection is idle: the next command redials over TLS and succeeds', async () => {
    const m = await tlsMux(srv, options);
    expect(await m.set('idle', 'v')).toBe(true);
    await srv.restart();
    // The idle connection saw the old server's EOF: nothing of the next batch was sent on it,
    // so the client opens a new connection (new handshake) and sends there; no caller fails.
    expect(await m.get('idle')).toBeNull(); // a new process: the data is gone
    expect(await m.set('idle', 'again')).toBe(true);
    expect(await m.get('idle')).toEqual({ value: 'again', flags: 0 });
    expect(m.connected).toBe(true);
  });
});
