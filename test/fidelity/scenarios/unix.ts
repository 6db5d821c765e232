import type { Op, Scenario } from '../support/scenario.js';

/** The same calls over a unix-domain socket (`unix:/path`). */
const area = 'unix';
const connect = (s: string, opts?: object): Op => ({ op: 'connect', s, unix: true, ...(opts ? { opts } : {}) });

export const unixScenarios: Scenario[] = [
  {
    name: 'unix: line exchange and sized read',
    area,
    peers: [[{ readLine: true }, { write: 'pong\nabcdef' }, { end: true }]],
    ops: [
      connect('a'),
      { op: 'send', s: 'a', data: 'ping\n' },
      { op: 'receive', s: 'a' },
      { op: 'receive', s: 'a', pattern: 4 },
      { op: 'receive', s: 'a', pattern: '*a' },
      { op: 'close', s: 'a' },
    ],
  },
  {
    name: 'unix: pooled and reused',
    area,
    peers: [[{ readLine: true }, { write: 'one\n' }, { readLine: true }, { write: 'two\n' }]],
    ops: [
      connect('a'),
      { op: 'send', s: 'a', data: 'q\n' },
      { op: 'receive', s: 'a' },
      { op: 'setkeepalive', s: 'a' },
      connect('b'),
      { op: 'reused', s: 'b' },
      { op: 'send', s: 'b', data: 'q\n' },
      { op: 'receive', s: 'b' },
      { op: 'close', s: 'b' },
    ],
  },
  {
    name: 'unix: named pool with backlog',
    area,
    peers: [[], []],
    ops: [
      connect('a', { pool: 'u', poolSize: 1, backlog: 0 }),
      connect('b', { pool: 'u', poolSize: 1, backlog: 0 }),
      { op: 'close', s: 'a' },
      connect('b', { pool: 'u', poolSize: 1, backlog: 0 }),
      { op: 'reused', s: 'b' },
      { op: 'close', s: 'b' },
    ],
  },
  {
    name: 'unix: read timeout with partial, receiveany, receiveuntil',
    area,
    peers: [[{ write: 'head|bo' }, { sleep: 200 }, { write: 'dy|' }, { end: true }]],
    ops: [
      connect('a'),
      { op: 'settimeout', s: 'a', ms: 100 },
      { op: 'receiveany', s: 'a', max: 2 },
      { op: 'receiveuntil', s: 'a', it: 'r', pattern: '|' },
      { op: 'read', it: 'r' },
      { op: 'read', it: 'r' },
      { op: 'sleep', ms: 200 },
      { op: 'read', it: 'r' },
      { op: 'read', it: 'r' },
      { op: 'close', s: 'a' },
    ],
  },
];
