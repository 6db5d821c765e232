// Summarizes a V8 .cpuprofile (node --cpu-prof) as text: total sampled time, then the top
// functions by self time (name, file:line, self ms and %), and self time per file.
// Used by the profiler (--prof); any profile: node bench/run.mjs --summarize <file.cpuprofile> [--top 25]
import { readFileSync } from 'node:fs';

export function summarize(path, top = 25) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Sample counts per node, weighted by the time deltas that follow each sample.
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
  }
  const fns = new Map();
  const files = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { callFrame: cf } = byId.get(id);
    const file = shortFile(cf.url);
    const key = `${cf.functionName || '(anonymous)'} ${file}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const fileKey = file || cf.functionName;
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
    total += us;
  }
  const idle = fns.get('(idle) ') ?? 0;
  const busy = total - idle;
  const lines = [
    `sampled ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms (percentages are of busy time)`,
    '',
  ];
  lines.push('top functions by self time:');
  const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  for (const [key, us] of [...fns]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    lines.push(`${pct(us)} ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
  }
  lines.push('', 'self time by file:');
  for (const [file, us] of [...files]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)) {
    lines.push(`${pct(us)} ${(us / 1000).toFixed(1).padStart(8)} ms  ${file}`);
  }
  return lines.join('\n');
}

/** node_modules/.pnpm/x@1/node_modules/x/lib/a.js -> x/lib/a.js; workspace dist paths kept short. */
function shortFile(url) {
  if (!url) return '';
  let s = url.replace(/^file:\/\//, '');
  const nm = s.lastIndexOf('node_modules/');
  if (nm !== -1) return s.slice(nm + 'node_modules/'.length);
  const pk = s.indexOf('/packages/');
  if (pk !== -1) return s.slice(pk + 1);
  return s;
}
