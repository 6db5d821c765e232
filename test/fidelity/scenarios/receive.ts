import type { Scenario } from '../support/scenario.js';

/** receive: `*l`, sized, `*a`, receiveany, read timeouts with partial data, send timeouts, closed sockets. */
const area = 'receive';
const connect = { op: 'connect', s: 'a' } as const;
const close = { op: 'close', s: 'a' } as const;
const line = { op: 'receive', s: 'a' } as const;
const timeout = (ms: number) => ({ op: 'settimeout', s: 'a', ms }) as const;

export const receiveScenarios: Scenario[] = [
  {
    name: 'line: lines, then closed at EOF',
    area,
    peers: [[{ write: 'hello\r\nworld\n' }, { end: true }]],
    ops: [connect, line, { op: 'receive', s: 'a', pattern: '*l' }, line, close],
  },
  {
    name: 'line: every CR is dropped, not only the one before LF',
    area,
    peers: [[{ write: 'a\rb\r\r\n\r\n' }, { end: true }]],
    ops: [connect, line, line, close],
  },
  {
    name: 'line: split across writes',
    area,
    peers: [[{ write: 'hel' }, { sleep: 30 }, { write: 'lo\nwor' }, { sleep: 30 }, { write: 'ld\n' }]],
    ops: [connect, line, line, close],
  },
  {
    name: 'line: EOF before LF gives closed with the partial line',
    area,
    peers: [[{ write: 'abc' }, { end: true }]],
    ops: [connect, line, line, close],
  },
  {
    name: 'sized: exact reads across chunks, then closed with partial',
    area,
    peers: [[{ write: 'hello' }, { sleep: 20 }, { write: ' world!' }, { end: true }]],
    ops: [
      connect,
      { op: 'receive', s: 'a', pattern: 3 },
      { op: 'receive', s: 'a', pattern: 6 },
      { op: 'receive', s: 'a', pattern: 0 },
      { op: 'receive', s: 'a', pattern: 5 },
      { op: 'receive', s: 'a', pattern: 1 },
      close,
    ],
  },
  {
    name: '*a: everything until EOF, then "" again',
    area,
    peers: [[{ write: 'abc' }, { sleep: 20 }, { write: 'def\n' }, { end: true }]],
    ops: [connect, { op: 'receive', s: 'a', pattern: '*a' }, { op: 'receive', s: 'a', pattern: '*a' }, line, close],
  },
  {
    name: '*a: after a line read',
    area,
    peers: [[{ write: 'head\nbody' }, { end: true }]],
    ops: [connect, line, { op: 'receive', s: 'a', pattern: '*a' }, close],
  },
  {
    name: 'receiveany: what is there, at most max',
    area,
    peers: [[{ write: 'hello world' }, { sleep: 50 }, { write: 'again' }]],
    ops: [
      connect,
      { op: 'sleep', ms: 20 },
      { op: 'receiveany', s: 'a', max: 5 },
      { op: 'receiveany', s: 'a', max: 100 },
      { op: 'receiveany', s: 'a', max: 100 },
      close,
    ],
  },
  {
    name: 'receiveany: lua_socket_buffer_size 4 caps each read',
    area,
    config: { bufferSize: 4 },
    peers: [[{ write: 'hello world' }]],
    ops: [
      connect,
      { op: 'sleep', ms: 20 },
      { op: 'receiveany', s: 'a', max: 100 },
      { op: 'receiveany', s: 'a', max: 100 },
      { op: 'receiveany', s: 'a', max: 100 },
      close,
    ],
  },
  {
    name: 'receiveany: the default buffer size caps a read of 10,000 waiting bytes',
    area,
    peers: [[{ write: { repeat: 'x', times: 10_000 } }]],
    ops: [connect, { op: 'sleep', ms: 30 }, { op: 'receiveany', s: 'a', max: 10_000 }, { op: 'receive', s: 'a', pattern: 5904 }, close],
  },
  {
    name: 'receiveany: closed at EOF, and the write half still sends',
    area,
    peers: [[{ write: 'hi' }, { end: true }, { readLine: true }]],
    ops: [connect, { op: 'receiveany', s: 'a', max: 10 }, { op: 'receiveany', s: 'a', max: 10 }, { op: 'send', s: 'a', data: 'still\n' }, close],
  },
  {
    name: 'receiveany: timeout with nothing read',
    area,
    peers: [[]],
    ops: [connect, timeout(80), { op: 'receiveany', s: 'a', max: 10 }, close],
  },
  {
    name: 'timeout: line read keeps the partial, the socket stays usable',
    area,
    peers: [[{ write: 'par' }, { sleep: 250 }, { write: 'tial\nnext\n' }]],
    ops: [connect, timeout(100), line, { op: 'sleep', ms: 250 }, line, line, close],
  },
  {
    name: 'timeout: sized read keeps the partial',
    area,
    peers: [[{ write: 'abcd' }, { sleep: 250 }, { write: 'efgh' }]],
    ops: [connect, timeout(100), { op: 'receive', s: 'a', pattern: 6 }, { op: 'sleep', ms: 250 }, { op: 'receive', s: 'a', pattern: 4 }, close],
  },
  {
    name: 'timeout: *a keeps the partial',
    area,
    peers: [[{ write: 'some' }]],
    ops: [connect, timeout(100), { op: 'receive', s: 'a', pattern: '*a' }, close],
  },
  {
    name: 'timeout: read timeout is an inactivity timer (progress re-arms it)',
    area,
    peers: [[{ write: 'a' }, { sleep: 60 }, { write: 'b' }, { sleep: 60 }, { write: 'c' }, { sleep: 60 }, { write: '\n' }]],
    ops: [connect, timeout(150), line, close],
  },
  {
    name: 'timeout: settimeouts sets the read timeout apart',
    area,
    peers: [[]],
    ops: [connect, { op: 'settimeouts', s: 'a', connect: 1000, send: 1000, read: 80 }, line, close],
  },
  {
    name: 'timeout: lua_socket_read_timeout is the default',
    area,
    config: { readTimeout: 80 },
    peers: [[{ write: 'x' }]],
    ops: [connect, line, close],
  },
  {
    name: 'send timeout: closes the write half; reads still work',
    area,
    peers: [[{ write: 'hi\n' }, { pause: true }]],
    ops: [
      connect,
      { op: 'settimeouts', s: 'a', connect: 1000, send: 150, read: 1000 },
      { op: 'send', s: 'a', data: { repeat: 'x', times: 16 << 20 } },
      { op: 'send', s: 'a', data: 'more' },
      line,
      close,
    ],
  },
  {
    name: 'closed: every operation on a never-connected socket',
    area,
    peers: [],
    ops: [
      line,
      { op: 'receiveany', s: 'a', max: 1 },
      { op: 'send', s: 'a', data: 'x' },
      { op: 'reused', s: 'a' },
      { op: 'setkeepalive', s: 'a' },
      close,
    ],
  },
  {
    name: 'closed: every operation after close',
    area,
    peers: [[]],
    ops: [connect, close, line, { op: 'send', s: 'a', data: 'x' }, { op: 'reused', s: 'a' }, { op: 'setkeepalive', s: 'a' }, close],
  },
  {
    name: 'send: strings, empty string, byte count',
    area,
    peers: [[{ readLine: true }, { read: 3 }]],
    ops: [
      connect,
      { op: 'send', s: 'a', data: 'hello\n' },
      { op: 'send', s: 'a', data: '' },
      { op: 'send', s: 'a', data: '\x00\xff\x80' },
      { op: 'sleep', ms: 30 },
      close,
    ],
  },
  {
    name: 'connect refused: the error, then every operation sees closed',
    area,
    peers: [],
    ops: [
      { op: 'connect', s: 'a', refused: true },
      line,
      { op: 'send', s: 'a', data: 'x' },
      { op: 'reused', s: 'a' },
      { op: 'setkeepalive', s: 'a' },
      close,
    ],
  },
  {
    name: 'connect refused, then the same object connects elsewhere',
    area,
    peers: [[{ write: 'hi\n' }]],
    ops: [{ op: 'connect', s: 'a', refused: true }, connect, line, close],
  },
  {
    name: 'settimeout 0 means the configured default, not immediate',
    area,
    config: { readTimeout: 150 },
    peers: [[{ sleep: 50 }, { write: 'late\n' }]],
    ops: [connect, timeout(0), line, line, close],
  },
  {
    name: 'reconnect: connect on a connected object closes the old connection',
    area,
    peers: [[{ awaitClose: true }], [{ readLine: true }]],
    ops: [connect, connect, { op: 'reused', s: 'a' }, { op: 'send', s: 'a', data: 'x\n' }, { op: 'sleep', ms: 30 }, close],
  },
];
