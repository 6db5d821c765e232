// No lost or duplicated writes (MongoDB protocol, FerretDB on SQLite): writers upsert one
// document per write id with `$inc: { n: 1 }` while the server is SIGKILLed and restarted at
// random moments. FerretDB commits to SQLite files in its own dir before replying, and those
// files survive a restart on the same dir, so an acknowledged write missing afterwards is a
// client bug; `n > 1` is a write applied twice (a silent resend).
import { configure } from 'cosocket';
import { beforeAll, describe, expect, it } from 'vitest';
import { Mongo, MongoServerError } from 'resty-mongo';
import { onDemandSkip, startFerretDB, type FerretDBServer } from '../servers/index.js';
import { between, judge, runLedger, sleep, type WriteResult } from './support/ledger.js';
import { captureLogs } from './support/outcomes.js';
import { scale } from './support/runs.js';
import { count } from './support/stats.js';

const CYCLES = scale(2, 15);

describe.skipIf(onDemandSkip('ferretdb'))('MongoDB ledger: $inc upserts under kill/restart', () => {
  let server: FerretDBServer;
  beforeAll(async () => {
    captureLogs(configure);
    server = await startFerretDB();
  }, 60_000);

  async function write(id: string): Promise<WriteResult> {
    const m = new Mongo();
    m.setTimeouts(1000, 2000, 3000);
    try {
      await m.connect(server.host, server.port, { pool: 'ledger', poolSize: 30, backlog: 100 });
    } catch {
      return 'unsent';
    }
    try {
      const result = await m.db('ledger').collection('writes').updateOne({ _id: id }, { $inc: { n: 1 } }, { upsert: true });
      await m.setKeepalive().catch(() => undefined);
      // Upserted means this id was new: anything else means it was applied before.
      return result.upsertedCount === 1 ? 'ack' : 'failed';
    } catch (error) {
      if (error instanceof MongoServerError) await m.setKeepalive().catch(() => undefined);
      else await m.close().catch(() => undefined);
      return 'failed';
    }
  }

  it(`every acknowledged $inc survives ${CYCLES} SIGKILL/restart cycles, none is applied twice`, async () => {
    const run = await runLedger({
      writers: 8,
      write,
      chaos: async () => {
        for (let i = 0; i < CYCLES; i++) {
          await sleep(between(300, 900));
          await server.kill();
          count('faultsInjected');
          await sleep(between(0, 150));
          await server.start();
        }
        await sleep(300);
      },
    });
    const m = new Mongo();
    m.setTimeout(10_000);
    await m.connect(server.host, server.port);
    const docs = await m.db('ledger').collection('writes').find({}).toArray();
    await m.close();
    const applied = new Map(docs.map((d) => [String(d._id), Number(d.n)]));
    const verdict = judge(run, applied);
    expect(run.acked.length).toBeGreaterThan(50);
    expect(verdict).toEqual({ lost: [], duplicated: [], foreign: [] });
  }, 120_000);
});
