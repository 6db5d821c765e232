// CPU-per-operation harness for the hot paths of issue 9 (see bench/PROFILE.md).
//
//   pnpm build && node bench/profile/run.mjs [--targets a,b] [--rounds 5] [--prof] [--label name]
//
// Starts private servers (pinned to CPU 1), then for each round runs every variant of every
// target in its own process (pinned to CPU 0), in an order rotated each round, a fixed number
// of operations after a warm-up. Reports the median (min–max) client CPU µs/op (user+system,
// process.cpuUsage around the measured loop) and wall µs/op. CPU per op barely moves when the
// machine is loaded; wall time does. With --prof, additionally runs `ours` once per target with
// V8's CPU profiler (the `node --cpu-prof` profiler) over the measured loop only, and writes the
// top self-time functions to bench/profile/profiles/<target>.txt (the raw .cpuprofile stays in
// the OS temp dir). Results go to bench/profile/results/<label>.json.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hasTaskset, startServer } from '../lib/servers.mjs';
import { REDIS_KEY, TARGETS, seed } from './clients.mjs';
import { summarize } from './summarize.mjs';

const { values: opts } = parseArgs({
  options: {
    targets: { type: 'string', default: Object.keys(TARGETS).join(',') },
    rounds: { type: 'string', default: '5' },
    prof: { type: 'boolean', default: false },
    'prof-peers': { type: 'boolean', default: false },
    label: { type: 'string', default: new Date().toISOString().replace(/[:.]/g, '-') },
    ops: { type: 'string' },
    // A checkout of an earlier commit, built (packages/*/dist): adds the variant `base`, our
    // client at that commit, interleaved with the others in the same run (before/after A/B).
    baseline: { type: 'string' },
  },
});
const targets = opts.targets.split(',');
const rounds = Number(opts.rounds);
const here = new URL('.', import.meta.url).pathname;
const pin = hasTaskset();
const CLIENT_CPU = 0;
const SERVER_CPU = 1;

const kindOf = (target) => target.split('-')[0];
const servers = {};
for (const kind of new Set(targets.map(kindOf))) {
  servers[kind] = await startServer(kind, { cpu: SERVER_CPU });
  await seed(kind, servers[kind]);
}

function run(cmd, args) {
  const [c, a] = pin ? ['taskset', ['-c', String(CLIENT_CPU), cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) =>
    execFile(c, a, { env: { ...process.env, PROFILE_BASELINE: opts.baseline ?? '' }, encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 22 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
}

async function worker(target, variant, profileFile) {
  const { host, port } = servers[kindOf(target)];
  const out = await run(process.execPath, [join(here, 'worker.mjs'), target, variant, host, String(port), opts.ops ?? '0', ...(profileFile ? [profileFile] : [])]);
  return JSON.parse(out.trim().split('\n').pop());
}

/** redis-benchmark -P 1000 GET, one connection, client CPU from bash's `time`. */
async function redisBenchmark() {
  const { host, port } = servers.redis;
  const n = 1_000_000;
  const script = `TIMEFORMAT='%3U %3S %3R'; { time redis-benchmark -h ${host} -p ${port} -n ${n} -c 1 -P 1000 --csv GET ${REDIS_KEY} >/dev/null; } 2>&1`;
  const out = await run('bash', ['-c', script]);
  const [user, sys, real] = out.trim().split('\n').pop().split(' ').map(Number);
  return { target: 'redis-pipeline-1000', variant: 'redis-benchmark', ops: n, cpuUsPerOp: ((user + sys) * 1e6) / n, userUsPerOp: (user * 1e6) / n, sysUsPerOp: (sys * 1e6) / n, wallUsPerOp: (real * 1e6) / n };
}

const variantsOf = (target) => [...Object.keys(TARGETS[target].variants), ...(opts.baseline ? ['base'] : []), ...(target === 'redis-pipeline-1000' ? ['redis-benchmark'] : [])];
const results = {};
for (let r = 0; r < rounds; r++) {
  for (const target of targets) {
    const vs = variantsOf(target);
    const order = vs.map((_, i) => vs[(i + r) % vs.length]);
    for (const variant of order) {
      const res = variant === 'redis-benchmark' ? await redisBenchmark() : await worker(target, variant);
      ((results[target] ??= {})[variant] ??= []).push(res);
    }
  }
  process.stderr.write(`round ${r + 1}/${rounds} done\n`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const stat = (rs, field) => {
  const xs = rs.map((x) => x[field]);
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
};

const lines = [`| target | variant | CPU µs/op median (min–max) | user / sys µs/op | wall µs/op median (min–max) |`, '| --- | --- | --- | --- | --- |'];
const summary = {};
for (const target of targets.filter((t) => results[t] !== undefined)) {
  for (const variant of variantsOf(target)) {
    const rs = results[target][variant];
    const cpu = stat(rs, 'cpuUsPerOp');
    const wall = stat(rs, 'wallUsPerOp');
    (summary[target] ??= {})[variant] = { cpu, wall, user: stat(rs, 'userUsPerOp').median, sys: stat(rs, 'sysUsPerOp').median };
    lines.push(`| ${target} | ${variant} | ${fmt(cpu.median)} (${fmt(cpu.min)}–${fmt(cpu.max)}) | ${fmt(summary[target][variant].user)} / ${fmt(summary[target][variant].sys)} | ${fmt(wall.median)} (${fmt(wall.min)}–${fmt(wall.max)}) |`);
  }
}
const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim();
console.log(`\n${rounds} rounds, client on CPU ${CLIENT_CPU}, servers on CPU ${SERVER_CPU}${pin ? '' : ' (taskset unavailable: unpinned)'}; loadavg at end: ${load}\n`);
console.log(lines.join('\n'));

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', `${opts.label}.json`), JSON.stringify({ label: opts.label, rounds, loadavg: load, summary, raw: results }, null, 2));

if (opts.prof) {
  mkdirSync(join(here, 'profiles'), { recursive: true });
  for (const target of targets) for (const variant of opts['prof-peers'] ? Object.keys(TARGETS[target].variants) : ['ours']) {
    const file = join(mkdtempSync(join(tmpdir(), `prof-${target}-`)), `${variant}.cpuprofile`);
    const res = await worker(target, variant, file);
    const text = `# ${target} (${variant}): V8 CPU profile of the measured loop (${res.ops} ops, ${fmt(res.cpuUsPerOp)} CPU µs/op), label ${opts.label}\n# raw profile: ${file}\n\n${summarize(file, 30)}\n`;
    writeFileSync(join(here, 'profiles', `${target}${variant === 'ours' ? '' : `.${variant}`}.txt`), text);
    console.log(`\n${text}`);
  }
}

for (const s of Object.values(servers)) await s.stop();
process.exit(0);
