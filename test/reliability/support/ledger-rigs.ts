// The ledger (support/ledger.ts) per client: how one write of an id is made and judged, what
// fault the clients see in a cycle, and how the ids applied are read back. One write is a
// counter bump per id, so a silent resend shows as a count of 2.
//
// - Redis: `appendonly yes` + `appendfsync always`, so Redis replies only after the write is on
//   disk; one `INCR ledger:<id>` per write; the fault is SIGKILL + restart.
// - MongoDB (FerretDB/SQLite): the SQLite files survive a restart on the same dir; one
//   `updateOne({_id}, {$inc: {n: 1}}, {upsert: true})` per write; SIGKILL + restart.
// - Memcached keeps nothing across a restart, so the clients go through the fault proxy: the
//   fault resets every connection and refuses new ones, the ids written so far are audited on
//   the server directly, then it is SIGKILLed and restarted. Each id's key is created (`add
//   ... 0`) directly on the server first; the write is the `incr` through the proxy.
import { keepsConnection } from 'cosocket';
import { Memcached } from 'resty-memcached';
import { Mongo } from 'resty-mongo';
import { Redis, RedisMultiplexed } from 'resty-redis';
import { sleep } from '@cosocket/test-kit';
import { startFerretDB, startMemcached, startRedis, type Binary, type RedisServer } from '../../servers/index.js';
import { between, type WriteResult } from './ledger.js';
import type { Client } from './protocols.js';
import { countedFaultProxy } from './proxy.js';
import { scale } from './runs.js';
import { count } from './stats.js';

// Pool names are per rig: a pool is found by its name alone, whatever server it reaches.
export interface LedgerRig {
  write(id: string): Promise<WriteResult>;
  /** One fault cycle, as the clients see it. */
  fault(): Promise<void>;
  /** id -> times applied, once the run is over. */
  applied(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export interface LedgerCase {
  title: string;
  /** The write, for the test title. */
  op: string;
  binary: Binary;
  cycles: number;
  writers: number;
  /** Pause between one writer's writes (ms). */
  pauseMs?: number;
  /** Time between fault cycles (ms, random in the range). */
  gapMs: [number, number];
  /** Time after the last cycle before the writers stop (ms). */
  settleMs: number;
  /** At least this many writes must be acknowledged for the run to mean anything. */
  minAcked: number;
  timeoutMs?: number;
  open(): Promise<LedgerRig>;
}

/** A first application of an id reads 1; anything else means it was applied before (a resend). */
const judged = (value: unknown): WriteResult => (value === 1 ? 'ack' : 'failed');

/**
 * One write through a fresh pooled client: `unsent` when the connect fails; afterwards the
 * connection goes back to the pool, unless an error other than a server's reply left it in an
 * unknown state (the clients' one rule, `keepsConnection`), and is closed.
 */
async function pooledWrite<C extends Client>(
  c: C,
  target: { host: string; port: number },
  pool: string,
  bump: (c: C) => Promise<unknown>,
): Promise<WriteResult> {
  try {
    await c.connect(target.host, target.port, { pool, poolSize: 30, backlog: 100 });
  } catch {
    return 'unsent';
  }
  try {
    const value = await bump(c);
    await c.setKeepalive().catch(() => undefined);
    return judged(value);
  } catch (error) {
    await (keepsConnection(error) ? c.setKeepalive() : c.close()).catch(() => undefined);
    return 'failed';
  }
}

/** A client with the ledger's short timeouts. */
function withTimeouts<C extends Client>(c: C, connectMs: number, sendMs: number, readMs: number): C {
  c.setTimeouts(connectMs, sendMs, readMs);
  return c;
}

/** SIGKILL, a random pause, restart. */
async function killAndRestart(server: { kill(): Promise<void>; start(): Promise<void> }): Promise<void> {
  await server.kill();
  count('faultsInjected');
  await sleep(between(0, 150));
  await server.start();
}

const REDIS_PREFIX = 'ledger:';
const durableRedis = () => startRedis({ config: ['appendonly yes', 'appendfsync always', 'aof-use-rdb-preamble no'] });

/** Every `ledger:*` key and its value, once Redis has loaded its AOF. */
async function redisApplied(server: RedisServer): Promise<Map<string, number>> {
  const red = new RedisMultiplexed();
  red.setTimeout(5000);
  await red.connect(server.host, server.port);
  try {
    // After the last restart Redis may still be loading its AOF (-LOADING): wait for it.
    let keys: string[] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        keys = (await red.keys(`${REDIS_PREFIX}*`)) as string[];
        break;
      } catch (error) {
        if (!/^LOADING/.test((error as Error).message) || attempt > 100) throw error;
        await sleep(100);
      }
    }
    const values: (string | null)[] = [];
    // MGET in slices: a soak run leaves hundreds of thousands of keys.
    for (let i = 0; i < keys.length; i += 1000) values.push(...((await red.mget(...keys.slice(i, i + 1000))) as (string | null)[]));
    return new Map(keys.map((k, i) => [k.slice(REDIS_PREFIX.length), Number(values[i])]));
  } finally {
    await red.close();
  }
}

const redisPooled: LedgerCase = {
  title: 'Redis ledger: INCR under kill/restart',
  op: 'INCR',
  binary: 'redis-server',
  cycles: scale(3, 40),
  writers: 12,
  gapMs: [100, 500],
  settleMs: 200,
  minAcked: 100,
  async open() {
    const server = await durableRedis();
    return {
      write: (id) => pooledWrite(withTimeouts(new Redis(), 500, 1000, 1000), server, 'redis-ledger', (red) => red.incr(REDIS_PREFIX + id)),
      fault: () => killAndRestart(server),
      applied: () => redisApplied(server),
      close: async () => undefined,
    };
  },
};

/** RedisMultiplexed: one connection shared by every writer, reconnecting on the next command. */
const redisMultiplexed: LedgerCase = {
  title: 'RedisMultiplexed ledger: INCR under kill/restart',
  op: 'INCR',
  binary: 'redis-server',
  cycles: scale(3, 30),
  writers: 40,
  pauseMs: 5,
  gapMs: [100, 500],
  settleMs: 200,
  minAcked: 100,
  async open() {
    const server = await durableRedis();
    const mux = new RedisMultiplexed();
    mux.setTimeouts(500, 1000, 1000);
    await mux.connect(server.host, server.port);
    return {
      // Never closed per write: the multiplexer reconnects on the next command.
      write: (id) => mux.incr(REDIS_PREFIX + id).then(judged, () => 'failed' as const),
      fault: () => killAndRestart(server),
      applied: async () => {
        await mux.close().catch(() => undefined);
        return redisApplied(server);
      },
      close: () => mux.close().catch(() => undefined),
    };
  },
};

const mongoPooled: LedgerCase = {
  title: 'MongoDB ledger: $inc upserts under kill/restart',
  op: '$inc',
  binary: 'ferretdb',
  cycles: scale(2, 15),
  writers: 8,
  gapMs: [300, 900],
  settleMs: 300,
  minAcked: 50,
  timeoutMs: 120_000,
  async open() {
    const server = await startFerretDB();
    const writes = (m: Mongo) => m.db('ledger').collection('writes');
    return {
      write: (id) =>
        pooledWrite(
          withTimeouts(new Mongo(), 1000, 2000, 3000),
          server,
          'mongo-ledger',
          // Upserted means this id was new: anything else means it was applied before.
          async (m) => ((await writes(m).updateOne({ _id: id }, { $inc: { n: 1 } }, { upsert: true })).upsertedCount === 1 ? 1 : 2),
        ),
      fault: () => killAndRestart(server),
      applied: async () => {
        const m = new Mongo();
        m.setTimeout(10_000);
        await m.connect(server.host, server.port);
        try {
          const docs = await writes(m).find({}).toArray();
          return new Map(docs.map((d) => [String(d._id), Number(d.n)]));
        } finally {
          await m.close();
        }
      },
      close: async () => undefined,
    };
  },
};

const MC_PREFIX = 'ledger:';

const memcachedPooled: LedgerCase = {
  title: 'Memcached ledger: incr under RST + refused connects, audited before each kill/restart',
  op: 'incr',
  binary: 'memcached',
  cycles: scale(4, 40),
  writers: 10,
  gapMs: [100, 400],
  settleMs: 50,
  minAcked: 100,
  timeoutMs: 120_000,
  async open() {
    const server = await startMemcached();
    const proxy = await countedFaultProxy(server);
    /** Ids whose key may be on the server now; audited (and forgotten) at each fault. */
    let unaudited: string[] = [];
    const applied = new Map<string, number>();
    const direct = async <T>(fn: (mc: Memcached) => Promise<T>): Promise<T> => {
      const mc = new Memcached();
      mc.setTimeout(2000);
      await mc.connect(server.host, server.port, { pool: 'mc-ledger-direct', poolSize: 30 });
      const value = await fn(mc);
      await mc.setKeepalive();
      return value;
    };
    const audit = async (): Promise<void> => {
      const ids = unaudited;
      unaudited = [];
      for (let i = 0; i < ids.length; i += 100) {
        const slice = ids.slice(i, i + 100);
        const found = (await direct((mc) => mc.get(slice.map((id) => MC_PREFIX + id)))) as Record<string, { value: string }>;
        for (const id of slice) {
          const n = Number(found[MC_PREFIX + id]?.value ?? 0);
          if (n > 0) applied.set(id, n);
        }
      }
    };
    return {
      write: async (id) => {
        try {
          unaudited.push(id);
          if (!(await direct((mc) => mc.add(MC_PREFIX + id, '0')))) return 'unsent';
        } catch {
          return 'unsent';
        }
        return pooledWrite(withTimeouts(new Memcached(), 500, 1000, 1000), proxy, 'mc-ledger', (mc) => mc.incr(MC_PREFIX + id, 1));
      },
      fault: async () => {
        proxy.refuse(true);
        proxy.cut();
        await sleep(50); // in-flight incrs already forwarded are processed by now
        await audit();
        await server.kill();
        count('faultsInjected');
        await server.start();
        proxy.refuse(false);
      },
      // The writers have stopped: nothing is in flight any more.
      applied: async () => {
        await audit();
        return applied;
      },
      close: () => proxy.close(),
    };
  },
};

export const LEDGERS: LedgerCase[] = [redisPooled, redisMultiplexed, mongoPooled, memcachedPooled];
