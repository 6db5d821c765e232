// resty-memcached (text protocol) against memjs 1.3 (binary protocol) and memcached 2.2 (the
// 3rd-Eden text client), same machine, same server, same run; ratios printed.
// Run with `pnpm bench:memcached` (builds first). BENCH_MS / BENCH_ROUNDS shorten or lengthen it.
import { execFileSync } from 'node:child_process';
import MemcachedEden from 'memcached';
import memjs from 'memjs';
import { Memcached } from 'resty-memcached';
import { check, measure, printTable } from '../lib/measure.mjs';
import { hasTaskset, startServer } from '../lib/servers.mjs';

const MS = Number(process.env.BENCH_MS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SMALL = 'v'.repeat(100);
const LARGE = 'L'.repeat(16 * 1024);
const MULTI = 100;
const OURS = 'resty-memcached';

// The server gets core 1, this process core 0.
const pinned = hasTaskset();
if (pinned) execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const server = await startServer('memcached', { cpu: 1 });
const address = `${server.host}:${server.port}`;
// A failed check must not leave the server running (it is a child process, not detached).
process.on('uncaughtException', (error) => {
  console.error(error);
  server.stop().finally(() => process.exit(1));
});
process.on('unhandledRejection', (error) => {
  console.error(error);
  server.stop().finally(() => process.exit(1));
});

// ---------------------------------------------------------------- clients
const ours = new Memcached();
ours.setTimeout(10_000);
await ours.connect(server.host, server.port);

const mj = memjs.Client.create(address, { retries: 0, timeout: 10, logger: { log() {} } });
const eden = new MemcachedEden(address, { timeout: 10_000, retries: 0, poolSize: 1 });
const edenCall = (method, ...args) =>
  new Promise((resolve, reject) => eden[method](...args, (err, value) => (err ? reject(err) : resolve(value))));

const keys = Array.from({ length: MULTI }, (_, i) => `bench-multi-${i}`);
await ours.set('bench-small', SMALL);
await ours.set('bench-large', LARGE);
for (const key of keys) await ours.set(key, SMALL);

/** Scenario -> client -> op(). */
const scenarios = {
  'serial get 100 B': {
    'resty-memcached': async () => check((await ours.get('bench-small')).value, SMALL, 'ours get'),
    memjs: async () => check((await mj.get('bench-small')).value, SMALL, 'memjs get'),
    memcached: async () => check(await edenCall('get', 'bench-small'), SMALL, 'memcached get'),
  },
  'serial set 100 B': {
    'resty-memcached': async () => check(String(await ours.set('bench-small', SMALL)), 'true', 'ours set'),
    memjs: async () => check(String(await mj.set('bench-small', SMALL, { expires: 0 })), 'true', 'memjs set'),
    memcached: async () => check(String(await edenCall('set', 'bench-small', SMALL, 0)), 'true', 'memcached set'),
  },
  [`multi-get ${MULTI} keys (memjs: ${MULTI} gets at once)`]: {
    'resty-memcached': async () => {
      const r = await ours.get(keys);
      check(r[keys[MULTI - 1]].value, SMALL, 'ours multi-get');
    },
    memjs: async () => {
      const r = await Promise.all(keys.map((k) => mj.get(k)));
      check(r[MULTI - 1].value, SMALL, 'memjs gets');
    },
    memcached: async () => {
      const r = await edenCall('getMulti', keys);
      check(r[keys[MULTI - 1]], SMALL, 'memcached getMulti');
    },
  },
  'serial get 16 KiB': {
    'resty-memcached': async () => check((await ours.get('bench-large')).value, LARGE, 'ours get large'),
    memjs: async () => check((await mj.get('bench-large')).value, LARGE, 'memjs get large'),
    memcached: async () => check(await edenCall('get', 'bench-large'), LARGE, 'memcached get large'),
  },
  'serial set 16 KiB': {
    'resty-memcached': async () => check(String(await ours.set('bench-large', LARGE)), 'true', 'ours set large'),
    memjs: async () => check(String(await mj.set('bench-large', LARGE, { expires: 0 })), 'true', 'memjs set large'),
    memcached: async () => check(String(await edenCall('set', 'bench-large', LARGE, 0)), 'true', 'memcached set large'),
  },
};

/** The best of ROUNDS rounds per client; clients alternate within a round. */
const results = {};
for (const [scenario, clients] of Object.entries(scenarios)) {
  results[scenario] = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, op] of Object.entries(clients)) {
      const r = await measure(op, { ms: MS });
      const best = results[scenario][name];
      if (!best || r.opsPerSec > best.opsPerSec) results[scenario][name] = r;
    }
  }
}

console.log(`memcached ${address}, ${pinned ? 'server on CPU 1, client on CPU 0' : 'not pinned (no taskset)'}, best of ${ROUNDS} × ${MS} ms`);
printTable('memcached: ops/s (one op = one command; multi-get = all 100 keys)', results, OURS);

// Targets from the issue, against the faster peer where it says so.
const ratio = (scenario, peer) => results[scenario][OURS].opsPerSec / results[scenario][peer].opsPerSec;
const fasterPeer = (scenario) => Math.min(ratio(scenario, 'memjs'), ratio(scenario, 'memcached'));
const targets = [
  ['serial get 100 B vs the faster peer', fasterPeer('serial get 100 B'), 1.5],
  ['serial set 100 B vs the faster peer', fasterPeer('serial set 100 B'), 1.5],
  [`multi-get ${MULTI} keys vs memjs`, ratio(`multi-get ${MULTI} keys (memjs: ${MULTI} gets at once)`, 'memjs'), 3],
  ['get 16 KiB vs the faster peer', fasterPeer('serial get 16 KiB'), 1.2],
  ['set 16 KiB vs the faster peer', fasterPeer('serial set 16 KiB'), 1.2],
];
console.log('\n## targets\n');
for (const [what, got, want] of targets) {
  console.log(`- ${what}: ${got.toFixed(2)}× (target ≥ ${want}×) ${got >= want ? 'met' : 'NOT met'}`);
}

await ours.close();
mj.close();
eden.end();
await server.stop();
