// The one entry point of the benchmarks (after `pnpm build`; bench/README.md, bench/PROFILE.md).
//
//   node bench/run.mjs [--suites cosocket,redis,memcached,mongo] [--quick] [--rounds N] [--ms N] [--warmup N]
//       the report: every scenario of every suite, each client variant in its own process,
//       rounds interleaved; <date>.{json,md,svg}
//   node bench/run.mjs --profile [--targets a,b] [--rounds N] [--quick] [--ops N] [--prof [--prof-peers]]
//                      [--label name] [--baseline DIR | --baseline-commit SHA [--baseline DIR]]
//       client CPU µs per operation of chosen scenarios of the same suites, V8 profiles, A/B
//       against our packages built at an earlier commit
//   node bench/run.mjs --pool [--quick]
//       10,000 tasks through a keepalive pool of 30; pooled vs fresh connect
//   node bench/run.mjs --summarize FILE.cpuprofile [--top N]
//       any V8 CPU profile as text
//
// Files go to bench/out/ (git-ignored); --keep writes them to bench/results/ (report) or
// bench/profile/results|profiles/ (profiler), the folders the READMEs cite from.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { SUITES } from './lib/suites.mjs';

const { values: o } = parseArgs({
  options: {
    suites: { type: 'string', default: SUITES.join(',') },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    ms: { type: 'string' },
    warmup: { type: 'string' },
    keep: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    targets: { type: 'string' },
    ops: { type: 'string' },
    prof: { type: 'boolean', default: false },
    'prof-peers': { type: 'boolean', default: false },
    label: { type: 'string' },
    baseline: { type: 'string' },
    'baseline-commit': { type: 'string' },
    pool: { type: 'boolean', default: false },
    summarize: { type: 'string' },
    top: { type: 'string', default: '25' },
  },
});

const num = (value, fallback) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${value}`);
  return n;
};
const modes = [o.profile, o.pool, o.summarize !== undefined].filter(Boolean).length;
if (modes > 1) throw new Error('--profile, --pool and --summarize are separate modes: pick one');

let code;
if (o.summarize !== undefined) {
  const { summarize } = await import('./report/cpuprofile.mjs');
  console.log(summarize(o.summarize, num(o.top)));
  code = 0;
} else if (o.pool) {
  const { runPool } = await import('./modes/pool.mjs');
  code = await runPool({ quick: o.quick });
} else if (o.profile) {
  const { TARGETS, runProfile } = await import('./modes/profile.mjs');
  let baseline = o.baseline;
  if (o['baseline-commit'] !== undefined) {
    baseline ??= '/tmp/baseline';
    const script = new URL('./lib/baseline.sh', import.meta.url).pathname;
    execFileSync('bash', [script, o['baseline-commit'], baseline], { stdio: 'inherit' });
  }
  code = await runProfile({
    targets: (o.targets ?? Object.keys(TARGETS).join(',')).split(','),
    rounds: num(o.rounds, o.quick ? 2 : 5),
    quick: o.quick,
    ops: o.ops === undefined ? undefined : num(o.ops),
    prof: o.prof,
    profPeers: o['prof-peers'],
    label: o.label ?? new Date().toISOString().replace(/[:.]/g, '-'),
    baseline,
    keep: o.keep,
  });
} else {
  const { runReport } = await import('./modes/report.mjs');
  code = await runReport({
    suites: o.suites.split(','),
    quick: o.quick,
    rounds: num(o.rounds, o.quick ? 5 : 7),
    ms: num(o.ms, o.quick ? 200 : 1500),
    warmupMs: num(o.warmup, o.quick ? 100 : 500),
    keep: o.keep,
  });
}
process.exit(code);
