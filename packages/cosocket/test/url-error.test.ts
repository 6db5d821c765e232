import { describe, expect, it } from 'vitest';
import { badUrl, maskUrl } from '../src/index.js';

describe('maskUrl', () => {
  it.each([
    ['redis://user:secret@127.0.0.1:6379/2', 'redis://user:****@127.0.0.1:6379/2'],
    ['redis://:secret@h', 'redis://:****@h'],
    ['mongodb://u:p@a:1,b:2/db?replicaSet=rs', 'mongodb://u:****@a:1,b:2/db?replicaSet=rs'],
    // A malformed password (unescaped @ or /) is masked whole: up to the last @.
    ['redis://u:se@cr/et@h:1', 'redis://u:****@h:1'],
    ['redis://user@h', 'redis://user@h'],
    ['redis://h:6379', 'redis://h:6379'],
    ['10.0.0.1:11211', '10.0.0.1:11211'],
  ])('%s → %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });
});

describe('badUrl', () => {
  it('is a TypeError quoting the masked URL and the problem', () => {
    const error = badUrl('redis://u:pw@h:x', 'the port is not a number');
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('bad URL "redis://u:****@h:x": the port is not a number');
  });
});
