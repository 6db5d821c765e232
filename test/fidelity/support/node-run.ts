import {
  closeAllPools,
  configure,
  CosocketError,
  spawn,
  tcp,
  waitAll,
  withContext,
  type LightThread,
  type TcpSocket,
  type UntilReader,
} from 'cosocket';
import { effectiveConfig, expandBytes, opLabel, type ConnectOpts, type Op, type Scenario } from './scenario.js';
import { REFUSED_PORT, type LuaTarget } from './lua.js';
import { formatLine, quote } from './transcript.js';

/**
 * Runs a scenario as calls on cosocket in one request context, producing the transcript lines
 * the Lua run produces (normalization rules 2 and 3 of transcript.ts are applied here: a thrown
 * CosocketError prints as `nil, code[, partial]`, void methods as `1`).
 */
export async function runNode(scenario: Scenario, target: LuaTarget): Promise<string[]> {
  const lines: string[] = [];
  const sockets = new Map<string, TcpSocket>();
  const iterators = new Map<string, UntilReader<Buffer>>();
  const threads = new Map<string, LightThread<void>>();
  const waited = new Set<string>();
  const sock = (name: string): TcpSocket => {
    let s = sockets.get(name);
    if (s === undefined) {
      s = tcp();
      sockets.set(name, s);
    }
    return s;
  };
  const connectOptions = (opts: ConnectOpts | undefined) =>
    opts === undefined
      ? undefined
      : { pool: opts.pool === undefined ? undefined : `${opts.pool}@${target.port}`, poolSize: opts.poolSize, backlog: opts.backlog };

  // Each case calls the socket method before its first await: a light thread runs up to its
  // first wait before spawn returns, and the transcript order depends on that.
  const perform = async (op: Op): Promise<unknown> => {
    switch (op.op) {
      case 'tcp':
        sockets.set(op.s, tcp());
        return OK;
      case 'connect':
        await (op.unix
          ? sock(op.s).connect(`unix:${target.unixPath}`, connectOptions(op.opts))
          : sock(op.s).connect(target.host, op.refused ? REFUSED_PORT : target.port, connectOptions(op.opts)));
        return 1;
      case 'settimeout':
        sock(op.s).setTimeout(op.ms);
        return undefined;
      case 'settimeouts':
        sock(op.s).setTimeouts(op.connect, op.send, op.read);
        return undefined;
      case 'send':
        // Scenario bytes are latin1; a JS string would go out as UTF-8.
        return sock(op.s).send(Buffer.from(expandBytes(op.data), 'latin1'));
      case 'receive':
        return sock(op.s).receive(op.pattern);
      case 'receiveany':
        return sock(op.s).receiveAny(op.max);
      case 'receiveuntil':
        iterators.set(op.it, sock(op.s).receiveUntil(op.pattern, op.inclusive ? { inclusive: true } : undefined));
        return OK;
      case 'read':
        return iterators.get(op.it)!(op.size);
      case 'setkeepalive':
        await sock(op.s).setKeepalive(op.timeout, op.size);
        return 1;
      case 'close':
        await sock(op.s).close();
        return 1;
      case 'reused':
        return sock(op.s).getReusedTimes();
      case 'sleep':
      case 'spawn':
      case 'wait':
        throw new Error(`${op.op} is not a socket operation`);
    }
  };

  const run = async (th: string, ops: Op[]): Promise<void> => {
    for (const op of ops) {
      if (op.op === 'sleep') {
        await new Promise((r) => setTimeout(r, op.ms));
        continue;
      }
      const label = opLabel(op);
      let values: string[];
      if (op.op === 'spawn') {
        threads.set(op.t, spawn(run, op.t, op.ops));
        values = ['ok'];
      } else if (op.op === 'wait') {
        waited.add(op.t);
        await threads.get(op.t)!;
        values = ['ok'];
      } else {
        try {
          values = [show(await perform(op))];
        } catch (error) {
          values =
            error instanceof CosocketError ? ['nil', quote(error.code), ...(error.partial.length > 0 ? [quote(error.partial)] : [])] : ['error'];
        }
      }
      lines.push(formatLine({ thread: th, label, values }));
    }
  };

  configure({ logErrors: false, ...effectiveConfig(scenario) });
  try {
    await withContext(async () => {
      await run('main', scenario.ops);
      await waitAll(...[...threads].filter(([name]) => !waited.has(name)).map(([, t]) => t));
    });
  } finally {
    configure();
    configure({ logErrors: false });
    closeAllPools();
  }
  return lines;
}

const OK = Symbol('ok');

function show(value: unknown): string {
  return value === OK ? 'ok' : quote(value);
}
