// The CPU-per-operation profiler (bench/PROFILE.md): chosen scenarios of the report, each
// (target, variant) in its own process pinned to CPU 0 (servers on CPU 1), a fixed number of
// operations after a warm-up, the variants' order rotated each round. Reports the median
// (min–max) client CPU µs/op (user+system, process.cpuUsage around the measured loop) and wall
// µs/op: CPU per op barely moves when the machine is loaded; wall time does.
// With --prof, also runs ours once per target under V8's CPU profiler (the measured loop only)
// and writes the top self-time functions to <profiles>/<target>.txt (the raw .cpuprofile stays
// in the OS temp dir). With --baseline DIR (a build of an earlier commit, bench/lib/baseline.sh;
// --baseline-commit builds it first), adds the variant `base`: ours at that commit, same run.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVariant } from '../lib/orchestrate.mjs';
import { outputDir, shown } from '../lib/output.mjs';
import { hasTaskset } from '../lib/servers.mjs';
import { CLIENT_CPU, CONFIGS, loadSuite, startSuite } from '../lib/suites.mjs';
import { summarize } from '../report/cpuprofile.mjs';
import { median } from '../report/stats.mjs';

/**
 * target -> a scenario of the report (bench/scenarios/<suite>.mjs) and the variants to run,
 * ours first; `ops` = calls per measured run. Any other scenario can be named `suite/scenario`
 * (ours against each peer's equalized variant).
 */
export const TARGETS = {
  'redis-get': { suite: 'redis', scenario: 'GET 100 B', variants: ['resty-redis', 'ioredis'], ops: 20_000 },
  // One caller on the multiplexed client: its per-command overhead with nothing to batch.
  'redis-get-mux': { suite: 'redis', scenario: 'GET 100 B', variants: ['resty-redis mux', 'ioredis'], ops: 20_000 },
  'redis-set': { suite: 'redis', scenario: 'SET 100 B', variants: ['resty-redis', 'ioredis'], ops: 20_000 },
  'redis-pipeline-1000': { suite: 'redis', scenario: 'pipeline 1000', variants: ['resty-redis', 'ioredis', 'redis-benchmark'], ops: 300 },
  'memcached-get': { suite: 'memcached', scenario: 'get 100 B', variants: ['resty-memcached', 'memjs eq', 'memcached eq'], ops: 20_000 },
  'memcached-set': { suite: 'memcached', scenario: 'set 100 B', variants: ['resty-memcached', 'memjs eq', 'memcached eq'], ops: 20_000 },
  'memcached-multi-100': { suite: 'memcached', scenario: 'multi-get 100', variants: ['resty-memcached', 'memjs eq'], ops: 2_000 },
  'mongo-insertMany': { suite: 'mongo', scenario: 'insertMany 10,000 (per doc)', variants: ['resty-mongo', 'mongodb eq'], ops: 6 },
};

function targetOf(name) {
  if (TARGETS[name]) return TARGETS[name];
  const at = name.indexOf('/');
  if (at === -1) throw new Error(`unknown profile target ${name} (targets: ${Object.keys(TARGETS).join(', ')}, or suite/scenario)`);
  const suite = name.slice(0, at);
  const config = CONFIGS[suite];
  if (!config) throw new Error(`unknown suite in profile target ${name}`);
  const peers = config.peers.filter((p) => !p.ceiling).map((p) => p.equalized ?? p.defaults);
  return { suite, scenario: name.slice(at + 1), variants: [config.ours[0], ...peers], ops: 2_000 };
}

/** A target or variant name as part of a file name ("memcached/get 16 KiB" -> memcached-get-16-KiB). */
const fileName = (s) => s.replace(/[^\w.]+/g, '-');
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const stat = (rs, field) => {
  const xs = rs.map((x) => x[field]);
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
};

/** opts: { targets: string[], rounds, quick, ops?, prof, profPeers, label, baseline?, keep }. */
export async function runProfile(opts) {
  const targets = Object.fromEntries(opts.targets.map((t) => [t, targetOf(t)]));
  const pin = hasTaskset();
  const suites = {};
  for (const name of new Set(Object.values(targets).map((t) => t.suite))) {
    const def = await loadSuite(name);
    suites[name] = { def, ...(await startSuite(def, pin)) };
  }
  for (const [name, t] of Object.entries(targets)) {
    if (!suites[t.suite].def.module.SCENARIOS[t.scenario])
      throw new Error(`profile target ${name}: no scenario "${t.scenario}" in bench/scenarios/${t.suite}.mjs`);
  }
  const opsOf = (t) => opts.ops ?? (opts.quick ? Math.max(2, Math.ceil(t.ops / 10)) : t.ops);
  const baselineNode = opts.baseline
    ? {
        execArgv: [...process.execArgv, '--import', new URL('../lib/baseline-hook.mjs', import.meta.url).href],
        env: { BENCH_BASELINE: opts.baseline },
      }
    : {};

  async function measured(name, variant, profileFile) {
    const t = targets[name];
    const { def, server } = suites[t.suite];
    if (variant === 'redis-benchmark') return redisBenchmarkCpu(server, def.module.SCENARIOS[t.scenario].benchmark, opts.quick, pin);
    const base = variant === 'base';
    const args = {
      variant: base ? t.variants[0] : variant,
      server,
      scenarios: [t.scenario],
      cpu: pin ? CLIENT_CPU : null,
      ops: opsOf(t),
      profileFile,
    };
    const out = await runVariant(def.script, args, 300_000, base ? baselineNode : {});
    if (out.error) throw new Error(`${name} ${variant}: ${out.error}`);
    return out.results[t.scenario];
  }

  const variantsOf = (name) => {
    const vs = targets[name].variants;
    const clients = vs.filter((v) => v !== 'redis-benchmark');
    return [...clients, ...(opts.baseline ? ['base'] : []), ...(vs.includes('redis-benchmark') ? ['redis-benchmark'] : [])];
  };
  const results = {};
  for (let r = 0; r < opts.rounds; r++) {
    for (const name of Object.keys(targets)) {
      const vs = variantsOf(name);
      const order = vs.map((_, i) => vs[(i + r) % vs.length]);
      for (const variant of order) ((results[name] ??= {})[variant] ??= []).push(await measured(name, variant));
    }
    process.stderr.write(`round ${r + 1}/${opts.rounds} done\n`);
  }

  const lines = [
    '| target | variant | CPU µs/op median (min–max) | user / sys µs/op | wall µs/op median (min–max) |',
    '| --- | --- | --- | --- | --- |',
  ];
  const summary = {};
  for (const name of Object.keys(targets)) {
    for (const variant of variantsOf(name)) {
      const rs = results[name][variant];
      const cpu = stat(rs, 'cpuUsPerOp');
      const wall = stat(rs, 'wallUsPerOp');
      const s = ((summary[name] ??= {})[variant] = { cpu, wall, user: stat(rs, 'userUsPerOp').median, sys: stat(rs, 'sysUsPerOp').median });
      lines.push(
        `| ${name} | ${variant} | ${fmt(cpu.median)} (${fmt(cpu.min)}–${fmt(cpu.max)}) | ${fmt(s.user)} / ${fmt(s.sys)} | ${fmt(wall.median)} (${fmt(wall.min)}–${fmt(wall.max)}) |`,
      );
    }
  }
  const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim();
  console.log(
    `\n${opts.rounds} rounds, client on CPU ${CLIENT_CPU}, servers on CPU 1${pin ? '' : ' (taskset unavailable: unpinned)'}; loadavg at end: ${load}\n`,
  );
  console.log(lines.join('\n'));
  console.log(`\n${ratioLines(targets, summary, variantsOf).join('\n')}`);

  const dir = outputDir('profile-results', opts.keep);
  writeFileSync(
    join(dir, `${opts.label}.json`),
    JSON.stringify({ label: opts.label, rounds: opts.rounds, targets, loadavg: load, summary, raw: results }, null, 2),
  );
  console.log(`\nwrote ${shown(dir)}${opts.label}.json${opts.keep ? '' : ' (not kept: --keep writes to bench/profile/results/)'}`);

  if (opts.prof) {
    const profiles = outputDir('profiles', opts.keep);
    for (const name of Object.keys(targets)) {
      const [ours, ...peers] = targets[name].variants.filter((v) => v !== 'redis-benchmark');
      for (const variant of opts.profPeers ? [ours, ...peers] : [ours]) {
        const file = join(mkdtempSync(join(tmpdir(), `prof-${fileName(name)}-`)), `${fileName(variant)}.cpuprofile`);
        const res = await measured(name, variant, file);
        const text = `# ${name} (${variant}): V8 CPU profile of the measured loop (${res.ops} ops, ${fmt(res.cpuUsPerOp)} CPU µs/op), label ${opts.label}\n# raw profile: ${file}\n\n${summarize(file, 30)}\n`;
        const out = join(profiles, `${fileName(name)}${variant === ours ? '' : `.${fileName(variant)}`}.txt`);
        writeFileSync(out, text);
        console.log(`\n${text}\n(wrote ${shown(out)})`);
      }
    }
  }

  for (const s of Object.values(suites)) await s.stop();
  return 0;
}

/** Per target: each other variant's CPU and wall per op ÷ ours (above 1: ours spends less). */
function ratioLines(targets, summary, variantsOf) {
  const out = ['| target | peer ÷ ours | CPU µs/op | wall µs/op |', '| --- | --- | --- | --- |'];
  for (const name of Object.keys(targets)) {
    const ours = targets[name].variants[0];
    const o = summary[name][ours];
    for (const v of variantsOf(name).filter((x) => x !== ours)) {
      const p = summary[name][v];
      out.push(`| ${name} | ${v} ÷ ${ours} | ${(p.cpu.median / o.cpu.median).toFixed(2)}× | ${(p.wall.median / o.wall.median).toFixed(2)}× |`);
    }
  }
  return out;
}

/** redis-benchmark with a scenario's shape, its client CPU from bash's `time`. */
async function redisBenchmarkCpu({ host, port }, shape, quick, pin) {
  const n = quick ? Math.round(shape.n / 10) : shape.n;
  const args = [
    '-h',
    host,
    '-p',
    String(port),
    '-n',
    String(n),
    '-c',
    String(shape.clients ?? 1),
    '-P',
    String(shape.pipeline ?? 1),
    '--csv',
    ...shape.command,
  ];
  const script = `TIMEFORMAT='%3U %3S %3R'; { time redis-benchmark ${args.map((a) => `'${a}'`).join(' ')} >/dev/null; } 2>&1`;
  const [cmd, argv] = pin ? ['taskset', ['-c', String(CLIENT_CPU), 'bash', '-c', script]] : ['bash', ['-c', script]];
  const out = await new Promise((resolve, reject) =>
    execFile(cmd, argv, { encoding: 'utf8', timeout: 300_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
  const [user, sys, real] = out.trim().split('\n').pop().split(' ').map(Number);
  return { ops: n, cpuUsPerOp: ((user + sys) * 1e6) / n, userUsPerOp: (user * 1e6) / n, sysUsPerOp: (sys * 1e6) / n, wallUsPerOp: (real * 1e6) / n };
}
