import type { Op, Scenario } from '../support/scenario.js';

/** Light threads sharing a socket: the busy matrices, spawn order, send while reading. */
const area = 'threads';
const connect: Op = { op: 'connect', s: 'a' };
const close: Op = { op: 'close', s: 'a' };
const line: Op = { op: 'receive', s: 'a' };
/** Everything a second thread may try on the shared socket, in t/128's order. */
const matrix: Op[] = [
  line,
  { op: 'receiveany', s: 'a', max: 10 },
  { op: 'send', s: 'a', data: 'hi\n' },
  close,
  { op: 'setkeepalive', s: 'a' },
  connect,
  { op: 'reused', s: 'a' },
];

export const threadScenarios: Scenario[] = [
  {
    name: 'busy reading: the matrix while a thread reads',
    area,
    peers: [[{ readLine: true }, { sleep: 150 }, { write: 'late\n' }]],
    ops: [connect, { op: 'spawn', t: 't1', ops: [line] }, ...matrix, { op: 'wait', t: 't1' }, close],
  },
  {
    name: 'busy writing: the matrix while a thread sends',
    area,
    peers: [[{ pause: true }, { sleep: 50 }, { write: 'r\n' }]],
    ops: [
      connect,
      { op: 'settimeouts', s: 'a', connect: 1000, send: 300, read: 1000 },
      { op: 'spawn', t: 't1', ops: [{ op: 'send', s: 'a', data: { repeat: 'z', times: 16 << 20 } }] },
      ...matrix,
      { op: 'wait', t: 't1' },
      close,
    ],
  },
  {
    name: 'busy connecting: the matrix while a thread connects',
    area,
    peers: [[]],
    ops: [{ op: 'spawn', t: 't1', ops: [connect] }, ...matrix, { op: 'wait', t: 't1' }, close],
  },
  {
    name: 'spawn runs the thread until its first wait: the parent gets busy reading',
    area,
    peers: [[{ sleep: 100 }, { write: 'one\n' }]],
    ops: [connect, { op: 'spawn', t: 't1', ops: [line] }, line, { op: 'wait', t: 't1' }, close],
  },
  {
    name: 'spawn: a thread that never waits finishes before spawn returns',
    area,
    peers: [[]],
    ops: [
      connect,
      {
        op: 'spawn',
        t: 't1',
        ops: [
          { op: 'reused', s: 'a' },
          { op: 'settimeout', s: 'a', ms: 50 },
        ],
      },
      { op: 'reused', s: 'a' },
      { op: 'wait', t: 't1' },
      close,
    ],
  },
  {
    name: 'two threads each send a line then receive: the second gets busy reading',
    area,
    peers: [[{ readLine: true }, { readLine: true }, { write: 'r1\n' }]],
    ops: [
      connect,
      { op: 'spawn', t: 't1', ops: [{ op: 'send', s: 'a', data: 'l1\n' }, line] },
      { op: 'spawn', t: 't2', ops: [{ op: 'send', s: 'a', data: 'l2\n' }, line] },
      { op: 'wait', t: 't1' },
      { op: 'wait', t: 't2' },
      close,
    ],
  },
  {
    name: 'send while another thread reads: full duplex',
    area,
    peers: [[{ readLine: true }, { write: 'pong\n' }]],
    ops: [connect, { op: 'spawn', t: 't1', ops: [line] }, { op: 'send', s: 'a', data: 'ping\n' }, { op: 'wait', t: 't1' }, close],
  },
  {
    name: 'a reader thread and a writer thread take turns',
    area,
    peers: [[{ readLine: true }, { write: 'a1\n' }, { readLine: true }, { write: 'a2\n' }]],
    ops: [
      connect,
      { op: 'spawn', t: 'r', ops: [line, line] },
      {
        op: 'spawn',
        t: 'w',
        ops: [
          { op: 'send', s: 'a', data: 'q1\n' },
          { op: 'sleep', ms: 50 },
          { op: 'send', s: 'a', data: 'q2\n' },
        ],
      },
      { op: 'wait', t: 'r' },
      { op: 'wait', t: 'w' },
      close,
    ],
  },
  {
    name: 'a thread closes the socket another thread would read next',
    area,
    peers: [[{ write: 'x\n' }]],
    ops: [connect, { op: 'spawn', t: 't1', ops: [line, close] }, { op: 'wait', t: 't1' }, line, { op: 'send', s: 'a', data: 'y' }],
  },
];
