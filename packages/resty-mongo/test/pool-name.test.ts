import { describe, expect, it } from 'vitest';
import { defaultPoolName } from '../src/index.js';

describe('defaultPoolName', () => {
  it('separates TLS settings (on/off, server name, verification, CAs), so a verified connection is never one made without', () => {
    const address = '127.0.0.1:27017';
    const names = [
      defaultPoolName(address, undefined, false),
      defaultPoolName(address, undefined, true),
      defaultPoolName(address, undefined, { ssl: true, sslVerify: false }),
      defaultPoolName(address, undefined, { ssl: true, serverName: 'db.internal' }),
      defaultPoolName(address, undefined, { ssl: true, ca: 'CA pem' }),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe(address);
    expect(defaultPoolName(address, undefined, { ssl: false, sslVerify: false })).toBe(address);
  });
});
