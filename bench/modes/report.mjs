// The report: every scenario of the chosen suites, each client variant in its own process,
// rounds interleaved; writes <date>.{json,md,svg} and prints each suite's table and the targets.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pinSelf } from '../lib/child.mjs';
import { redisBenchmark, rotation, runVariant } from '../lib/orchestrate.mjs';
import { outputDir, shown } from '../lib/output.mjs';
import { ferretdbBinary, hasTaskset } from '../lib/servers.mjs';
import { CLIENT_CPU, CONFIGS, ROUND_FACTOR, loadSuite, startSuite } from '../lib/suites.mjs';
import { environment } from '../report/env.mjs';
import { headline, markdown, suiteTable } from '../report/markdown.mjs';
import { svgChart } from '../report/svg.mjs';

/** opts: { suites: string[], quick, rounds, ms, warmupMs, keep }; resolves the exit code. */
export async function runReport(opts) {
  const { quick } = opts;
  const method = { rounds: opts.rounds, ms: opts.ms, warmupMs: opts.warmupMs, pinned: hasTaskset() };
  // One core: the kernel schedules.
  if (method.pinned) pinSelf(CLIENT_CPU);

  const date = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  const report = { date, mode: quick ? 'quick' : 'full', method, environment: environment(ferretdbBinary()), suites: {}, chart: `${date}.svg` };
  const started = performance.now();

  for (const name of opts.suites) report.suites[name] = await runSuite(await loadSuite(name), method, quick);

  report.environment.loadAverageAtEnd = loadavg();
  report.wallSeconds = Math.round((performance.now() - started) / 1000);
  const dir = outputDir('results', opts.keep);
  writeFileSync(`${dir}${date}.json`, `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(`${dir}${date}.svg`, svgChart(report, CONFIGS));
  writeFileSync(`${dir}${date}.md`, markdown(report, CONFIGS));
  for (const [name, suite] of Object.entries(report.suites)) console.log(`\n${suiteTable(name, suite, CONFIGS[name])}`);
  console.log(`\n${headline(report)}\n`);
  console.log(
    `wrote ${shown(dir)}${date}.{json,md,svg} in ${report.wallSeconds} s${opts.keep ? '' : ' (not kept: --keep writes to bench/results/)'}`,
  );
  const invalid = Object.values(report.suites).some((s) => s.errors.some((e) => /mismatch/.test(e.error)));
  if (invalid) console.error('A reply mismatch voided part of this run (see the report).');
  return invalid ? 1 : 0;
}

async function runSuite(suiteDef, method, quick) {
  const { name, module, script } = suiteDef;
  const scenarioNames = Object.keys(module.SCENARIOS);
  const { server, stop } = await startSuite(suiteDef, method.pinned);
  const suite = { variants: {}, scenarios: Object.fromEntries(scenarioNames.map((s) => [s, { rounds: [] }])), errors: [] };
  const withBenchmark = name === 'redis';
  if (withBenchmark) suite.benchmark = Object.fromEntries(scenarioNames.map((s) => [s, []]));
  const order = withBenchmark ? [...module.VARIANTS, 'redis-benchmark'] : module.VARIANTS;
  // Generous bound per child: startup, warm-up and measure for each scenario, three times over.
  const limitMs = 60_000 + scenarioNames.length * (method.ms + method.warmupMs) * (name === 'mongo' ? 20 : 4);
  const rounds = method.rounds * (ROUND_FACTOR[name] ?? 1);
  suite.rounds = rounds;
  console.log(`\n== ${name}: ${order.length} variants × ${rounds} rounds × ${scenarioNames.length} scenarios`);
  for (let round = 0; round < rounds; round++) {
    for (const s of scenarioNames) suite.scenarios[s].rounds[round] = {};
    for (const variant of rotation(order, round)) {
      const t0 = performance.now();
      if (variant === 'redis-benchmark') {
        for (const s of scenarioNames) {
          const shape = module.SCENARIOS[s].benchmark;
          const n = quick ? Math.max(100, Math.round(shape.n / 4)) : shape.n;
          suite.benchmark[s][round] = await redisBenchmark(server, { ...shape, n }, CLIENT_CPU, method.pinned);
        }
      } else {
        const args = { variant, server, ms: method.ms, warmupMs: method.warmupMs, scenarios: scenarioNames, cpu: method.pinned ? CLIENT_CPU : null };
        const out = await runVariant(script, args, limitMs);
        for (const [s, r] of Object.entries(out.results)) suite.scenarios[s].rounds[round][variant] = r;
        if (out.done) suite.variants[variant] = { options: out.done.options, version: out.done.version, pinned: out.done.pinned };
        if (out.error) {
          suite.errors.push({ round, variant, error: out.error });
          console.error(`   ${variant}: ERROR ${out.error.split('\n')[0]}`);
        }
      }
      console.log(`   round ${round + 1}/${rounds} ${variant} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  await stop();
  return suite;
}
