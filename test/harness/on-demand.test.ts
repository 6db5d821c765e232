// The on-demand server API (test/servers/index.ts), checked with node:net/tls
// and the official mongodb driver -- never with the code under test.
import { existsSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { probe } from '../servers/ports.js';
import { probeMemcached } from '../servers/memcached.js';
import { probeRedis } from '../servers/redis.js';
import { onDemandSkip, startFerretDB, startMemcached, startRedis } from '../servers/index.js';

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(onDemandSkip('redis-server'))('on-demand redis', () => {
  it('stops, kills, pauses, resumes and restarts on the same port', async () => {
    const srv = await startRedis();
    const { port } = srv;
    const firstPid = srv.pid;
    expect(port).toBeGreaterThan(0);
    expect((await probeRedis(srv)).pid).toBe(firstPid);

    srv.pause();
    await expect(probe({ host: srv.host, port, request: 'PING\r\n', timeoutMs: 300 })).rejects.toThrow(/timed out/);
    srv.resume();
    await expect(probeRedis(srv)).resolves.toMatchObject({ pid: firstPid });

    await srv.kill();
    expect(srv.running).toBe(false);
    expect(alive(firstPid)).toBe(false);
    await expect(probe({ host: srv.host, port })).rejects.toThrow(/ECONNREFUSED/);

    await srv.start();
    expect(srv.port).toBe(port);
    expect(srv.pid).not.toBe(firstPid);
    await expect(probeRedis(srv)).resolves.toMatchObject({ pid: srv.pid });

    const beforeRestart = srv.pid;
    await srv.restart();
    expect(srv.port).toBe(port);
    expect(srv.pid).not.toBe(beforeRestart);
    expect(alive(beforeRestart)).toBe(false);

    // A paused server must still stop (SIGTERM is delivered after SIGCONT).
    srv.pause();
    await srv.stop();
    expect(srv.running).toBe(false);

    const dir = srv.dir;
    await srv.dispose();
    expect(existsSync(dir)).toBe(false);
  });

  it('serves a unix socket next to the TCP port', async () => {
    const srv = await startRedis();
    const reply = await probe({ host: '', port: 0, path: srv.unixSocket, request: 'PING\r\n' });
    expect(reply.toString()).toBe('+PONG\r\n');
  });

  it('enforces requirepass and ACL users', async () => {
    const srv = await startRedis({
      password: 'default-secret',
      users: [
        { username: 'alice', password: 'alice-secret' },
        { username: 'reader', password: 'reader-secret', rules: '~* +get' },
      ],
    });
    expect(srv.password).toBe('default-secret');
    await expect(probeRedis({ host: srv.host, port: srv.port })).rejects.toThrow(/NOAUTH/);
    await expect(probeRedis({ host: srv.host, port: srv.port, password: 'wrong' })).rejects.toThrow(/WRONGPASS|invalid/);
    await expect(probeRedis({ host: srv.host, port: srv.port, password: 'default-secret' })).resolves.toBeTruthy();
    await expect(probeRedis({ host: srv.host, port: srv.port, username: 'alice', password: 'alice-secret' })).resolves.toBeTruthy();
    // 'reader' may GET but not INFO.
    await expect(probeRedis({ host: srv.host, port: srv.port, username: 'reader', password: 'reader-secret' })).rejects.toThrow(/NOPERM/);
  });
});

describe.skipIf(onDemandSkip('redis-server', 'openssl'))('on-demand TLS redis', () => {
  it('serves TLS only, with a certificate trusted through the exposed CA', async () => {
    const srv = await startRedis({ tls: true });
    const tls = srv.tls;
    expect(tls).toBeDefined();
    expect(srv.url).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(tls!.caFile)).toBe(true);
    expect(tls!.ca).toContain('BEGIN CERTIFICATE');
    // Trusted CA, by name and by IP (both are in the certificate).
    await expect(probeRedis({ host: srv.host, port: srv.port, tls: { ca: tls!.ca, servername: 'localhost' } })).resolves.toBeTruthy();
    await expect(probeRedis({ host: srv.host, port: srv.port, tls: { ca: tls!.ca } })).resolves.toBeTruthy();
    // Without the CA the chain does not verify.
    await expect(probeRedis({ host: srv.host, port: srv.port, tls: {} })).rejects.toThrow(/self[- ]signed|unable to (verify|get)/i);
    // Plain text on the TLS port gets no RESP reply.
    await expect(probeRedis({ host: srv.host, port: srv.port })).rejects.toThrow();
  });
});

describe.skipIf(onDemandSkip('memcached'))('on-demand memcached', () => {
  it('starts and restarts on the same port', async () => {
    const srv = await startMemcached({ memoryMb: 8 });
    expect((await probeMemcached(srv.host, srv.port)).pid).toBe(srv.pid);
    const port = srv.port;
    await srv.restart();
    expect(srv.port).toBe(port);
    expect((await probeMemcached(srv.host, srv.port)).pid).toBe(srv.pid);
  });
});

describe.skipIf(onDemandSkip('memcached', 'openssl'))('on-demand TLS memcached', () => {
  it('serves TLS only (-Z), trusted through the exposed CA, also after a restart', async () => {
    const srv = await startMemcached({ tls: true });
    const tls = srv.tls!;
    expect(tls.ca).toContain('BEGIN CERTIFICATE');
    expect(existsSync(tls.certFile) && existsSync(tls.keyFile)).toBe(true);
    expect((await probeMemcached(srv.host, srv.port, { ca: tls.ca, servername: 'localhost' })).pid).toBe(srv.pid);
    await expect(probeMemcached(srv.host, srv.port, {})).rejects.toThrow(/unable to (verify|get)|self[- ]signed/i);
    await expect(probeMemcached(srv.host, srv.port)).rejects.toThrow();
    // Same certificate after a restart, so clients holding the CA reconnect.
    await srv.restart();
    expect((await probeMemcached(srv.host, srv.port, { ca: tls.ca, servername: 'localhost' })).pid).toBe(srv.pid);
  });
});

describe.skipIf(onDemandSkip('ferretdb'))('on-demand FerretDB', () => {
  it('requires SCRAM authentication as the setup user with auth', async () => {
    const srv = await startFerretDB({ auth: { username: 'tester', password: 'tester-secret' } });
    expect(srv.auth).toEqual({ username: 'tester', password: 'tester-secret', database: 'admin' });

    const authed = new MongoClient(`mongodb://tester:tester-secret@${srv.host}:${srv.port}/?authSource=admin`, {
      serverSelectionTimeoutMS: 5000,
    });
    try {
      await authed.db('ondemand').collection('c').insertOne({ a: 1 });
      expect(await authed.db('ondemand').collection('c').countDocuments()).toBe(1);
    } finally {
      await authed.close();
    }

    const anonymous = new MongoClient(srv.url, { serverSelectionTimeoutMS: 5000 });
    try {
      await expect(anonymous.db('ondemand').collection('c').findOne({})).rejects.toThrow(/requires authentication/);
    } finally {
      await anonymous.close();
    }
  });

  it('starts without auth and survives kill + start on the same port', async () => {
    const srv = await startFerretDB();
    const port = srv.port;
    await srv.kill();
    await srv.start();
    expect(srv.port).toBe(port);
    const client = new MongoClient(srv.url, { serverSelectionTimeoutMS: 5000 });
    try {
      expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  });
});
