import { describe, expect, it } from 'vitest';
import { clientFinal, clientFirstBare, deriveKeys, escapeUsername, parseServerFirst, passwordInput, verifyServerFinal } from '../src/auth/scram.js';
import { MongoAuthError } from '../src/errors.js';

// Vectors from spec §2.11 (recomputed there with Python hashlib).
const SHA1 = {
  nonce: 'fyko+d2lbbFgONRv9qkxdawL',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000',
  proof: 'p=MC2T8BvbmWRckDw8oWl5IVghwCY=',
  serverFinal: 'v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0=',
};
const SHA256 = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  proof: 'p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('SCRAM', () => {
  it('escapes every = and , in the username', () => {
    expect(escapeUsername('a=b,c=d,e')).toBe('a=3Db=2Cc=3Dd=2Ce');
    expect(clientFirstBare('u,=', 'N')).toBe('n=u=2C=3D,r=N');
  });

  it('pre-digests the SCRAM-SHA-1 password as md5(user:mongo:pass)', () => {
    expect(passwordInput('SCRAM-SHA-1', 'user', 'pencil')).toBe('1c33006ec1ffd90f9cadcbcc0e118200');
    expect(passwordInput('SCRAM-SHA-256', 'user', 'pencil')).toBe('pencil');
    expect(passwordInput('SCRAM-SHA-256', 'user', 'I\u00ADX')).toBe('IX');
  });

  for (const [mechanism, v] of [
    ['SCRAM-SHA-1', SHA1],
    ['SCRAM-SHA-256', SHA256],
  ] as const) {
    it(`${mechanism}: client proof and server signature match the vectors`, async () => {
      const first = parseServerFirst(v.serverFirst, v.nonce);
      const keys = await deriveKeys(mechanism, 'user', 'pencil', first.salt, first.iterations);
      const final = clientFinal(mechanism, keys, clientFirstBare('user', v.nonce), v.serverFirst, first.nonce);
      expect(final.message).toBe(`c=biws,r=${first.nonce},${v.proof}`);
      expect(() => verifyServerFinal(v.serverFinal, final.serverSignature)).not.toThrow();
      // A server that does not know the password cannot produce the signature.
      const forged = `v=${Buffer.alloc(final.serverSignature.length, 1).toString('base64')}`;
      expect(() => verifyServerFinal(forged, final.serverSignature)).toThrow(MongoAuthError);
      expect(() => verifyServerFinal('e=other-error', final.serverSignature)).toThrow(/other-error/);
    });
  }

  it('refuses a server nonce that does not extend ours, and too few iterations', () => {
    expect(() => parseServerFirst('r=someoneelse,s=AAAA,i=4096', 'mine')).toThrow(/nonce/);
    expect(() => parseServerFirst('r=mine,s=AAAA,i=4096', 'mine')).toThrow(/nonce/);
    expect(() => parseServerFirst('r=mineXY,s=AAAA,i=4095', 'mine')).toThrow(/iterations/);
    expect(() => parseServerFirst('r=mineXY,s=AAAA', 'mine')).toThrow(/malformed/);
  });

  it('never puts the password or proof in an error message', async () => {
    const first = parseServerFirst(SHA256.serverFirst, SHA256.nonce);
    const keys = await deriveKeys('SCRAM-SHA-256', 'user', 'pencil', first.salt, first.iterations);
    const final = clientFinal('SCRAM-SHA-256', keys, clientFirstBare('user', SHA256.nonce), SHA256.serverFirst, first.nonce);
    try {
      verifyServerFinal('v=AAAA', final.serverSignature);
      expect.unreachable();
    } catch (error) {
      const text = `${(error as Error).message} ${JSON.stringify(error)}`;
      expect(text).not.toContain('pencil');
      expect(text).not.toContain(SHA256.proof.slice(2));
    }
  });
});
