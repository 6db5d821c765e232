// createClient from every URL form, end to end: AUTH (password, ACL user with percent-encoded
// credentials), the database from the path or ?db=, a unix socket, rediss:// (TLS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, RedisReplyError, type RedisClient } from 'resty-redis';
import { closeAfterEach, failure } from '@cosocket/test-kit';
import { onDemandSkip, startRedis, type RedisServer } from '../../servers/index.js';
import { key, serverDb } from './helpers.js';

describe.skipIf(onDemandSkip('redis-server'))('createClient: URL forms', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ password: 'default-pw', users: [{ username: 'app@1', password: 'p:w/%#' }] });
  });

  const open = closeAfterEach<RedisClient>();
  const make = (url: string, options = {}) => {
    const client = createClient(url, { commandTimeout: 3000, ...options });
    open.push(client);
    return client;
  };
  const whoAmI = (client: RedisClient) => client.acl('whoami');

  it('redis://:password@host:port/db', async () => {
    const client = make(`redis://:default-pw@${server.host}:${server.port}/3`);
    expect(await whoAmI(client)).toBe('default');
    const k = key('db3');
    await client.set(k, 'in 3');
    // Every route is on database 3: the multiplexed connection, leases, pipelines, transactions.
    expect(await client.withConnection((red) => serverDb(red))).toBe(3);
    expect(await client.pipeline().get(k).blpop(key('none'), 0.01).exec()).toEqual(['in 3', null]);
    expect(await client.multi().get(k).exec()).toEqual(['in 3']);
    const db0 = make(`redis://:default-pw@${server.host}:${server.port}`);
    expect(await db0.get(k)).toBeNull();
    expect(await make(`redis://:default-pw@${server.host}:${server.port}?db=3`).get(k)).toBe('in 3');
  });

  it('redis://user:password@host with percent-encoded user info (ACL user)', async () => {
    const client = make(`redis://app%401:p%3Aw%2F%25%23@${server.host}:${server.port}`);
    expect(await whoAmI(client)).toBe('app@1');
    expect(await client.withConnection((red) => red.acl('whoami'))).toBe('app@1');
  });

  it('options override the URL, and the port defaults to 6379', async () => {
    const client = make(`redis://:wrong@${server.host}:${server.port}/1`, { password: 'default-pw', database: 2 });
    expect(await client.withConnection((red) => serverDb(red))).toBe(2);
    const defaultPort = createClient(`redis://${server.host}`, { connectTimeout: 1000 });
    open.push(defaultPort);
    expect(defaultPort.address).toBe(`${server.host}:6379`);
  });

  it('a wrong password rejects the command with WRONGPASS, naming connect', async () => {
    const client = make(`redis://:nope@${server.host}:${server.port}`);
    const error = await failure(client.get('k'), RedisReplyError);
    expect(error.code).toBe('WRONGPASS');
    expect(error.command).toBe('connect');
    expect(error.address).toBe(`${server.host}:${server.port}`);
  });

  it('redis+unix:///path?db=N and unix:///path', async () => {
    const client = make(`redis+unix://:default-pw@${server.unixSocket}?db=4`);
    expect(client.address).toBe(`unix:${server.unixSocket}`);
    const k = key('unix');
    await client.set(k, 'over the socket');
    expect(await client.withConnection((red) => serverDb(red))).toBe(4);
    expect(await make(`unix://:default-pw@${server.unixSocket}`, { database: 4 }).get(k)).toBe('over the socket');
    const byOptions = createClient({ path: server.unixSocket, password: 'default-pw', database: 4 });
    open.push(byOptions);
    expect(await byOptions.get(k)).toBe('over the socket');
  });
});

describe.skipIf(onDemandSkip('redis-server', 'openssl'))('createClient: rediss://', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ tls: true, password: 'tls-pw' });
  });
  const clients: RedisClient[] = [];
  afterAll(() => Promise.all(clients.map((c) => c.close())));

  it('TLS with the CA and the server name, on every route', async () => {
    const client = createClient(`rediss://:tls-pw@${server.host}:${server.port}`, {
      tls: { ca: server.tls!.ca, serverName: server.tls!.serverName },
    });
    clients.push(client);
    expect(await client.ping()).toBe('PONG');
    expect(await client.blpop(key('tls'), 0.01)).toBeNull();
    const got: string[] = [];
    const ch = key('tls-ch');
    await client.subscribe(ch, (m) => got.push(m));
    expect(await client.publish(ch, 'secret')).toBe(1);
  });

  it('verifies by default: the self-signed certificate fails without the CA', async () => {
    const client = createClient(`rediss://:tls-pw@localhost:${server.port}`, { connectTimeout: 3000 });
    clients.push(client);
    await expect(client.ping()).rejects.toThrow(/self[- ]signed.*connect\)$/);
    const unverified = createClient(`rediss://:tls-pw@${server.host}:${server.port}`, { tls: { sslVerify: false } });
    clients.push(unverified);
    expect(await unverified.ping()).toBe('PONG');
  });
});
