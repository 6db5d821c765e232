import { describe, expect, it } from 'vitest';
import { checkTlsOptions } from '../src/index.js';

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
