import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseServers } from '../src/url.js';

const one = (server: Parameters<typeof parseServers>[0]) => parseServers(server)[0];

describe('server addresses', () => {
  it.each([
    ['127.0.0.1:11311', { host: '127.0.0.1', port: 11311, address: '127.0.0.1:11311' }],
    ['127.0.0.1', { host: '127.0.0.1', port: 11211, address: '127.0.0.1:11211' }],
    ['cache-1.internal', { host: 'cache-1.internal', port: 11211, address: 'cache-1.internal:11211' }],
    ['memcached_host:1', { host: 'memcached_host', port: 1, address: 'memcached_host:1' }],
    ['[::1]:11311', { host: '::1', port: 11311, address: '[::1]:11311' }],
    ['[::1]', { host: '::1', port: 11211, address: '[::1]:11211' }],
    ['[fe80::1%eth0]:5', { host: 'fe80::1%eth0', port: 5, address: '[fe80::1%eth0]:5' }],
    ['memcached://10.0.0.1:11311', { host: '10.0.0.1', port: 11311, address: '10.0.0.1:11311' }],
    ['memcached://10.0.0.1/', { host: '10.0.0.1', port: 11211, address: '10.0.0.1:11211' }],
    ['MEMCACHED://[::1]:7', { host: '::1', port: 7, address: '[::1]:7' }],
    ['unix:/run/memcached.sock', { host: 'unix:/run/memcached.sock', port: undefined, address: 'unix:/run/memcached.sock' }],
    ['unix:/tmp/a,b.sock', { host: 'unix:/tmp/a,b.sock', port: undefined, address: 'unix:/tmp/a,b.sock' }],
  ])('%s', (text, parsed) => {
    expect(parseServers(text)).toEqual([parsed]);
  });

  it('the default port is 11211', () => {
    expect(DEFAULT_PORT).toBe(11211);
  });

  it('objects: { host, port? }, an IPv6 host without brackets, unix:/path without a port', () => {
    expect(one({ host: 'h' })).toEqual({ host: 'h', port: 11211, address: 'h:11211' });
    expect(one({ host: 'h', port: 1 })).toEqual({ host: 'h', port: 1, address: 'h:1' });
    expect(one({ host: '::1', port: 2 })).toEqual({ host: '::1', port: 2, address: '[::1]:2' });
    expect(one({ host: 'unix:/s' })).toEqual({ host: 'unix:/s', port: undefined, address: 'unix:/s' });
  });

  it('lists: an array, a comma-separated string (memjs), or both; in order', () => {
    expect(parseServers(['a:1', 'b']).map((s) => s.address)).toEqual(['a:1', 'b:11211']);
    expect(parseServers('a:1, b:2,[::1]').map((s) => s.address)).toEqual(['a:1', 'b:2', '[::1]:11211']);
    expect(parseServers(['a:1,b:2', { host: 'c' }, 'unix:/x']).map((s) => s.address)).toEqual(['a:1', 'b:2', 'c:11211', 'unix:/x']);
  });

  it.each([
    ['', 'bad URL "": empty'],
    ['h:', 'bad URL "h:": missing the port number after the colon'],
    ['h:0', 'bad URL "h:0": bad port "0" (expected 1 to 65535)'],
    ['h:65536', 'bad URL "h:65536": bad port "65536" (expected 1 to 65535)'],
    ['h:11211x', 'bad URL "h:11211x": bad port "11211x" (expected 1 to 65535)'],
    ['h:-1', 'bad URL "h:-1": bad port "-1" (expected 1 to 65535)'],
    [':11211', 'bad URL ":11211": missing the host'],
    ['::1', 'bad URL "::1": an IPv6 address needs brackets, as in [::1]:11211'],
    ['::1:11211', 'bad URL "::1:11211": an IPv6 address needs brackets, as in [::1]:11211'],
    ['[::1', 'bad URL "[::1": missing the closing ] of an IPv6 address'],
    ['[::1]x', 'bad URL "[::1]x": unexpected "x" after the IPv6 address'],
    ['[nothost]:1', 'bad URL "[nothost]:1": bad IPv6 address [nothost]'],
    ['h st', 'bad URL "h st": bad host "h st"'],
    ['-h', 'bad URL "-h": bad host "-h"'],
    ['redis://h:1', 'bad URL "redis://h:1": unknown scheme redis:// (expected memcached:// or none)'],
    ['memcached://', 'bad URL "memcached://": missing the host'],
    ['memcached://user:secret@h:1', 'bad URL "memcached://user:****@h:1": user info is not supported (the text protocol has no authentication)'],
    ['memcached://h:1/db', 'bad URL "memcached://h:1/db": a path, query or fragment is not supported'],
    ['memcached://h?x=1', 'bad URL "memcached://h?x=1": a path, query or fragment is not supported'],
    ['unix:', 'bad URL "unix:": missing the socket path after unix:'],
    ['a:1,,b:2', 'bad URL "a:1,,b:2": an empty server in the list'],
    ['a:1,b:x', 'bad URL "a:1,b:x": bad port "x" (expected 1 to 65535)'],
  ])('%j is a TypeError quoting it', (text, message) => {
    expect(() => parseServers(text)).toThrow(TypeError);
    expect(() => parseServers(text)).toThrow(message);
  });

  it('bad objects and empty lists are TypeErrors', () => {
    expect(() => parseServers([])).toThrow('bad servers: no server given');
    expect(() => parseServers({ host: '' })).toThrow('bad server: { host } must be a non-empty string');
    expect(() => parseServers({ host: 'h', port: 0 })).toThrow('bad server: port 0 is not an integer from 1 to 65535');
    expect(() => parseServers({ host: 'unix:/s', port: 1 })).toThrow('bad server: unix:/s takes no port');
    expect(() => parseServers(null as never)).toThrow('bad server: "host[:port]" or { host, port } expected, got null');
    expect(() => parseServers(11211 as never)).toThrow(TypeError);
  });
});
