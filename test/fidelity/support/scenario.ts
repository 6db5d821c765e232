import { quote } from './transcript.js';

/**
 * A fidelity scenario, written once as data and interpreted twice: as Lua run by a private
 * nginx with lua-nginx-module (support/lua.ts) and as calls on cosocket (support/node-run.ts).
 * Both produce a transcript in the same format (support/transcript.ts).
 */

/** The `lua_socket_*` directives a scenario sets; `configure()` keys on our side. */
export interface ScenarioConfig {
  bufferSize?: number;
  readTimeout?: number;
  sendTimeout?: number;
  connectTimeout?: number;
  poolSize?: number;
  keepaliveTimeout?: number;
}

/**
 * The directives every scenario runs under unless it sets them: short timeouts instead of 60 s,
 * so a scenario where the two sides disagree fails fast instead of hanging.
 */
export const BASE_CONFIG: ScenarioConfig = { connectTimeout: 2000, sendTimeout: 2000, readTimeout: 2000 };

export function effectiveConfig(scenario: Scenario): ScenarioConfig {
  return { ...BASE_CONFIG, ...scenario.config };
}

/** Bytes in a scenario: a latin1 string, or `{ repeat, times }` for bulk data. */
export type Bytes = string | { repeat: string; times: number };

export interface ConnectOpts {
  /** Pool name; the run suffixes it with the peer's port so runs never share a pool. */
  pool?: string;
  poolSize?: number;
  backlog?: number;
}

/** One client operation; `s` names a socket object, `it` a receiveUntil iterator. */
export type Op =
  | { op: 'tcp'; s: string }
  /** `refused`: to a loopback port nothing listens on (port 1). */
  | { op: 'connect'; s: string; unix?: boolean; refused?: boolean; opts?: ConnectOpts }
  | { op: 'settimeout'; s: string; ms: number }
  | { op: 'settimeouts'; s: string; connect: number; send: number; read: number }
  | { op: 'send'; s: string; data: Bytes }
  | { op: 'receive'; s: string; pattern?: number | '*l' | '*a' }
  | { op: 'receiveany'; s: string; max: number }
  | { op: 'receiveuntil'; s: string; it: string; pattern: string; inclusive?: boolean }
  | { op: 'read'; it: string; size?: number }
  | { op: 'setkeepalive'; s: string; timeout?: number; size?: number }
  | { op: 'close'; s: string }
  | { op: 'reused'; s: string }
  | { op: 'sleep'; ms: number }
  | { op: 'spawn'; t: string; ops: Op[] }
  | { op: 'wait'; t: string };

/** One step of the scripted peer on one accepted connection. Reads are logged, writes not. */
export type PeerStep =
  | { write: Bytes }
  | { sleep: number }
  | { readLine: true }
  | { read: number }
  | { end: true }
  | { reset: true }
  /** Stop reading from the socket (fills the client's send buffer). */
  | { pause: true }
  /** Wait until the client closes its side; logs `closed`. */
  | { awaitClose: true };

export interface Scenario {
  name: string;
  /** Area, for grouping in the report. */
  area: string;
  config?: ScenarioConfig;
  /** The peer's script for the k-th accepted connection (later ones get no script). */
  peers: PeerStep[][];
  /** The main thread's operations (socket objects are created on first use). */
  ops: Op[];
}

/** The label of an operation in a transcript line; the same text on both sides (ASCII only). */
export function opLabel(op: Op): string {
  switch (op.op) {
    case 'tcp':
      return `tcp ${op.s}`;
    case 'connect':
      return `connect ${op.s}${op.unix ? ' unix' : ''}${op.refused ? ' refused' : ''}${op.opts ? ' ' + JSON.stringify(op.opts) : ''}`;
    case 'settimeout':
      return `settimeout ${op.s} ${op.ms}`;
    case 'settimeouts':
      return `settimeouts ${op.s} ${op.connect} ${op.send} ${op.read}`;
    case 'send':
      return `send ${op.s} ${typeof op.data === 'string' ? quote(op.data) : `${op.data.times}x${quote(op.data.repeat)}`}`;
    case 'receive':
      return `receive ${op.s} ${op.pattern ?? '(default)'}`;
    case 'receiveany':
      return `receiveany ${op.s} ${op.max}`;
    case 'receiveuntil':
      return `receiveuntil ${op.s} ${op.it} ${quote(op.pattern)}${op.inclusive ? ' inclusive' : ''}`;
    case 'read':
      return `read ${op.it}${op.size === undefined ? '' : ' ' + op.size}`;
    case 'setkeepalive':
      return `setkeepalive ${op.s}${op.timeout === undefined ? '' : ' ' + op.timeout}${op.size === undefined ? '' : ' ' + op.size}`;
    case 'close':
      return `close ${op.s}`;
    case 'reused':
      return `getreusedtimes ${op.s}`;
    case 'sleep':
      return `sleep ${op.ms}`;
    case 'spawn':
      return `spawn ${op.t}`;
    case 'wait':
      return `wait ${op.t}`;
  }
}

export function expandBytes(data: Bytes): string {
  return typeof data === 'string' ? data : data.repeat.repeat(data.times);
}
