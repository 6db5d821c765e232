// resty-redis against ioredis 6 (RESP2, autopipelining off and on) and node-redis 6 (RESP2, no
// command timeout), same machine, same run, plus each figure as a percentage of redis-benchmark
// for the same shape. Run with `pnpm bench:redis` (builds first).
import { execFileSync } from 'node:child_process';
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { Redis } from 'resty-redis';
import { check, measure, printTable } from '../lib/measure.mjs';
import { hasTaskset, startServer } from '../lib/servers.mjs';

const MS = Number(process.env.BENCH_MS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PIPELINE = 1000;
const TASKS = 64;
const PER_TASK = 10;
const VALUE = 'v'.repeat(100);
const KEY = 'bench:key';

// The server gets core 1, this process (and redis-benchmark) core 0.
const pinned = hasTaskset();
if (pinned) execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const server = await startServer('redis', { cpu: 1 });
const { host, port } = server;

// ---------------------------------------------------------------- clients
const ours = new Redis();
ours.setTimeout(10_000);
await ours.connect(host, port);
await ours.set(KEY, VALUE);

const ioOff = new IORedis({ host, port, protocol: 2, enableAutoPipelining: false, lazyConnect: true });
const ioOn = new IORedis({ host, port, protocol: 2, enableAutoPipelining: true, lazyConnect: true });
await ioOff.connect();
await ioOn.connect();
const nodeRedis = createClient({ socket: { host, port }, RESP: 2 });
nodeRedis.on('error', () => undefined);
await nodeRedis.connect();

/** Scenario -> client -> op(). Each op does `batch` commands. */
const scenarios = {
  'serial GET 100 B': {
    batch: 1,
    clients: {
      'resty-redis': async () => check(await ours.get(KEY), VALUE, 'resty GET'),
      ioredis: async () => check(await ioOff.get(KEY), VALUE, 'ioredis GET'),
      'ioredis+autopipe': async () => check(await ioOn.get(KEY), VALUE, 'ioredis auto GET'),
      'node-redis': async () => check(await nodeRedis.get(KEY), VALUE, 'node-redis GET'),
    },
  },
  'serial SET 100 B': {
    batch: 1,
    clients: {
      'resty-redis': async () => check(await ours.set(KEY, VALUE), 'OK', 'resty SET'),
      ioredis: async () => check(await ioOff.set(KEY, VALUE), 'OK', 'ioredis SET'),
      'ioredis+autopipe': async () => check(await ioOn.set(KEY, VALUE), 'OK', 'ioredis auto SET'),
      'node-redis': async () => check(await nodeRedis.set(KEY, VALUE), 'OK', 'node-redis SET'),
    },
  },
  [`pipeline of ${PIPELINE} GETs`]: {
    batch: PIPELINE,
    clients: {
      'resty-redis': async () => {
        ours.initPipeline();
        for (let i = 0; i < PIPELINE; i++) ours.get(KEY);
        const r = await ours.commitPipeline();
        check(r[PIPELINE - 1], VALUE, 'resty pipeline');
      },
      ioredis: async () => {
        const p = ioOff.pipeline();
        for (let i = 0; i < PIPELINE; i++) p.get(KEY);
        const r = await p.exec();
        check(r[PIPELINE - 1][1], VALUE, 'ioredis pipeline');
      },
      'node-redis': async () => {
        const m = nodeRedis.multi();
        for (let i = 0; i < PIPELINE; i++) m.get(KEY);
        const r = await m.execAsPipeline();
        check(r[PIPELINE - 1], VALUE, 'node-redis pipeline');
      },
    },
  },
  [`${TASKS} concurrent tasks, GET`]: {
    batch: TASKS * PER_TASK,
    clients: {
      // One connection per task from the keepalive pool: connect, GET, setKeepalive.
      'resty-redis': () =>
        tasks(async () => {
          const red = new Redis();
          await red.connect(host, port, { pool: 'bench', poolSize: TASKS });
          check(await red.get(KEY), VALUE, 'resty pooled GET');
          await red.setKeepalive();
        }),
      ioredis: () => tasks(async () => check(await ioOff.get(KEY), VALUE, 'ioredis concurrent')),
      'ioredis+autopipe': () => tasks(async () => check(await ioOn.get(KEY), VALUE, 'ioredis auto concurrent')),
      'node-redis': () => tasks(async () => check(await nodeRedis.get(KEY), VALUE, 'node-redis concurrent')),
    },
  },
};

async function tasks(one) {
  await Promise.all(
    Array.from({ length: TASKS }, async () => {
      for (let i = 0; i < PER_TASK; i++) await one();
    }),
  );
}

// ---------------------------------------------------------------- run
const results = {};
for (const [name, { batch, clients }] of Object.entries(scenarios)) {
  results[name] = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [client, op] of Object.entries(clients)) {
      const r = await measure(op, { ms: MS, batch });
      const best = results[name][client];
      if (best === undefined || r.opsPerSec > best.opsPerSec) results[name][client] = r;
    }
  }
}

// ---------------------------------------------------------------- redis-benchmark
function redisBenchmark(test, { clients = 1, pipeline = 1, n }) {
  const args = ['-h', host, '-p', String(port), '-n', String(n), '-q', '-t', test, '-d', '100', '-c', String(clients), '-P', String(pipeline)];
  const cmd = pinned ? 'taskset' : 'redis-benchmark';
  const out = execFileSync(cmd, pinned ? ['-c', '0', 'redis-benchmark', ...args] : args, { encoding: 'utf8' });
  const m = /([\d.]+) requests per second/.exec(out.split('\r').pop() ?? out) ?? /([\d.]+) requests per second/.exec(out);
  if (!m) throw new Error(`cannot parse redis-benchmark output: ${out}`);
  return Number(m[1]);
}
const reference = {
  'serial GET 100 B': redisBenchmark('get', { n: 100_000 }),
  'serial SET 100 B': redisBenchmark('set', { n: 100_000 }),
  [`pipeline of ${PIPELINE} GETs`]: redisBenchmark('get', { pipeline: PIPELINE, n: 2_000_000 }),
  [`${TASKS} concurrent tasks, GET`]: redisBenchmark('get', { clients: TASKS, n: 400_000 }),
};

printTable(`Redis: resty-redis vs ioredis 6 / node-redis 6 (RESP2), ops/s, best of ${ROUNDS} × ${MS} ms`, results, 'resty-redis');

console.log('\n## As a percentage of redis-benchmark (same shape: -c 1 -P 1, -P 1000, -c 64)\n');
const clientNames = [...new Set(Object.values(results).flatMap((r) => Object.keys(r)))];
console.log(`| scenario | redis-benchmark ops/s | ${clientNames.join(' | ')} |`);
console.log(`| --- | --- | ${clientNames.map(() => '---').join(' | ')} |`);
for (const [name, row] of Object.entries(results)) {
  const ref = reference[name];
  const cells = clientNames.map((c) => (row[c] ? `${((100 * row[c].opsPerSec) / ref).toFixed(0)}%` : '-'));
  console.log(`| ${name} | ${Math.round(ref).toLocaleString('en-US')} | ${cells.join(' | ')} |`);
}

const ratio = (scenario, peer) => results[scenario]['resty-redis'].opsPerSec / results[scenario][peer].opsPerSec;
console.log('\n## Targets\n');
for (const [scenario, peer, target] of [
  ['serial GET 100 B', 'ioredis', 1.1],
  ['serial SET 100 B', 'ioredis', 1.1],
  [`pipeline of ${PIPELINE} GETs`, 'ioredis', 1.2],
]) {
  const r = ratio(scenario, peer);
  console.log(`- ${scenario}: ${r.toFixed(2)}× ${peer} (target ≥ ${target}×) ${r >= target ? 'met' : 'NOT met'}`);
}
console.log(`- ${TASKS} concurrent tasks: ${ratio(`${TASKS} concurrent tasks, GET`, 'ioredis+autopipe').toFixed(2)}× ioredis+autopipe (reported only)`);
console.log(`\n(server pinned to CPU 1, client to CPU 0: ${pinned ? 'yes' : 'no, taskset missing'})`);

await ours.close();
ioOff.disconnect();
ioOn.disconnect();
await nodeRedis.quit().catch(() => undefined);
await server.stop();
process.exit(0);
