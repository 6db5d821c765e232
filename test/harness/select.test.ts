// The server-selection rules of the global setup, called directly (fast, no
// vitest-in-vitest): explicit URL > container > local binary > skip / CI failure.
import { describe, expect, it } from 'vitest';
import { MissingServerError } from '../servers/binaries.js';
import { parseServerUrl } from '../servers/ports.js';
import { selectServer } from '../servers/select.js';

const noRuntime = async () => undefined;
// A PATH on which no server binary can be found.
const emptyPath = '/nonexistent-cosocket-test-bin';

describe('selectServer', () => {
  it('fails under CI=true with a message naming the missing binary and how to install it', async () => {
    const attempt = selectServer('memcached', { env: { CI: 'true', PATH: emptyPath }, containerRuntime: noRuntime });
    await expect(attempt).rejects.toBeInstanceOf(MissingServerError);
    await expect(attempt).rejects.toThrow(/memcached not found on PATH.*apt-get install -y memcached/);
  });

  it('names both MongoDB binaries under CI=true', async () => {
    const attempt = selectServer('mongo', { env: { CI: 'true', PATH: emptyPath }, containerRuntime: noRuntime });
    await expect(attempt).rejects.toThrow(/ferretdb \/ mongod not found on PATH.*FerretDB v1\.24\.2/);
  });

  it('skips with a one-line reason outside CI', async () => {
    const chosen = await selectServer('redis', { env: { PATH: emptyPath }, containerRuntime: noRuntime });
    expect(chosen.slot.available).toBe(false);
    expect(chosen.logLine).toMatch(/^redis: redis tests skipped: .*no redis-server on PATH$/);
    expect(chosen.logLine).not.toContain('\n');
  });

  it('treats CI=false like no CI', async () => {
    const chosen = await selectServer('redis', { env: { CI: 'false', PATH: emptyPath }, containerRuntime: noRuntime });
    expect(chosen.slot.available).toBe(false);
  });

  it('refuses an explicit URL that does not answer, instead of skipping', async () => {
    // Port 1 on loopback: nothing listens there.
    const attempt = selectServer('redis', { env: { REDIS_URL: 'redis://127.0.0.1:1', PATH: emptyPath }, containerRuntime: noRuntime });
    await expect(attempt).rejects.toThrow(/REDIS_URL=redis:\/\/127\.0\.0\.1:1 is not usable/);
  });
});

describe('parseServerUrl', () => {
  it('reads host, port and credentials', () => {
    expect(parseServerUrl('redis://alice:s%40cret@10.0.0.5:6380/2', 6379)).toEqual({
      host: '10.0.0.5',
      port: 6380,
      username: 'alice',
      password: 's@cret',
    });
    expect(parseServerUrl('127.0.0.1:11211', 11211)).toMatchObject({ host: '127.0.0.1', port: 11211 });
    expect(parseServerUrl('mongodb://h1:27018,h2:27019/db?replicaSet=x', 27017)).toMatchObject({ host: 'h1', port: 27018 });
    expect(parseServerUrl('redis://localhost', 6379)).toMatchObject({ host: 'localhost', port: 6379 });
  });
});
