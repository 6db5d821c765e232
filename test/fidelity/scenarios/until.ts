import type { Op, PeerStep, Scenario } from '../support/scenario.js';

/**
 * receiveuntil: one exchange split at every byte boundary (unlimited, inclusive), sized reads,
 * timeouts and EOF with partial data, and a pattern prefix withheld when another read starts.
 */
const area = 'receiveuntil';
const connect = { op: 'connect', s: 'a' } as const;
const close = { op: 'close', s: 'a' } as const;

/** Two occurrences of `aab`, each after a false start of the pattern, then plain data and EOF. */
const EXCHANGE = 'ab-aaab-aaaab|end';
const PATTERN = 'aab';

function split(data: string, at: number): PeerStep[] {
  return [{ write: data.slice(0, at) }, { sleep: 15 }, { write: data.slice(at) }, { end: true }];
}

function everySplit(inclusive: boolean): Scenario[] {
  const out: Scenario[] = [];
  for (let at = 1; at < EXCHANGE.length; at++) {
    out.push({
      name: `${inclusive ? 'inclusive' : 'unlimited'}: ${JSON.stringify(EXCHANGE)} split after byte ${at}`,
      area,
      peers: [split(EXCHANGE, at)],
      ops: [
        connect,
        { op: 'receiveuntil', s: 'a', it: 'r', pattern: PATTERN, ...(inclusive ? { inclusive } : {}) },
        { op: 'read', it: 'r' },
        { op: 'read', it: 'r' },
        { op: 'read', it: 'r' },
        close,
      ],
    });
  }
  return out;
}

function sized(size: number, inclusive: boolean): Scenario {
  const reads: Op[] = Array.from({ length: 9 }, () => ({ op: 'read', it: 'r', size }) as const);
  return {
    name: `sized ${size}${inclusive ? ', inclusive' : ''}: chunks, then nil at each occurrence`,
    area,
    peers: [[{ write: 'xyaaab--aab' }, { sleep: 15 }, { write: 'tail' }, { end: true }]],
    ops: [connect, { op: 'receiveuntil', s: 'a', it: 'r', pattern: PATTERN, ...(inclusive ? { inclusive } : {}) }, ...reads, close],
  };
}

const misc: Scenario[] = [
  {
    name: 'empty pattern: pattern is empty',
    area,
    peers: [[]],
    ops: [connect, { op: 'receiveuntil', s: 'a', it: 'r', pattern: '' }, close],
  },
  {
    name: 'one-byte pattern, lines of a stream',
    area,
    peers: [[{ write: 'a;bb;;ccc;' }, { end: true }]],
    ops: [
      connect,
      { op: 'receiveuntil', s: 'a', it: 'r', pattern: ';' },
      { op: 'read', it: 'r' },
      { op: 'read', it: 'r' },
      { op: 'read', it: 'r' },
      { op: 'read', it: 'r' },
      { op: 'read', it: 'r' },
      close,
    ],
  },
  {
    name: 'timeout: the partial holds the released bytes',
    area,
    peers: [[{ write: 'data-' }]],
    ops: [connect, { op: 'settimeout', s: 'a', ms: 100 }, { op: 'receiveuntil', s: 'a', it: 'r', pattern: '--end' }, { op: 'read', it: 'r' }, close],
  },
  {
    name: 'timeout then more data: the same iterator resumes',
    area,
    peers: [[{ write: 'part-' }, { sleep: 250 }, { write: '-end rest' }]],
    ops: [
      connect,
      { op: 'settimeout', s: 'a', ms: 100 },
      { op: 'receiveuntil', s: 'a', it: 'r', pattern: '--end' },
      { op: 'read', it: 'r' },
      { op: 'sleep', ms: 250 },
      { op: 'read', it: 'r' },
      { op: 'receive', s: 'a', pattern: 5 },
      close,
    ],
  },
  {
    name: 'EOF: closed with the data before a withheld prefix',
    area,
    peers: [[{ write: 'abc--en' }, { end: true }]],
    ops: [connect, { op: 'receiveuntil', s: 'a', it: 'r', pattern: '--end' }, { op: 'read', it: 'r' }, { op: 'read', it: 'r' }, close],
  },
  {
    name: 'iterator on a closed socket: closed',
    area,
    peers: [[]],
    ops: [connect, { op: 'receiveuntil', s: 'a', it: 'r', pattern: 'x' }, close, { op: 'read', it: 'r' }],
  },
  {
    name: 'two iterators take turns on one stream',
    area,
    peers: [[{ write: 'k1=v1&k2=v2&' }, { end: true }]],
    ops: [
      connect,
      { op: 'receiveuntil', s: 'a', it: 'eq', pattern: '=' },
      { op: 'receiveuntil', s: 'a', it: 'amp', pattern: '&' },
      { op: 'read', it: 'eq' },
      { op: 'read', it: 'amp' },
      { op: 'read', it: 'eq' },
      { op: 'read', it: 'amp' },
      close,
    ],
  },
];

/** After a timeout the iterator withholds `a` (a prefix of `ab`); then another read starts. */
function withheld(name: string, next: Op): Scenario {
  return {
    name: `withheld prefix, then ${name}`,
    area,
    peers: [[{ write: 'xa' }, { sleep: 200 }, { write: 'yz\n' }]],
    ops: [
      connect,
      { op: 'settimeout', s: 'a', ms: 100 },
      { op: 'receiveuntil', s: 'a', it: 'r', pattern: 'ab' },
      { op: 'read', it: 'r' },
      { op: 'sleep', ms: 200 },
      next,
      close,
    ],
  };
}

export const untilScenarios: Scenario[] = [
  ...everySplit(false),
  ...everySplit(true),
  sized(1, false),
  sized(2, false),
  sized(3, false),
  sized(2, true),
  ...misc,
  withheld('receive(2)', { op: 'receive', s: 'a', pattern: 2 }),
  withheld('a line read', { op: 'receive', s: 'a' }),
  withheld('receiveany', { op: 'receiveany', s: 'a', max: 10 }),
];
