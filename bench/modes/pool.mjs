// Pool load and cost (issue 3), `node bench/run.mjs --pool`:
//  1. 10,000 concurrent tasks through one pool of 30 with a backlog of 10,000: all complete,
//     at most 30 sockets open at once (the server's own count), heap back within 10%.
//  2. connect-from-pool + setKeepalive vs a fresh loopback connect + close: target >= 20x.
// The peer is bench/peers/counting-server.mjs in its own process, pinned to CPU 1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { closeAllPools, poolStats, tcp } from 'cosocket';
import { hasTaskset } from '../lib/servers.mjs';
import { SERVER_CPU } from '../lib/suites.mjs';

/** A full collection on demand for the heap figures, without needing `node --expose-gc`. */
function collector() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

/** quick: fewer and shorter rounds of the connect comparison (the load part is unchanged). */
export async function runPool({ quick = false } = {}) {
  const script = new URL('../peers/counting-server.mjs', import.meta.url).pathname;
  const child = hasTaskset()
    ? spawn('taskset', ['-c', String(SERVER_CPU), process.execPath, script], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => child.kill('SIGKILL'));
  const port = Number(String((await once(child.stdout, 'data'))[0]).trim());

  async function ask(line) {
    const s = tcp();
    await s.connect('127.0.0.1', port, { pool: 'admin' });
    await s.send(`${line}\n`);
    const reply = (await s.receive()).toString();
    await s.close();
    return reply;
  }

  const gc = collector();
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };

  // --- 1. load ---
  const TASKS = 10_000;
  const opts = { pool: 'load', poolSize: 30, backlog: 10_000 };
  async function task() {
    const s = tcp();
    s.setTimeout(60_000);
    await s.connect('127.0.0.1', port, opts);
    await s.send('PING\n');
    const reply = (await s.receive()).toString();
    if (reply !== 'PONG') throw new Error(`bad reply ${reply}`);
    await s.setKeepalive();
  }
  // One warm-up pass so module and JIT state count in the baseline, not in the difference.
  await Promise.all(Array.from({ length: 100 }, task));
  closeAllPools();
  await ask('RESET');
  const heapBefore = heap();
  const started = performance.now();
  // Only counts leave this function, so the 10,000 settled results are garbage by the heap check.
  const { failures, sample } = await (async () => {
    const rejected = (await Promise.allSettled(Array.from({ length: TASKS }, task))).filter((o) => o.status === 'rejected');
    return { failures: rejected.length, sample: rejected.slice(0, 3).map((o) => String(o.reason)) };
  })();
  const elapsed = performance.now() - started;
  const stats = JSON.parse(await ask('STATS'));
  const statsLoad = poolStats().load;
  closeAllPools();
  await new Promise((r) => setTimeout(r, 100));
  const heapAfter = heap();
  console.log('\n## Pool under load: 10,000 concurrent tasks, pool of 30, backlog 10,000\n');
  console.log('| figure | value | target |');
  console.log('| --- | --- | --- |');
  console.log(`| tasks completed | ${TASKS - failures} / ${TASKS} | all |`);
  console.log(`| peak server-side connections (pool "load" + 1 admin) | ${stats.peak} | ≤ 31 |`);
  console.log(`| connections the server accepted | ${stats.accepted} | |`);
  console.log(`| pool stats after | created ${statsLoad.created}, reused ${statsLoad.reused} | |`);
  console.log(`| wall time | ${elapsed.toFixed(0)} ms (${Math.round(TASKS / (elapsed / 1000)).toLocaleString('en-US')} tasks/s) | |`);
  console.log(
    `| heap before → after | ${(heapBefore / 1e6).toFixed(2)} MB → ${(heapAfter / 1e6).toFixed(2)} MB (${(((heapAfter - heapBefore) / heapBefore) * 100).toFixed(1)}%) | within 10% |`,
  );
  if (failures > 0) console.log(`failures (first 3): ${sample.join('; ')}`);

  // --- 2. pooled vs fresh connect ---
  async function timeIt(n, op) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await op();
    return n / ((performance.now() - t0) / 1000);
  }
  const pooledOp = async () => {
    const s = tcp();
    await s.connect('127.0.0.1', port, { pool: 'cost' });
    await s.setKeepalive();
  };
  const freshOp = async () => {
    const s = tcp();
    await s.connect('127.0.0.1', port);
    await s.close();
  };
  await timeIt(2000, pooledOp);
  await timeIt(500, freshOp);
  const rounds = quick ? 3 : 5;
  const ratios = [];
  for (let round = 0; round < rounds; round++) {
    const pooled = await timeIt(quick ? 5_000 : 20_000, pooledOp);
    const fresh = await timeIt(quick ? 500 : 2_000, freshOp);
    ratios.push({ pooled, fresh, ratio: pooled / fresh });
  }
  ratios.sort((a, b) => a.ratio - b.ratio);
  const med = ratios[rounds >> 1];
  console.log(`\n## connect from the pool + setKeepalive vs fresh loopback connect + close (${rounds} rounds)\n`);
  console.log('| pooled ops/s (median round) | fresh ops/s | ratio median | ratio min–max | target |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| ${Math.round(med.pooled).toLocaleString('en-US')} | ${Math.round(med.fresh).toLocaleString('en-US')} | ${med.ratio.toFixed(1)}× | ${ratios[0].ratio.toFixed(1)}×–${ratios[rounds - 1].ratio.toFixed(1)}× | ≥ 20× ${med.ratio >= 20 ? 'met' : 'MISSED'} |`,
  );
  closeAllPools();
  child.kill();
  return failures === 0 ? 0 : 1;
}
