import { describe, expect, it } from 'vitest';
import { checkTlsOptions, clientTls } from '../src/index.js';

describe('checkTlsOptions', () => {
  it('accepts plain and TLS option sets', () => {
    expect(() => checkTlsOptions({})).not.toThrow();
    expect(() => checkTlsOptions({ ssl: false })).not.toThrow();
    expect(() => checkTlsOptions({ ssl: true, sslVerify: false, serverName: 'db', ca: 'PEM' })).not.toThrow();
  });

  it.each([
    [{ ssl: 'yes' }, /bad option ssl: boolean expected/],
    [{ ssl: true, sslVerify: 0 }, /bad option sslVerify: boolean expected/],
    [{ ssl: true, serverName: 1 }, /bad option serverName: string expected/],
    [{ ca: 'PEM' }, /bad option ca: only meaningful with ssl: true/],
    [{ ssl: false, serverName: 'db' }, /bad option serverName: only meaningful with ssl: true/],
    [{ sslVerify: true }, /bad option sslVerify: only meaningful with ssl: true/],
  ])('refuses %j', (options, message) => {
    expect(() => checkTlsOptions(options)).toThrow(TypeError);
    expect(() => checkTlsOptions(options)).toThrow(message);
  });
});

describe('clientTls', () => {
  it('maps the client layer tls option to connect options, SNI from a host name only', () => {
    expect(clientTls(undefined, 'cache.internal')).toEqual({});
    expect(clientTls(false, 'cache.internal')).toEqual({});
    expect(clientTls(true, 'cache.internal')).toEqual({ ssl: true, serverName: 'cache.internal' });
    expect(clientTls(true, '10.0.0.1')).toEqual({ ssl: true });
    expect(clientTls(true, '::1')).toEqual({ ssl: true });
    expect(clientTls({ sslVerify: false, serverName: 'x.test', ca: 'PEM' }, '10.0.0.1')).toEqual({
      ssl: true,
      sslVerify: false,
      serverName: 'x.test',
      ca: 'PEM',
    });
  });

  it('refuses what is not a tls option', () => {
    expect(() => clientTls('yes' as never, 'h')).toThrow('bad option tls: true, false or TLS options expected, got string');
    expect(() => clientTls({ sslVerify: 'no' } as never, 'h')).toThrow('bad option sslVerify: boolean expected, got string');
  });
});
