// The side of a benchmark that runs in a child process: one client variant, every scenario
// of one suite, figures sent to the orchestrator (bench/run.mjs) over IPC.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { measure, measureCount, processCpuReader } from './measure.mjs';

/**
 * The child's arguments: JSON in argv[2]: { variant, server, scenarios, cpu } and either
 * { ms, warmupMs } (the report: time-bounded) or { ops, profileFile? } (the profiler: a fixed
 * number of operations, optionally under V8's CPU profiler).
 */
export function childArgs() {
  return JSON.parse(process.argv[2]);
}

/** Pins this process to `cpu` with taskset when possible; returns whether it did. */
export function pinSelf(cpu) {
  if (cpu === undefined || cpu === null) return false;
  try {
    execFileSync('taskset', ['-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function send(message) {
  return new Promise((resolve) => (process.send ? process.send(message, resolve) : (console.log(JSON.stringify(message)), resolve())));
}

/**
 * Runs the scenarios the orchestrator asked for with one variant.
 * `variant` = { options, version, setup(server) -> client, teardown(client) };
 * `scenarios` = { name: (client, server) -> { op, batch, before? } | null } (null: not supported).
 * A reply mismatch (check() throws) ends the child with an error: the run is void.
 */
export async function runChild(variants, scenarios) {
  const args = childArgs();
  const pinned = pinSelf(args.cpu);
  const variant = variants[args.variant];
  if (variant === undefined) throw new Error(`unknown variant ${args.variant}`);
  try {
    const client = await variant.setup(args.server);
    const serverCpuUs = processCpuReader(args.server.pid) ?? undefined;
    for (const name of args.scenarios) {
      const make = scenarios[name];
      if (make === undefined) throw new Error(`unknown scenario ${name}`);
      const spec = await make(client, args.server);
      if (spec === null) continue;
      if (spec.before) await spec.before();
      let r;
      if (args.ops) {
        const around = args.profileFile ? cpuProfiler(args.profileFile) : undefined;
        r = await measureCount(spec.op, { ops: args.ops, batch: spec.batch, around });
      } else {
        // The first scenario also warms the process up (JIT, connection): a longer warm-up.
        const warmupMs = name === args.scenarios[0] ? args.warmupMs * 4 : args.warmupMs;
        r = await measure(spec.op, { ms: args.ms, warmupMs, batch: spec.batch, serverCpuUs });
      }
      if (spec.after) await spec.after();
      await send({ type: 'result', scenario: name, ...r, maxRssMB: process.resourceUsage().maxRSS / 1024 });
    }
    await variant.teardown(client);
    await send({ type: 'done', pinned, options: variant.options, version: variant.version });
    process.exit(0);
  } catch (error) {
    await send({ type: 'error', message: String(error?.stack ?? error) });
    process.exit(1);
  }
}

/**
 * V8's CPU profiler (the one `node --cpu-prof` uses, same .cpuprofile format) through
 * node:inspector, so that only the measured loop is in the profile, not start-up or warm-up.
 */
function cpuProfiler(file) {
  let session;
  return {
    async start() {
      const { Session } = await import('node:inspector/promises');
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    },
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** A package's version from its package.json, resolved from the bench directory. */
export async function versionOf(pkg) {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  try {
    return require(`${pkg}/package.json`).version;
  } catch {
    const { readFileSync } = await import('node:fs');
    const { dirname, join } = await import('node:path');
    let dir = dirname(require.resolve(pkg));
    for (let i = 0; i < 5; i++) {
      try {
        const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        if (json.name === pkg) return json.version;
      } catch {
        // keep climbing
      }
      dir = dirname(dir);
    }
    return 'unknown';
  }
}
