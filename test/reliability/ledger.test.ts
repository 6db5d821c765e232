// No lost or duplicated writes: writers bump one counter per write id through each client
// while faults hit at random moments; afterwards every acknowledged write is on the server
// exactly once, a failed one at most once, and nothing is there twice (a silent resend would
// show as a second application). One body, run per client (support/ledger-rigs.ts says how
// each writes, which fault its clients see, and how the ids are read back).
import { configure } from 'cosocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '@cosocket/test-kit';
import { onDemandSkip } from '../servers/index.js';
import { between, judge, runLedger } from './support/ledger.js';
import { LEDGERS, type LedgerRig } from './support/ledger-rigs.js';
import { captureLogs } from './support/outcomes.js';

for (const c of LEDGERS) {
  describe.skipIf(onDemandSkip(c.binary))(c.title, () => {
    let rig: LedgerRig;
    beforeAll(async () => {
      captureLogs(configure);
      rig = await c.open();
    }, 60_000);
    afterAll(async () => {
      await rig?.close();
    });

    it(
      `every acknowledged ${c.op} survives ${c.cycles} fault cycles, none is applied twice`,
      async () => {
        const run = await runLedger({
          writers: c.writers,
          ...(c.pauseMs === undefined ? {} : { pauseMs: c.pauseMs }),
          write: (id) => rig.write(id),
          chaos: async () => {
            for (let i = 0; i < c.cycles; i++) {
              await sleep(between(...c.gapMs));
              await rig.fault();
            }
            await sleep(c.settleMs);
          },
        });
        const verdict = judge(run, await rig.applied());
        expect(run.acked.length).toBeGreaterThan(c.minAcked);
        expect(verdict).toEqual({ lost: [], duplicated: [], foreign: [] });
      },
      c.timeoutMs,
    );
  });
}
