import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../src/index.js';

describe('parseRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1', { host: '127.0.0.1', port: 6379, tls: false }],
    ['redis://localhost:6380', { host: 'localhost', port: 6380, tls: false }],
    ['redis://h:6380/', { host: 'h', port: 6380, tls: false }],
    ['redis://h/9', { host: 'h', port: 6379, database: 9, tls: false }],
    ['REDIS://h:1/0', { host: 'h', port: 1, database: 0, tls: false }],
    ['redis://:pw@h:6379/2', { host: 'h', port: 6379, password: 'pw', database: 2, tls: false }],
    ['redis://alice:s3cret@h', { host: 'h', port: 6379, username: 'alice', password: 's3cret', tls: false }],
    ['redis://al%40ice:p%3Aw%2F%25%23@h', { host: 'h', port: 6379, username: 'al@ice', password: 'p:w/%#', tls: false }],
    ['redis://:p@ss@h', { host: 'h', port: 6379, password: 'p@ss', tls: false }],
    ['redis://:@h', { host: 'h', port: 6379, tls: false }],
    ['redis://@h', { host: 'h', port: 6379, tls: false }],
    ['redis://[::1]', { host: '::1', port: 6379, tls: false }],
    ['redis://[::1]:6380/3', { host: '::1', port: 6380, database: 3, tls: false }],
    ['redis://u:p@[fe80::1%25eth0]:7000', { host: 'fe80::1%eth0', port: 7000, username: 'u', password: 'p', tls: false }],
    ['redis://h?db=4', { host: 'h', port: 6379, database: 4, tls: false }],
    ['redis://h/4?db=4', { host: 'h', port: 6379, database: 4, tls: false }],
    ['rediss://h', { host: 'h', port: 6379, tls: true }],
    ['rediss://u:p@redis.example.com:6380/1', { host: 'redis.example.com', port: 6380, username: 'u', password: 'p', database: 1, tls: true }],
    ['redis+unix:///run/redis.sock', { path: '/run/redis.sock', tls: false }],
    ['redis+unix:///run/redis.sock?db=2', { path: '/run/redis.sock', database: 2, tls: false }],
    ['redis+unix://:pw@/tmp/r%20x.sock', { path: '/tmp/r x.sock', password: 'pw', tls: false }],
    ['redis+unix://u:pw@/tmp/r.sock?db=1', { path: '/tmp/r.sock', username: 'u', password: 'pw', database: 1, tls: false }],
    ['unix:///tmp/redis.sock', { path: '/tmp/redis.sock', tls: false }],
    ['unix://localhost/tmp/redis.sock', { path: '/tmp/redis.sock', tls: false }],
  ])('%s', (url, expected) => {
    expect(parseRedisUrl(url)).toEqual(expected);
  });

  it.each([
    ['127.0.0.1:6379', 'expected redis://, rediss://, redis+unix:// or unix:// at the start'],
    ['http://h', 'unsupported scheme "http:"'],
    ['redis://', 'missing the host'],
    ['redis://:pw@', 'missing the host'],
    ['redis://:pw@:6379/1', 'missing the host'],
    ['redis://h:', null],
    ['redis://h:port', 'the port "port" is not a number'],
    ['redis://h:-1', 'the port "-1" is not a number'],
    ['redis://h:0', 'the port 0 is out of range (1-65535)'],
    ['redis://h:65536', 'the port 65536 is out of range'],
    ['redis://h/x', 'the database (the path after the port) "x" is not a database number'],
    ['redis://h/1/2', 'is not a database number'],
    ['redis://h/-1', 'is not a database number'],
    ['redis://h?db=x', 'the db option "x" is not a database number'],
    ['redis://h/1?db=2', 'two databases: 1 in the path and 2 in ?db='],
    ['redis://h?timeout=1', 'unknown option "timeout"'],
    ['redis://h#frag', 'a fragment'],
    ['redis://::1', 'an IPv6 address must be written in brackets'],
    ['redis://[::1', 'is not closed with ]'],
    ['redis://[::1]x', 'unexpected "x" after the IPv6 address'],
    ['redis://[nothost]', 'is not an IPv6 address'],
    ['redis://alice@h', 'a user name needs a password'],
    ['redis://alice:@h', 'the password is empty'],
    ['redis://:p%zzw@h', 'the password holds a malformed percent-escape'],
    ['redis://:pa/ss@h', 'percent-encode it as %2F'],
    ['redis+unix://', 'missing the socket path'],
    ['redis+unix://host/tmp/r.sock', 'a unix socket URL has no host ("host")'],
    ['redis+unix:///tmp/r.sock?db=one', 'the db option "one" is not a database number'],
  ])('%s is refused: %s', (url, problem) => {
    if (problem === null) {
      expect(parseRedisUrl(url)).toEqual({ host: 'h', port: 6379, tls: false });
      return;
    }
    let error: unknown;
    try {
      parseRedisUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message).toMatch(/^bad URL "/);
  });

  it('masks the password in the message', () => {
    expect(() => parseRedisUrl('redis://alice:s3cret@h:x/1')).toThrow('bad URL "redis://alice:****@h:x/1": the port "x" is not a number');
    expect(() => parseRedisUrl('redis://:s3cret@h/zz')).toThrow(/^bad URL "redis:\/\/:\*\*\*\*@h\/zz"/);
    for (const url of ['redis://u:s3cret@h:x', 'redis://:s3cret@', 'rediss://u:s3cret@h?x=1', 'redis+unix://u:s3cret@']) {
      expect(() => parseRedisUrl(url)).toThrow(TypeError);
      try {
        parseRedisUrl(url);
      } catch (e) {
        expect((e as Error).message).not.toContain('s3cret');
      }
    }
  });

  it('refuses what is not a string', () => {
    expect(() => parseRedisUrl(42 as unknown as string)).toThrow('bad URL: string expected, got number');
  });
});
