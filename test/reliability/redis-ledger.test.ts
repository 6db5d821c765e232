// No lost or duplicated writes (Redis): writers INCR one key per write id through a pool while
// the server is SIGKILLed and restarted at random moments. The server runs with
// `appendonly yes` + `appendfsync always`, so Redis replies only after the write is on disk and
// a crash loses nothing acknowledged: any acknowledged key missing afterwards is a client bug,
// and any key above 1 is a write applied twice (a silent resend).
import { configure } from 'cosocket';
import { beforeAll, describe, expect, it } from 'vitest';
import { Redis, RedisReplyError } from 'resty-redis';
import { onDemandSkip, startRedis, type RedisServer } from '../servers/index.js';
import { between, judge, runLedger, sleep, type WriteResult } from './support/ledger.js';
import { captureLogs } from './support/outcomes.js';
import { scale } from './support/runs.js';
import { count } from './support/stats.js';

const CYCLES = scale(3, 40);
const PREFIX = 'ledger:';

describe.skipIf(onDemandSkip('redis-server'))('Redis ledger: INCR under kill/restart', () => {
  let server: RedisServer;
  beforeAll(async () => {
    captureLogs(configure);
    server = await startRedis({ config: ['appendonly yes', 'appendfsync always', 'aof-use-rdb-preamble no'] });
  });

  async function write(id: string): Promise<WriteResult> {
    const red = new Redis();
    red.setTimeouts(500, 1000, 1000);
    try {
      await red.connect(server.host, server.port, { pool: 'ledger', poolSize: 30, backlog: 100 });
    } catch {
      return 'unsent';
    }
    try {
      const value = await red.incr(PREFIX + id);
      await red.setKeepalive().catch(() => undefined);
      // A value above 1 means this id was applied before: a resend.
      return value === 1 ? 'ack' : 'failed';
    } catch (error) {
      if (error instanceof RedisReplyError) await red.setKeepalive().catch(() => undefined);
      else await red.close().catch(() => undefined);
      return 'failed';
    }
  }

  it(`every acknowledged INCR survives ${CYCLES} SIGKILL/restart cycles, none is applied twice`, async () => {
    const run = await runLedger({
      writers: 12,
      write,
      chaos: async () => {
        for (let i = 0; i < CYCLES; i++) {
          await sleep(between(100, 500));
          await server.kill();
          count('faultsInjected');
          await sleep(between(0, 150));
          await server.start();
        }
        await sleep(200);
      },
    });
    const red = new Redis();
    red.setTimeout(5000);
    await red.connect(server.host, server.port);
    // After the last restart Redis may still be loading its AOF (-LOADING): wait for it.
    let keys: string[] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        keys = (await red.keys(`${PREFIX}*`)) as string[];
        break;
      } catch (error) {
        if (!/^LOADING/.test((error as Error).message) || attempt > 100) throw error;
        await sleep(100);
      }
    }
    const values: (string | null)[] = [];
    // MGET in slices: a soak run leaves hundreds of thousands of keys.
    for (let i = 0; i < keys.length; i += 1000) values.push(...((await red.mget(...keys.slice(i, i + 1000))) as (string | null)[]));
    const applied = new Map(keys.map((k, i) => [k.slice(PREFIX.length), Number(values[i])]));
    await red.close();
    const verdict = judge(run, applied);
    expect(run.acked.length).toBeGreaterThan(100);
    expect(verdict).toEqual({ lost: [], duplicated: [], foreign: [] });
  });
});
