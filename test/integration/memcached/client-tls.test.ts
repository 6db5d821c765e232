// createClient({ tls }) against a private TLS-only memcached (`-Z`): the shared connection and
// withConnection's leases both speak TLS, a lease reused from the client's pool is still the TLS
// one, and verification is on unless switched off.
import type { ClientLayerTls } from 'cosocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosocketError, createClient } from 'resty-memcached';
import { onDemandSkip, startMemcached, type MemcachedServer } from '../../servers/index.js';
import { closeAfterEach } from '@cosocket/test-kit';

const open = closeAfterEach<ReturnType<typeof createClient>>();

describe.skipIf(onDemandSkip('memcached', 'openssl'))('resty-memcached createClient over TLS', () => {
  let server: MemcachedServer;
  beforeAll(async () => {
    server = await startMemcached({ tls: true });
  });
  afterAll(() => server.stop());

  function client(tls: ClientLayerTls) {
    const c = createClient(`${server.host}:${server.port}`, { tls, poolSize: 3, connectTimeout: 3000, timeout: 3000 });
    open.push(c);
    return c;
  }

  it('commands and leases over TLS with the CA and SNI; a pooled lease is reused without a new handshake', async () => {
    const c = client({ ca: server.tls!.ca, serverName: server.tls!.serverName });
    expect(await c.set('tls-k', 'over tls', 0, 3)).toBe(true);
    expect(await c.get('tls-k')).toEqual({ value: 'over tls', flags: 3 });
    expect(await c.withConnection((memc) => memc.getReusedTimes())).toBe(0);
    const accepted = (await c.stats()).total_connections;
    // The server speaks TLS only: a reply on the reused lease proves it is still the TLS one.
    expect(await c.withConnection(async (memc) => [memc.getReusedTimes(), await memc.get('tls-k')])).toEqual([1, { value: 'over tls', flags: 3 }]);
    expect((await c.stats()).total_connections).toBe(accepted);
    expect((await c.stats()).ssl_handshake_errors).toBe('0');
  });

  it('verifies by default: tls: true without the CA fails the command with the handshake error, naming where', async () => {
    const c = client(true);
    const error = await c.get('tls-k').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CosocketError);
    expect((error as CosocketError).code).toMatch(/^21: unable to verify the first certificate/);
    expect((error as CosocketError).address).toBe(`${server.host}:${server.port}`);
    const unverified = client({ sslVerify: false });
    expect(await unverified.set('tls-u', 'v')).toBe(true);
  });
});
