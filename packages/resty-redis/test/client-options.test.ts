import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_CONNECT_TIMEOUT } from 'cosocket';
import { resolveClientOptions } from '../src/client/options.js';
import { blockingReadTimeout, FOREVER, routeOf } from '../src/client/routing.js';

describe('createClient options', () => {
  it('defaults: 127.0.0.1:6379, poolSize 10, connect timeout 10 s, wait timeout 10 s', () => {
    const o = resolveClientOptions(undefined, undefined);
    expect(o.target).toEqual({ host: '127.0.0.1', port: 6379, options: {} });
    expect(o).toMatchObject({
      address: '127.0.0.1:6379',
      poolSize: 10,
      connectTimeout: DEFAULT_CLIENT_CONNECT_TIMEOUT,
      waitTimeout: 10_000,
      commandTimeout: 0,
    });
    expect(DEFAULT_CLIENT_CONNECT_TIMEOUT).toBe(10_000);
  });

  it('takes the URL, and the options override it', () => {
    const o = resolveClientOptions('redis://u:p@h:7000/3', { database: 4, poolSize: 2 });
    expect(o.target).toEqual({ host: 'h', port: 7000, options: { username: 'u', password: 'p', database: 4 } });
    expect(o.poolSize).toBe(2);
    expect(resolveClientOptions({ url: 'redis://h', port: 7001 }, undefined).address).toBe('h:7001');
    expect(resolveClientOptions({ url: 'redis://h', host: 'other' }, undefined).address).toBe('other:6379');
  });

  it('unix sockets from the URL or the path option', () => {
    expect(resolveClientOptions('redis+unix:///tmp/r.sock?db=2', undefined).target).toEqual({
      host: 'unix:/tmp/r.sock',
      port: undefined,
      options: { database: 2 },
    });
    expect(resolveClientOptions({ path: '/tmp/r.sock' }, undefined).address).toBe('unix:/tmp/r.sock');
    expect(() => resolveClientOptions({ path: '/tmp/r.sock', host: 'h' }, undefined)).toThrow('host and path both given');
  });

  it('TLS: rediss:// or tls, verification on, SNI from a host name (not from an IP address)', () => {
    expect(resolveClientOptions('rediss://redis.example.com', undefined).target.options).toEqual({ ssl: true, serverName: 'redis.example.com' });
    expect(resolveClientOptions('rediss://10.0.0.1', undefined).target.options).toEqual({ ssl: true });
    expect(resolveClientOptions({ host: 'h', tls: { ca: 'PEM', sslVerify: false, serverName: 'x' } }, undefined).target.options).toEqual({
      ssl: true,
      ca: 'PEM',
      sslVerify: false,
      serverName: 'x',
    });
    expect(resolveClientOptions('rediss://h', { tls: false }).target.options).toEqual({});
  });

  it.each([
    [{ protocol: 3 }, 'RESP3 (protocol: 3) is not supported yet: use protocol: 2 (the default)'],
    [{ protocol: 4 }, 'bad option protocol: 4'],
    [{ clientSideCache: { maxEntries: 1 } }, 'clientSideCache is not supported yet: client-side caching needs RESP3'],
    [{ poolSize: 0 }, 'bad option poolSize: 0 (an integer >= 1)'],
    [{ poolSize: 1.5 }, 'bad option poolSize'],
    [{ maxWaiting: -1 }, 'bad option maxWaiting'],
    [{ connectTimeout: -1 }, 'bad option connectTimeout: -1 (ms)'],
    [{ commandTimeout: 2 ** 31 }, 'bad option commandTimeout'],
    [{ waitTimeout: Number.NaN }, 'bad option waitTimeout'],
    [{ port: 70000 }, 'bad option port: 70000'],
    [{ host: '' }, 'bad option host'],
    [{ database: -1 }, 'bad option database'],
    [{ username: 'u' }, 'a password is required'],
    [{ tls: 'yes' }, 'bad option tls'],
  ])('refuses %j', (options, message) => {
    expect(() => resolveClientOptions(options as never, undefined)).toThrow(message);
  });

  it('a bad URL is a TypeError with the password masked', () => {
    expect(() => resolveClientOptions('redis://:pw@h:x', undefined)).toThrow(
      new TypeError('bad URL "redis://:****@h:x": the port "x" is not a number'),
    );
    expect(() => resolveClientOptions(42 as never, undefined)).toThrow('createClient: a URL or an options object expected, got number');
  });
});

describe('client command routes', () => {
  it.each([
    ['get', ['k'], 'mux'],
    ['set', ['k', 'v'], 'mux'],
    ['xread', ['COUNT', 1, 'STREAMS', 'k', '0'], 'mux'],
    ['client', ['ID'], 'mux'],
    ['blpop', ['k', 1], 'lease'],
    ['bzmpop', [1, 1, 'k', 'MIN'], 'lease'],
    ['xread', ['BLOCK', 100, 'STREAMS', 'k', '$'], 'lease'],
    ['wait', [0, 100], 'lease'],
    ['client', ['PAUSE', 10], 'lease'],
  ])('%s %j -> %s', (name, args, route) => {
    expect(routeOf(name, args)).toBe(route);
  });

  it.each([
    ['select', [1], /database/],
    ['multi', [], /client\.multi/],
    ['watch', ['k'], /withConnection/],
    ['subscribe', ['c'], /client\.subscribe/],
    ['ssubscribe', ['c'], /sharded/],
    ['quit', [], /close/],
    ['auth', ['p'], /username, password/],
    ['client', [Buffer.from('setname'), 'x'], /CLIENT SETNAME/],
    ['client', ['tracking', 'on'], /CLIENT TRACKING/],
  ])('%s %j is refused with advice', (name, args, advice) => {
    const route = routeOf(name, args);
    expect(typeof route).toBe('object');
    expect((route as { refused: string }).refused).toMatch(advice);
  });

  it('a blocking command reads for its block time plus the margin; 0 blocks for ever', () => {
    expect(blockingReadTimeout('blpop', ['a', 'b', 2.5], 1000)).toBe(3500);
    expect(blockingReadTimeout('blpop', ['a', '0'], 1000)).toBe(FOREVER);
    expect(blockingReadTimeout('blmpop', [1, 1, 'k', 'LEFT'], 500)).toBe(1500);
    expect(blockingReadTimeout('xreadgroup', ['GROUP', 'g', 'c', 'block', 250, 'STREAMS', 'k', '>'], 100)).toBe(350);
    expect(blockingReadTimeout('wait', [1, 2000], 100)).toBe(2100);
    expect(blockingReadTimeout('waitaof', [1, 0, 0], 100)).toBe(FOREVER);
    expect(blockingReadTimeout('blpop', ['a', 'soon'], 1000)).toBeUndefined();
    expect(blockingReadTimeout('get', ['k'], 1000)).toBeUndefined();
    expect(blockingReadTimeout('xread', ['STREAMS', 'k', '0'], 1000)).toBeUndefined();
  });
});
