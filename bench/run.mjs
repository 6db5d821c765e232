// `pnpm bench` (full) / `pnpm bench:quick`: every scenario of every suite, each client
// variant in its own process, rounds interleaved, results in bench/results/<date>.{json,md,svg}.
// Options: --quick, --suites cosocket,redis,memcached,mongo, --rounds N, --ms N, --warmup N.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { hasTaskset, startServer } from './lib/servers.mjs';
import { redisBenchmark, rotation, runVariant, startSender } from './lib/orchestrate.mjs';
import { environment } from './report/env.mjs';
import { headline, markdown } from './report/markdown.mjs';
import { svgChart } from './report/svg.mjs';
import { execFileSync } from 'node:child_process';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? fallback : argv[i + 1];
};
const quick = flag('quick');
const method = {
  rounds: Number(opt('rounds', quick ? 5 : 7)),
  ms: Number(opt('ms', quick ? 200 : 1500)),
  warmupMs: Number(opt('warmup', quick ? 100 : 500)),
  pinned: hasTaskset(),
};
/**
 * Rounds per suite. A round of the cosocket suite takes ~12 s, so a burst of load from outside
 * this VM (it shows up only as the same work costing up to 3× the CPU) can sit on one variant
 * of several rounds; three times the rounds keep its median out of reach of such bursts.
 */
const ROUND_FACTOR = { cosocket: 3 };
const CLIENT_CPU = 0;
const SERVER_CPU = 1;
const suitesWanted = opt('suites', 'cosocket,redis,memcached,mongo').split(',');

/** Which variants are ours, and each peer's defaults / equalized variant. */
const CONFIGS = {
  cosocket: { ours: ['cosocket'], peers: [{ name: 'raw net.Socket', defaults: 'raw' }] },
  redis: {
    ours: ['resty-redis', 'resty-redis mux'],
    peers: [
      { name: 'raw socket', defaults: 'raw socket', ceiling: true },
      { name: 'ioredis', defaults: 'ioredis', equalized: 'ioredis eq' },
      { name: 'ioredis autopipelining', equalized: 'ioredis auto' },
      { name: 'node-redis', defaults: 'node-redis', equalized: 'node-redis eq' },
    ],
  },
  memcached: {
    ours: ['resty-memcached', 'resty-memcached mux'],
    peers: [
      { name: 'raw socket', defaults: 'raw socket', ceiling: true },
      { name: 'memjs', defaults: 'memjs', equalized: 'memjs eq' },
      { name: 'memcached (3rd-Eden)', defaults: 'memcached', equalized: 'memcached eq' },
    ],
  },
  mongo: { ours: ['resty-mongo'], peers: [{ name: 'mongodb', defaults: 'mongodb', equalized: 'mongodb eq' }] },
};

if (method.pinned) {
  try {
    execFileSync('taskset', ['-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' });
  } catch {
    // one core: the kernel schedules
  }
}

/** Starts what a suite talks to; returns { server (passed to children), stop }. */
async function startSuite(name, module) {
  if (name === 'cosocket') {
    const senders = await Promise.all(['bytes', 'lines', 'echo'].map((m) => startSender(m, SERVER_CPU, method.pinned)));
    return { server: { ports: { bytes: senders[0].port, lines: senders[1].port, echo: senders[2].port } }, stop: async () => senders.forEach((s) => s.stop()) };
  }
  const srv = await startServer(name, { cpu: SERVER_CPU });
  // The pid lets each child read the server's CPU time around its measurements.
  const server = { host: srv.host, port: srv.port, pid: srv.pid };
  await module.seed(server);
  return { server, stop: () => srv.stop() };
}

const date = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
const report = { date, mode: quick ? 'quick' : 'full', method, environment: environment(ferretdbPath()), suites: {}, chart: `${date}.svg` };
const started = performance.now();

for (const name of suitesWanted) {
  const module = await import(`./scenarios/${name}.mjs`);
  const script = new URL(`./scenarios/${name}.mjs`, import.meta.url).pathname;
  const scenarioNames = Object.keys(module.SCENARIOS);
  const { server, stop } = await startSuite(name, module);
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
        const out = await runVariant(script, { variant, server, ms: method.ms, warmupMs: method.warmupMs, scenarios: scenarioNames, cpu: method.pinned ? CLIENT_CPU : null }, limitMs);
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
  report.suites[name] = suite;
}

report.environment.loadAverageAtEnd = loadavg();
report.wallSeconds = Math.round((performance.now() - started) / 1000);
const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}${date}.json`, `${JSON.stringify(report, null, 1)}\n`);
writeFileSync(`${dir}${date}.svg`, svgChart(report, CONFIGS));
writeFileSync(`${dir}${date}.md`, markdown(report, CONFIGS));
console.log(`\n${headline(report)}\n`);
console.log(`wrote bench/results/${date}.{json,md,svg} in ${report.wallSeconds} s`);
const invalid = Object.values(report.suites).some((s) => s.errors.some((e) => /mismatch/.test(e.error)));
if (invalid) console.error('A reply mismatch voided part of this run (see the report).');
process.exit(invalid ? 1 : 0);

function ferretdbPath() {
  try {
    return execFileSync('sh', ['-c', 'command -v ferretdb || echo "$(go env GOPATH)/bin/ferretdb"'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
