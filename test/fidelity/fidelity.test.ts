import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarios } from './scenarios/index.js';
import { knownDifferences } from './known-differences.js';
import { scenarioLua } from './support/lua.js';
import { nginxSkip, startNginx, type PrivateNginx } from './support/nginx.js';
import { runNode } from './support/node-run.js';
import { startPeer, type Peer } from './support/peer.js';
import { effectiveConfig, type Scenario } from './support/scenario.js';
import { byThread, formatLine, normalizeLua, parseLine } from './support/transcript.js';

/**
 * The differential fidelity suite (issue 23): every scenario runs as Lua in a private nginx with
 * lua-nginx-module and as calls on cosocket, each against its own scripted peer; the normalized
 * transcripts must be equal, except the known version differences.
 */
const skip = nginxSkip();

describe.skipIf(skip)(skip ? `fidelity against lua-nginx-module [${skip}]` : 'fidelity against lua-nginx-module', () => {
  let nginx: PrivateNginx;
  const tally = { same: 0, known: 0 };

  beforeAll(async () => {
    nginx = await startNginx(scenarios.map(effectiveConfig));
  });
  afterAll(async () => {
    await nginx?.stop();
    console.log(
      `fidelity: ${scenarios.length} scenarios against lua-nginx-module ${nginx?.moduleVersion}: ` +
        `${tally.same} the same, ${tally.known} known version differences`,
    );
  });

  it('scenario names are unique and every known difference names one', () => {
    const names = new Set(scenarios.map((s) => s.name));
    expect(names.size).toBe(scenarios.length);
    for (const known of knownDifferences) expect(names, known.scenario).toContain(known.scenario);
  });

  for (const scenario of scenarios) {
    it(`${scenario.area}: ${scenario.name}`, async () => {
      const module = await transcript(scenario, async (peer) =>
        (await nginx.run(scenarioLua(scenario, peer), effectiveConfig(scenario))).map((l) => formatLine(normalizeLua(parseLine(l)))),
      );
      const ours = await transcript(scenario, (peer) => runNode(scenario, peer));

      const known = knownDifferences.find((k) => k.scenario === scenario.name && nginx.moduleVersionNumber < k.fixedIn);
      if (known === undefined) {
        expect(ours).toEqual(module);
        tally.same++;
      } else {
        expect(differing(module, ours)).toEqual({ module: known.module, ours: known.ours });
        tally.known++;
      }
    });
  }
});

function differing(module: string[], ours: string[]): { module: string[]; ours: string[] } {
  const out = { module: [] as string[], ours: [] as string[] };
  for (let i = 0; i < Math.max(module.length, ours.length); i++) {
    if (module[i] === ours[i]) continue;
    out.module.push(module[i] ?? '(missing)');
    out.ours.push(ours[i] ?? '(missing)');
  }
  return out;
}

/** One side's transcript against a fresh peer: its lines, then the peer's, grouped by thread. */
async function transcript(scenario: Scenario, run: (peer: Peer) => Promise<string[]>): Promise<string[]> {
  const peer = await startPeer(scenario.peers);
  const lines = await run(peer).catch(async (error: unknown) => {
    await peer.finish(); // closes the listeners and removes the temp dir
    throw error;
  });
  return byThread([...lines, ...(await peer.finish())]);
}
