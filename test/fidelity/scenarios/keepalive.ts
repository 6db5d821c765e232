import type { Op, Scenario } from '../support/scenario.js';

/** setkeepalive refusals, pool reuse and getreusedtimes, LIFO reuse, LRU eviction, backlog. */
const area = 'keepalive';
const pool = (extra: object = {}) => ({ pool: 'p', ...extra });
const connect = (s: string, opts?: object): Op => ({ op: 'connect', s, ...(opts ? { opts } : {}) });
const send = (s: string, data: string): Op => ({ op: 'send', s, data });
const line = (s: string): Op => ({ op: 'receive', s });
const keep = (s: string, size?: number): Op => ({ op: 'setkeepalive', s, ...(size === undefined ? {} : { timeout: 10_000, size }) });
const reused = (s: string): Op => ({ op: 'reused', s });
/** A connection that answers each `who` with its accept index. */
const echoIndex = (k: number, rounds = 3) => Array.from({ length: rounds }, () => [{ readLine: true } as const, { write: `${k}\n` } as const]).flat();

export const keepaliveScenarios: Scenario[] = [
  {
    name: 'reuse: getreusedtimes 0, 1, 2 on one pooled connection',
    area,
    peers: [echoIndex(0)],
    ops: [
      connect('a'), reused('a'), send('a', 'who\n'), line('a'), keep('a'),
      connect('b'), reused('b'), send('b', 'who\n'), line('b'), keep('b'),
      connect('c'), reused('c'), send('c', 'who\n'), line('c'), { op: 'close', s: 'c' },
    ],
  },
  {
    name: 'reuse: the same object connects again after setkeepalive',
    area,
    peers: [echoIndex(0)],
    ops: [connect('a'), send('a', 'who\n'), line('a'), keep('a'), connect('a'), reused('a'), send('a', 'who\n'), line('a'), { op: 'close', s: 'a' }],
  },
  {
    name: 'reuse: most recently pooled first (LIFO)',
    area,
    peers: [echoIndex(0), echoIndex(1)],
    ops: [
      connect('a'), connect('b'), keep('a'), keep('b'),
      connect('c'), send('c', 'who\n'), line('c'), reused('c'),
      connect('d'), send('d', 'who\n'), line('d'), reused('d'),
      { op: 'close', s: 'c' }, { op: 'close', s: 'd' },
    ],
  },
  {
    name: 'LRU: a full pool of 1 evicts the least recently pooled',
    area,
    peers: [echoIndex(0), echoIndex(1), echoIndex(2)],
    ops: [
      connect('a'), connect('b'), keep('a', 1), keep('b', 1),
      connect('c'), reused('c'), send('c', 'who\n'), line('c'),
      connect('d'), reused('d'), send('d', 'who\n'), line('d'),
      { op: 'close', s: 'c' }, { op: 'close', s: 'd' },
    ],
  },
  {
    name: 'LRU: pool of 2, three pooled',
    area,
    peers: [echoIndex(0), echoIndex(1), echoIndex(2), echoIndex(3)],
    ops: [
      connect('a'), connect('b'), connect('c'), keep('a', 2), keep('b', 2), keep('c', 2),
      connect('x'), send('x', 'who\n'), line('x'), connect('y'), send('y', 'who\n'), line('y'),
      connect('z'), send('z', 'who\n'), line('z'), reused('z'),
      { op: 'close', s: 'x' }, { op: 'close', s: 'y' }, { op: 'close', s: 'z' },
    ],
  },
  {
    name: 'named pool: connections under another name are not shared',
    area,
    peers: [echoIndex(0), echoIndex(1)],
    ops: [
      connect('a', pool()), keep('a'), connect('b'), reused('b'), send('b', 'who\n'), line('b'),
      connect('c', pool()), reused('c'), send('c', 'who\n'), line('c'),
      { op: 'close', s: 'b' }, { op: 'close', s: 'c' },
    ],
  },
  {
    name: 'refusal: unread data in buffer leaves the socket open',
    area,
    peers: [[{ write: 'OK\r\n' }, { readLine: true }]],
    ops: [connect('a'), { op: 'receive', s: 'a', pattern: 1 }, keep('a'), line('a'), send('a', 'after\n'), keep('a'), connect('b'), reused('b'), { op: 'close', s: 'b' }],
  },
  {
    name: 'refusal: data the peer sent unasked makes the connection dubious',
    area,
    peers: [[{ write: 'surprise' }]],
    ops: [connect('a'), { op: 'sleep', ms: 50 }, keep('a'), send('a', 'x'), line('a')],
  },
  {
    name: "refusal: the peer's FIN after all data was read: closed, connection left open",
    area,
    peers: [[{ write: 'bye\n' }, { end: true }, { readLine: true }]],
    ops: [connect('a'), line('a'), { op: 'sleep', ms: 50 }, keep('a'), send('a', 'x\n'), { op: 'close', s: 'a' }],
  },
  {
    name: 'refusal: after reading EOF',
    area,
    peers: [[{ write: 'bye\n' }, { end: true }]],
    ops: [connect('a'), line('a'), line('a'), keep('a'), { op: 'close', s: 'a' }],
  },
  {
    name: 'refusal: after a read timeout with nothing pending, pooling succeeds',
    area,
    peers: [[]],
    ops: [connect('a'), { op: 'settimeout', s: 'a', ms: 80 }, line('a'), keep('a'), connect('b'), reused('b'), { op: 'close', s: 'b' }],
  },
  {
    name: 'refusal: after a send timeout the write half is closed',
    area,
    peers: [[{ pause: true }]],
    ops: [
      connect('a'),
      { op: 'settimeouts', s: 'a', connect: 1000, send: 150, read: 1000 },
      { op: 'send', s: 'a', data: { repeat: 'y', times: 16 << 20 } },
      keep('a'),
      { op: 'close', s: 'a' },
    ],
  },
  {
    name: 'idle: a pooled connection the peer closes is dropped',
    area,
    peers: [[{ readLine: true }, { write: 'ok\n' }, { sleep: 30 }, { end: true }], echoIndex(1)],
    ops: [connect('a'), send('a', 'q\n'), line('a'), keep('a'), { op: 'sleep', ms: 100 }, connect('b'), reused('b'), send('b', 'who\n'), line('b'), { op: 'close', s: 'b' }],
  },
  {
    name: 'idle: the keepalive timeout closes a pooled connection',
    area,
    peers: [[{ awaitClose: true }], echoIndex(1)],
    ops: [connect('a'), { op: 'setkeepalive', s: 'a', timeout: 50 }, { op: 'sleep', ms: 150 }, connect('b'), reused('b'), send('b', 'who\n'), line('b'), { op: 'close', s: 'b' }],
  },
  {
    name: 'lua_socket_pool_size: the default size of a pool setkeepalive creates',
    area,
    config: { poolSize: 1 },
    peers: [echoIndex(0), echoIndex(1), echoIndex(2)],
    ops: [
      connect('a'), connect('b'), keep('a'), keep('b'),
      connect('c'), reused('c'), send('c', 'who\n'), line('c'),
      connect('d'), reused('d'), send('d', 'who\n'), line('d'),
      { op: 'close', s: 'c' }, { op: 'close', s: 'd' },
    ],
  },
  {
    name: 'lua_socket_keepalive_timeout: the default idle time',
    area,
    config: { keepaliveTimeout: 50 },
    peers: [[{ awaitClose: true }], echoIndex(1)],
    ops: [connect('a'), keep('a'), { op: 'sleep', ms: 150 }, connect('b'), reused('b'), send('b', 'who\n'), line('b'), { op: 'close', s: 'b' }],
  },
  {
    name: 'a pool size given to setkeepalive is fixed when the pool is created',
    area,
    peers: [echoIndex(0), echoIndex(1), echoIndex(2)],
    ops: [
      connect('a'), connect('b'), keep('a', 2), keep('b', 1),
      connect('c'), reused('c'), send('c', 'who\n'), line('c'),
      connect('d'), reused('d'), send('d', 'who\n'), line('d'),
      { op: 'close', s: 'c' }, { op: 'close', s: 'd' },
    ],
  },
  {
    name: 'backlog: pool_size 1, backlog 1: a third connect is refused, the second waits for the first',
    area,
    peers: [echoIndex(0)],
    ops: [
      { op: 'spawn', t: 't1', ops: [connect('x', pool({ poolSize: 1, backlog: 1 })), send('x', 'who\n'), line('x'), { op: 'sleep', ms: 100 }, keep('x')] },
      { op: 'spawn', t: 't2', ops: [connect('y', pool({ poolSize: 1, backlog: 1 })), reused('y'), send('y', 'who\n'), line('y'), { op: 'close', s: 'y' }] },
      connect('z', pool({ poolSize: 1, backlog: 1 })),
      { op: 'wait', t: 't1' },
      { op: 'wait', t: 't2' },
    ],
  },
  {
    name: 'backlog: a queued connect times out',
    area,
    peers: [[]],
    ops: [
      { op: 'spawn', t: 't1', ops: [connect('x', pool({ poolSize: 1, backlog: 2 })), { op: 'sleep', ms: 300 }, { op: 'close', s: 'x' }] },
      { op: 'settimeouts', s: 'y', connect: 100, send: 1000, read: 1000 },
      connect('y', pool({ poolSize: 1, backlog: 2 })),
      { op: 'wait', t: 't1' },
    ],
  },
  {
    name: 'backlog: close of the holder lets the waiter open a new connection',
    area,
    peers: [echoIndex(0), echoIndex(1)],
    ops: [
      { op: 'spawn', t: 't1', ops: [connect('x', pool({ poolSize: 1, backlog: 1 })), { op: 'sleep', ms: 100 }, { op: 'close', s: 'x' }] },
      connect('y', pool({ poolSize: 1, backlog: 1 })),
      reused('y'),
      send('y', 'who\n'),
      line('y'),
      { op: 'close', s: 'y' },
      { op: 'wait', t: 't1' },
    ],
  },
  {
    name: 'backlog: 0 refuses at once when the pool is full',
    area,
    peers: [[], []],
    ops: [connect('x', pool({ poolSize: 2, backlog: 0 })), connect('y', pool({ poolSize: 2, backlog: 0 })), connect('z', pool({ poolSize: 2, backlog: 0 })), { op: 'close', s: 'x' }, connect('z', pool({ poolSize: 2, backlog: 0 })), reused('z'), { op: 'close', s: 'y' }, { op: 'close', s: 'z' }],
  },
];
