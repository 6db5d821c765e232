import { keepsConnection, OperationError } from 'cosocket';
import { describe, expect, it } from 'vitest';
import { parseServerFirst, verifyServerFinal } from '../src/auth/scram.js';
import {
  MongoAuthError,
  MongoClientError,
  MongoError,
  MongoProtocolError,
  MongoServerError,
  MongoSizeError,
  serverErrorFromReply,
} from '../src/errors.js';

describe('the resty-mongo error family', () => {
  it('derives from cosocket OperationError; only a server reply keeps the connection', () => {
    const all = [
      new MongoServerError({ code: 59, errmsg: 'no such command' }),
      new MongoProtocolError('bad'),
      new MongoAuthError('bad'),
      new MongoSizeError('big', 2, 1),
      new MongoClientError('misuse'),
    ];
    for (const error of all) {
      expect(error).toBeInstanceOf(MongoError);
      expect(error).toBeInstanceOf(OperationError);
    }
    expect(all.map((e) => keepsConnection(e))).toEqual([true, false, false, false, false]);
    expect(all.map((e) => e.name)).toEqual(['MongoServerError', 'MongoProtocolError', 'MongoAuthError', 'MongoSizeError', 'MongoClientError']);
  });

  it("a server error keeps the server's message once located; the others end in (address, command)", () => {
    const server = serverErrorFromReply({ ok: 0, code: 11000, errmsg: 'E11000 duplicate key error' }).locate('h:27017', 'insert');
    expect(server.message).toBe('E11000 duplicate key error');
    expect(server).toMatchObject({
      address: 'h:27017',
      command: 'insert',
      code: 11000,
      codeName: 'DuplicateKey',
      errmsg: 'E11000 duplicate key error',
    });
    const size = new MongoSizeError('document at index 0 is 9 bytes, above maxBsonObjectSize 8', 9, 8).locate('unix:/tmp/m.sock', 'insert');
    expect(size.message).toBe('document at index 0 is 9 bytes, above maxBsonObjectSize 8 (unix:/tmp/m.sock, insert)');
    expect(size.text).toBe('document at index 0 is 9 bytes, above maxBsonObjectSize 8');
    expect(size.stack?.split('\n')[0]).toBe(`MongoSizeError: ${size.message}`);
  });

  it('an untrusted SCRAM answer names the command it answered', () => {
    expect(() => parseServerFirst('r=someoneelse,s=AAAA,i=4096', 'mine')).toThrow(
      expect.objectContaining({ command: 'saslStart', message: 'SCRAM: the server nonce does not extend the client nonce (saslStart)' }),
    );
    expect(() => verifyServerFinal('e=other-error', Buffer.alloc(32))).toThrow(expect.objectContaining({ command: 'saslContinue' }));
  });
});
