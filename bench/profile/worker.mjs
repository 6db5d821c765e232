// One measured run of one (target, variant) in its own process, started by bench/profile/run.mjs.
// argv: target variant host port ops [profileFile]. Prints one JSON line: CPU and wall µs per op.
// With profileFile, the measured loop (not start-up, not warm-up) is recorded by V8's CPU
// profiler — the one `node --cpu-prof` uses, same .cpuprofile format — through node:inspector.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { TARGETS, useBaseline } from './clients.mjs';

const [target, variant, host, port, opsArg, profileFile] = process.argv.slice(2);
const spec = TARGETS[target];
if (variant === 'base') useBaseline(process.env.PROFILE_BASELINE);
const make = spec?.variants[variant === 'base' ? 'ours' : variant];
if (make === undefined) throw new Error(`unknown target/variant ${target}/${variant}`);
const ops = Number(opsArg) || spec.ops;
const unit = spec.unit ?? 1;

const client = await make({ host, port: Number(port) });
// Warm-up (JIT, connection, server caches), discarded.
const warm = Math.max(2, Math.ceil(ops / 4));
for (let i = 0; i < warm; i++) await client.op();
let session = null;
if (profileFile) {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < ops; i++) await client.op();
const wallUs = (performance.now() - t0) * 1000;
const cpu = process.cpuUsage(cpu0);
if (session !== null) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
  session.disconnect();
}
await client.close();
const n = ops * unit;
console.log(JSON.stringify({ target, variant, ops: n, cpuUsPerOp: (cpu.user + cpu.system) / n, userUsPerOp: cpu.user / n, sysUsPerOp: cpu.system / n, wallUsPerOp: wallUs / n }));
