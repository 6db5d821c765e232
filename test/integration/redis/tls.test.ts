// TLS against a private TLS-only redis-server.
import { beforeAll, describe, expect, it } from 'vitest';
import { CosocketError, Redis } from 'resty-redis';
import { onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';
import { clientId } from './helpers.js';

describe.skipIf(onDemandSkip('redis-server', 'openssl'))('resty-redis over TLS', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ tls: true, password: 'tls-pw' });
  });

  it('connects with ssl, verifies with the CA and SNI, and reuses the TLS connection', async () => {
    const opts = { ssl: true, sslVerify: true, serverName: server.tls!.serverName, ca: server.tls!.ca, password: 'tls-pw' };
    const red = new Redis();
    red.setTimeout(3000);
    await red.connect(server.host, server.port, opts);
    expect(red.getReusedTimes()).toBe(0);
    expect(await red.ping()).toBe('PONG');
    const id = await clientId(red);
    await red.setKeepalive();
    await red.connect(server.host, server.port, opts);
    expect(red.getReusedTimes()).toBe(1);
    expect(await clientId(red)).toBe(id);
    await red.close();
  });

  it('verifies by default: the self-signed certificate fails without the CA', async () => {
    const red = new Redis();
    red.setTimeout(3000);
    await expect(red.connect(server.host, server.port, { ssl: true, serverName: 'localhost' })).rejects.toThrow(/self[- ]signed/);
    expect(() => red.getReusedTimes()).toThrow(CosocketError);
    const unverified = new Redis();
    unverified.setTimeout(3000);
    await unverified.connect(server.host, server.port, { ssl: true, sslVerify: false, password: 'tls-pw' });
    expect(await unverified.ping()).toBe('PONG');
    await unverified.close();
  });

  it('never shares a pool between TLS and plain text settings', async () => {
    const tlsClient = new Redis();
    tlsClient.setTimeout(3000);
    await tlsClient.connect(server.host, server.port, { ssl: true, sslVerify: false, password: 'tls-pw' });
    await tlsClient.setKeepalive();
    // Same host, port and password, but no TLS: must not get the pooled TLS socket.
    const plain = new Redis();
    plain.setTimeouts(3000, 3000, 300);
    await expect(plain.connect(server.host, server.port, { password: 'tls-pw' })).rejects.toBeInstanceOf(CosocketError);
    // And a TLS client with verification on gets its own pool too.
    const verified = new Redis();
    verified.setTimeout(3000);
    await verified.connect(server.host, server.port, { ssl: true, sslVerify: true, serverName: 'localhost', ca: server.tls!.ca, password: 'tls-pw' });
    expect(verified.getReusedTimes()).toBe(0);
    await verified.close();
  });
});
