// Security: credentials never cross pools (Redis ACL users A/B and no password; FerretDB SCRAM
// users A/B and none), TLS verification is on by default for Redis and Mongo, memcached keys
// cannot inject commands, reply size limits hold against real servers, and no secret
// (password, SCRAM proof) appears in any error message or cosocket log line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configure } from 'cosocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosocketError, identityKeyTransform, Memcached, MemcachedProtocolError } from 'resty-memcached';
import { Mongo } from 'resty-mongo';
import { Redis, RedisProtocolError } from 'resty-redis';
import { freePort } from '../servers/ports.js';
import { generateTlsFiles } from '../servers/tls.js';
import {
  onDemandSkip,
  startFerretDB,
  startMemcached,
  startRedis,
  type FerretDBServer,
  type OnDemandServer,
  type RedisServer,
} from '../servers/index.js';
import { count } from './support/stats.js';

const SECRETS = ['Default-SECRET-pw', 'Alice-SECRET-pw', 'Bob-SECRET-pw', 'Wrong-SECRET-pw', 'Mongo-A-SECRET', 'Mongo-B-SECRET'];
const logs: string[] = [];
const errors: unknown[] = [];

/** The awaited error, kept for the secret scan at the end. */
async function failure(p: Promise<unknown>): Promise<Error> {
  const error = await p.then(
    () => new Error('expected a failure'),
    (e: unknown) => e as Error,
  );
  errors.push(error);
  return error;
}

/** Every text an error exposes: message, stack, code, and its causes. */
function texts(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 5) return [String(error)];
  return [error.message, error.stack ?? '', String((error as { code?: unknown }).code ?? ''), ...texts(error.cause, depth + 1)];
}

beforeAll(() => {
  configure({ logger: (message, error) => logs.push(`${message} ${texts(error).join(' ')}`) });
});

afterAll(() => {
  expect(errors.length).toBeGreaterThan(5);
  const all = [...logs, ...errors.flatMap((e) => texts(e))].join('\n');
  for (const secret of SECRETS) expect(all).not.toContain(secret);
  // A SCRAM client-final message carries the proof as `p=<base64>`.
  expect(all).not.toMatch(/(^|,)p=[A-Za-z0-9+/]{20,}={0,2}/m);
});

describe.skipIf(onDemandSkip('redis-server'))('Redis: credentials never cross pools', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({
      password: 'Default-SECRET-pw',
      users: [
        { username: 'alice', password: 'Alice-SECRET-pw' },
        { username: 'bob', password: 'Bob-SECRET-pw' },
      ],
    });
  });

  async function connect(opts: { username?: string; password?: string }): Promise<Redis> {
    const red = new Redis();
    red.setTimeout(3000);
    await red.connect(server.host, server.port, opts);
    return red;
  }

  it('user A, user B and no password each get their own connections', async () => {
    const a = await connect({ username: 'alice', password: 'Alice-SECRET-pw' });
    expect(await a.acl('whoami')).toBe('alice');
    await a.setKeepalive();

    const anonymous = await connect({});
    expect(anonymous.getReusedTimes()).toBe(0);
    expect((await failure(anonymous.get('k'))).message).toMatch(/NOAUTH/);
    await anonymous.close();

    const b = await connect({ username: 'bob', password: 'Bob-SECRET-pw' });
    expect(b.getReusedTimes()).toBe(0);
    expect(await b.acl('whoami')).toBe('bob');
    await b.setKeepalive();

    const a2 = await connect({ username: 'alice', password: 'Alice-SECRET-pw' });
    expect(a2.getReusedTimes()).toBe(1);
    expect(await a2.acl('whoami')).toBe('alice');
    await a2.close();
  });

  it('a wrong password fails without the password in the error or the logs, and the socket is not pooled', async () => {
    const red = new Redis();
    red.setTimeout(3000);
    const error = await failure(red.connect(server.host, server.port, { username: 'alice', password: 'Wrong-SECRET-pw' }));
    expect(error.message).toMatch(/WRONGPASS|invalid/i);
    expect(() => red.getReusedTimes()).toThrow(CosocketError);
  });

  it('maxReplySize: an oversized reply from the real server is a protocol error that closes the connection', async () => {
    const red = await connect({ password: 'Default-SECRET-pw' });
    await red.set('big', 'x'.repeat(4096));
    const small = new Redis({ maxReplySize: 1024 });
    small.setTimeout(3000);
    await small.connect(server.host, server.port, { password: 'Default-SECRET-pw' });
    expect(await failure(small.get('big'))).toBeInstanceOf(RedisProtocolError);
    expect(() => small.getReusedTimes()).toThrow(CosocketError);
    await red.close();
  });

  it('TLS: verification is on by default (self-signed fails), off only when asked', async () => {
    const tls = await startRedis({ tls: true });
    const red = new Redis();
    red.setTimeout(3000);
    const error = await failure(red.connect(tls.host, tls.port, { ssl: true }));
    expect(error).toBeInstanceOf(CosocketError);
    expect((error as CosocketError).code).toMatch(/self[- ]signed|^19:|^20:|^21:/);
    const off = new Redis();
    off.setTimeout(3000);
    await off.connect(tls.host, tls.port, { ssl: true, sslVerify: false });
    expect(await off.ping()).toBe('PONG');
    await off.close();
  });
});

describe.skipIf(onDemandSkip('ferretdb', 'openssl'))('MongoDB: credentials never cross pools; TLS verified by default', () => {
  let server: FerretDBServer;
  let tlsPort = 0;
  const dir = mkdtempSync(join(tmpdir(), 'cosocket-reliability-tls-'));
  beforeAll(async () => {
    const files = await generateTlsFiles(dir);
    tlsPort = await freePort();
    server = await startFerretDB({
      auth: { username: 'mongoA', password: 'Mongo-A-SECRET' },
      args: [`--listen-tls=127.0.0.1:${tlsPort}`, `--listen-tls-cert-file=${files.certFile}`, `--listen-tls-key-file=${files.keyFile}`],
    });
    const admin = new Mongo();
    admin.setTimeout(10_000);
    await admin.connect(server.host, server.port, { username: 'mongoA', password: 'Mongo-A-SECRET' });
    await admin.db('admin').command({ createUser: 'mongoB', pwd: 'Mongo-B-SECRET', roles: [] });
    await admin.close();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function connect(opts: { username?: string; password?: string } = {}): Promise<Mongo> {
    const m = new Mongo();
    m.setTimeout(10_000);
    await m.connect(server.host, server.port, opts);
    return m;
  }
  const users = async (m: Mongo) => JSON.stringify((await m.db('admin').command({ connectionStatus: 1 })).authInfo);

  it('user A, user B and no credentials each get their own connections', async () => {
    const a = await connect({ username: 'mongoA', password: 'Mongo-A-SECRET' });
    expect(await users(a)).toContain('mongoA');
    await a.setKeepalive();
    const none = await connect();
    expect(none.getReusedTimes()).toBe(0);
    expect(await users(none)).not.toContain('mongoA');
    await none.close();
    const b = await connect({ username: 'mongoB', password: 'Mongo-B-SECRET' });
    expect(b.getReusedTimes()).toBe(0);
    expect(await users(b)).toContain('mongoB');
    await b.setKeepalive();
    const a2 = await connect({ username: 'mongoA', password: 'Mongo-A-SECRET' });
    expect(a2.getReusedTimes()).toBe(1);
    expect(await users(a2)).toContain('mongoA');
    await a2.close();
  });

  it('a wrong password fails without the password or the SCRAM proof in any message', async () => {
    const m = new Mongo();
    m.setTimeout(10_000);
    await failure(m.connect(server.host, server.port, { username: 'mongoA', password: 'Wrong-SECRET-pw' }));
    expect(() => m.getReusedTimes()).toThrow(CosocketError);
  });

  it('TLS: a self-signed certificate fails by default, works only with verification off', async () => {
    count('faultsInjected');
    const m = new Mongo();
    m.setTimeout(10_000);
    const error = await failure(m.connect('127.0.0.1', tlsPort, { ssl: true, username: 'mongoA', password: 'Mongo-A-SECRET' }));
    expect(error).toBeInstanceOf(CosocketError);
    const off = new Mongo();
    off.setTimeout(10_000);
    await off.connect('127.0.0.1', tlsPort, { ssl: true, sslVerify: false, username: 'mongoA', password: 'Mongo-A-SECRET' });
    expect((await off.db('admin').command({ ping: 1 })).ok).toBe(1);
    await off.close();
  });
});

describe.skipIf(onDemandSkip('memcached'))('Memcached: keys cannot inject commands; value size limit', () => {
  let server: OnDemandServer;
  beforeAll(async () => {
    server = await startMemcached();
  });

  async function connect(options: ConstructorParameters<typeof Memcached>[0] = {}): Promise<Memcached> {
    const mc = new Memcached(options);
    mc.setTimeout(3000);
    await mc.connect(server.host, server.port);
    return mc;
  }

  const HOSTILE = ['k\r\nflush_all', 'k flush_all', 'k\nflush_all\n', 'k\0x', 'a'.repeat(300), 'k\r\nset canary 0 0 1\r\nX', ''];

  it('hostile keys are encoded (default) or refused before anything is sent (identity transform)', async () => {
    const mc = await connect();
    await mc.set('canary', 'alive');
    for (const key of HOSTILE) {
      count('hostileInputs');
      if (key === '' || key.length > 200) {
        await failure(mc.set(key, 'v'));
        continue;
      }
      expect(await mc.set(key, 'v')).toBe(true);
      expect((await mc.get(key))?.value).toBe('v');
    }
    const raw = await connect({ keyTransform: identityKeyTransform });
    for (const key of HOSTILE) {
      count('hostileInputs');
      const error = await failure(raw.set(key, 'v'));
      expect(error).toBeInstanceOf(TypeError);
    }
    expect(raw.getReusedTimes()).toBe(0); // still connected and usable: nothing was sent
    expect((await raw.get('canary'))?.value).toBe('alive');
    const stats = await mc.stats();
    expect(stats.cmd_flush).toBe('0');
    await mc.close();
    await raw.close();
  });

  it('maxValueSize: an oversized value from the real server is a protocol error that closes the connection', async () => {
    const mc = await connect();
    await mc.set('big', 'x'.repeat(4096));
    const small = await connect({ maxValueSize: 1024 });
    expect(await failure(small.get('big'))).toBeInstanceOf(MemcachedProtocolError);
    expect(() => small.getReusedTimes()).toThrow(CosocketError);
    await mc.close();
  });
});
