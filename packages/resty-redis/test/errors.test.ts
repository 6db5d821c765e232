import { describe, expect, it } from 'vitest';
import { CosocketError, keepsConnection, OperationError } from 'cosocket';
import { RedisClientError, RedisError, RedisProtocolError, RedisReplyError } from '../src/index.js';
import { closeReason, locateCommand, locateReply } from '../src/errors.js';

describe('the resty-redis error family', () => {
  it('derives every class from RedisError, itself a cosocket OperationError', () => {
    for (const error of [new RedisReplyError('ERR x'), new RedisProtocolError('bad'), new RedisClientError('no pipeline')]) {
      expect(error).toBeInstanceOf(RedisError);
      expect(error).toBeInstanceOf(OperationError);
    }
  });

  it('keeps the connection only for an error reply, whose message stays the server text', () => {
    const reply = locateCommand(new RedisReplyError('WRONGTYPE Operation against a key'), '127.0.0.1:6379', 'get');
    expect(keepsConnection(reply)).toBe(true);
    expect(reply).toMatchObject({ code: 'WRONGTYPE', address: '127.0.0.1:6379', command: 'GET', message: 'WRONGTYPE Operation against a key' });
    const protocol = locateCommand(new RedisProtocolError('unknown reply type byte'), '127.0.0.1:6379', 'get');
    expect(keepsConnection(protocol)).toBe(false);
    expect(protocol.message).toBe('unknown reply type byte (127.0.0.1:6379, GET)');
    expect(keepsConnection(new RedisClientError('not subscribed'))).toBe(false);
  });

  it('names client operations as they are and commands upper-cased', () => {
    expect(locateCommand(new RedisClientError('x'), 'unix:/r.sock', 'connect').message).toBe('x (unix:/r.sock, connect)');
    expect(locateCommand(new RedisClientError('x'), undefined, 'PIPELINE').command).toBe('PIPELINE');
    expect(locateCommand(new RedisClientError('x'), undefined, 'Config').command).toBe('CONFIG');
    const plain = new TypeError('bad argument');
    expect(locateCommand(plain, 'a:1', 'get')).toBe(plain);
    expect(plain).not.toHaveProperty('command');
  });

  it('locates error replies nested in arrays (EXEC, scripts) and leaves other replies alone', () => {
    const inner = new RedisReplyError('ERR inner');
    const top = new RedisReplyError('ERR top');
    const reply = ['OK', [1, inner, null], top, Buffer.from('x')];
    locateReply(reply, 'h:1', 'exec');
    expect([inner.command, inner.address, top.command]).toEqual(['EXEC', 'h:1', 'EXEC']);
    expect(inner.message).toBe('ERR inner');
    expect(() => locateReply('OK', 'h:1', 'get')).not.toThrow();
  });

  it('says why a failure closed the connection', () => {
    expect(closeReason(new CosocketError('timeout', { command: 'receiveany' }))).toBe('after a read timeout');
    expect(closeReason(new CosocketError('timeout', { command: 'send' }))).toBe('after a send timeout');
    expect(closeReason(new CosocketError('closed'))).toBe('after the server closed the connection');
    expect(closeReason(new CosocketError('connection reset by peer'))).toBe('after a transport error: connection reset by peer');
    expect(closeReason(new RedisProtocolError('bad'))).toBe('after a protocol error');
  });
});
