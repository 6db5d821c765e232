// The suites of the report and what each one talks to: one definition, used by the report
// (bench/modes/report.mjs) and the profiler (bench/modes/profile.mjs).
import { startServer } from './servers.mjs';
import { startSender } from './orchestrate.mjs';

/** The client runs on this core, servers and peer processes on the other (taskset). */
export const CLIENT_CPU = 0;
export const SERVER_CPU = 1;

export const SUITES = ['cosocket', 'redis', 'memcached', 'mongo'];

/**
 * Rounds per suite. A round of the cosocket suite takes ~12 s, so a burst of load from outside
 * this VM (it shows up only as the same work costing up to 3× the CPU) can sit on one variant
 * of several rounds; three times the rounds keep its median out of reach of such bursts.
 */
export const ROUND_FACTOR = { cosocket: 3 };

/** Which variants are ours, and each peer's defaults / equalized variant. */
export const CONFIGS = {
  cosocket: { ours: ['cosocket'], peers: [{ name: 'raw net.Socket', defaults: 'raw' }] },
  redis: {
    ours: ['resty-redis', 'resty-redis mux', 'resty-redis client', 'resty-redis client leased'],
    peers: [
      { name: 'raw socket', defaults: 'raw socket', ceiling: true },
      { name: 'ioredis', defaults: 'ioredis', equalized: 'ioredis eq' },
      { name: 'ioredis autopipelining', equalized: 'ioredis auto' },
      { name: 'node-redis', defaults: 'node-redis', equalized: 'node-redis eq' },
    ],
  },
  memcached: {
    ours: ['resty-memcached', 'resty-memcached mux', 'resty-memcached client', 'resty-memcached client leased'],
    peers: [
      { name: 'raw socket', defaults: 'raw socket', ceiling: true },
      { name: 'memjs', defaults: 'memjs', equalized: 'memjs eq' },
      { name: 'memcached (3rd-Eden)', defaults: 'memcached', equalized: 'memcached eq' },
    ],
  },
  mongo: { ours: ['resty-mongo', 'resty-mongo client'], peers: [{ name: 'mongodb', defaults: 'mongodb', equalized: 'mongodb eq' }] },
};

/** A suite's scenario module (SCENARIOS, VARIANTS, seed) and the path its children run. */
export async function loadSuite(name) {
  if (!SUITES.includes(name)) throw new Error(`unknown suite ${name} (suites: ${SUITES.join(', ')})`);
  const url = new URL(`../scenarios/${name}.mjs`, import.meta.url);
  return { name, module: await import(url.href), script: url.pathname };
}

/** Starts what a suite talks to, seeded; returns { server (passed to children), stop }. */
export async function startSuite({ name, module }, pinned) {
  if (name === 'cosocket') {
    const senders = await Promise.all(['bytes', 'lines', 'echo'].map((m) => startSender(m, SERVER_CPU, pinned)));
    return {
      server: { ports: { bytes: senders[0].port, lines: senders[1].port, echo: senders[2].port } },
      stop: async () => senders.forEach((s) => s.stop()),
    };
  }
  const srv = await startServer(name, { cpu: SERVER_CPU });
  // The pid lets each child read the server's CPU time around its measurements.
  const server = { host: srv.host, port: srv.port, pid: srv.pid };
  await module.seed(server);
  return { server, stop: () => srv.stop() };
}
