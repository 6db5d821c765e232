// The Markdown report: environment, method, one table per suite, targets.
import { describeTarget, evaluate, roundsWithReference } from './targets.mjs';
import { medianOf, ratio } from './stats.mjs';

const num = (n) => (n === null || n === undefined ? '–' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const cell = (r) => (r === null ? '–' : `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})`);

const pct = (x) => (x === null || x === undefined ? '–' : `${Math.round(x * 100)}%`);

/**
 * The headline: one line per target, with the same run's evidence beside it: the raw-socket
 * ceiling against the same peer (where the target has one) and how busy the server was.
 */
export function headline(report) {
  const lines = [
    '| target | measured (median, min–max over rounds) | worst peer | raw-socket ceiling ÷ that peer | server busy | verdict |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const t of evaluate(report)) {
    const value = t.value === null ? 'not measured' : `${t.value.toFixed(2)}× (${t.range[0].toFixed(2)}–${t.range[1].toFixed(2)})`;
    const verdict = t.value === null ? '–' : t.met ? 'met' : `**MISSED**${t.why ? ` (${t.why})` : ''}`;
    lines.push(
      `| ${describeTarget(t)} | ${value} | ${t.against ?? '–'} | ${t.ceiling ? cell(t.ceiling) : '–'} | ${pct(t.serverBusy)} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

/** One suite's tables: ours against each peer, the peers' own figures, options, errors. */
export function suiteTable(name, suite, config) {
  const out = [`## ${name}`, ''];
  const peerCols = config.peers.flatMap((p) => [
    ...(p.ceiling ? [{ label: `vs ${p.name}`, variant: p.defaults }] : []),
    ...(p.defaults && !p.ceiling ? [{ label: `vs ${p.name} (defaults)`, variant: p.defaults }] : []),
    ...(p.equalized ? [{ label: `vs ${p.name} (equalized)`, variant: p.equalized }] : []),
  ]);
  const bench = suite.benchmark !== undefined;
  const header = [
    'scenario',
    'client',
    'ops/s',
    'CPU µs/op',
    'peak RSS MB',
    'server busy',
    ...peerCols.map((c) => c.label),
    ...(bench ? ['% of redis-benchmark'] : []),
  ];
  out.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
  for (const scenario of Object.keys(suite.scenarios)) {
    const rounds = roundsWithReference(suite, scenario);
    for (const ours of config.ours) {
      if (medianOf(rounds, ours, 'opsPerSec') === null) continue;
      const cells = [
        scenario,
        `**${ours}**`,
        num(medianOf(rounds, ours, 'opsPerSec')),
        num(medianOf(rounds, ours, 'cpuUsPerOp')),
        num(medianOf(rounds, ours, 'maxRssMB')),
        pct(medianOf(rounds, ours, 'serverBusy')),
      ];
      for (const c of peerCols) cells.push(cell(ratio(rounds, ours, c.variant)));
      if (bench) {
        const r = ratio(rounds, ours, 'redis-benchmark');
        cells.push(r === null ? '–' : `${Math.round(r.median * 100)}% (${Math.round(r.min * 100)}–${Math.round(r.max * 100)})`);
      }
      out.push(`| ${cells.join(' | ')} |`);
    }
  }
  out.push('', 'Peers, medians over rounds (ops/s; client CPU µs/op; peak RSS MB; server busy):', '');
  const variants = Object.keys(suite.variants).filter((v) => !config.ours.includes(v));
  out.push(
    `| scenario | ${variants.join(' | ')}${bench ? ' | redis-benchmark' : ''} |`,
    `| --- | ${variants.map(() => '---').join(' | ')}${bench ? ' | ---' : ''} |`,
  );
  for (const scenario of Object.keys(suite.scenarios)) {
    const rounds = roundsWithReference(suite, scenario);
    const cells = variants.map((v) => {
      const ops = medianOf(rounds, v, 'opsPerSec');
      return ops === null
        ? '–'
        : `${num(ops)}; ${num(medianOf(rounds, v, 'cpuUsPerOp'))}; ${num(medianOf(rounds, v, 'maxRssMB'))}; ${pct(medianOf(rounds, v, 'serverBusy'))}`;
    });
    if (bench) cells.push(num(medianOf(rounds, 'redis-benchmark', 'opsPerSec')));
    out.push(`| ${scenario} | ${cells.join(' | ')} |`);
  }
  out.push('', 'Effective options:', '');
  for (const [v, info] of Object.entries(suite.variants)) out.push(`- **${v}** ${info.version ?? ''}: \`${JSON.stringify(info.options)}\``);
  if (suite.errors.length > 0) {
    out.push('', '**Errors (the run is void where they apply):**', '');
    for (const e of suite.errors) out.push(`- round ${e.round}, ${e.variant}: ${e.error.split('\n')[0]}`);
  }
  out.push('');
  return out.join('\n');
}

/** Suites that ran a different number of rounds than the method's (the cosocket suite). */
function roundsNote(report) {
  const other = Object.entries(report.suites).filter(([, s]) => s.rounds !== undefined && s.rounds !== report.method.rounds);
  return other.length === 0 ? 'every suite' : `${other.map(([n, s]) => `${n}: ${s.rounds}`).join(', ')}, short rounds`;
}

export function markdown(report, configs) {
  const e = report.environment;
  const m = report.method;
  const out = [
    `# Benchmark report ${report.date} (${report.mode} mode)`,
    '',
    `Machine: ${e.cpu}, ${e.cores} cores, ${e.memoryGB} GB, ${e.kernel}; Node ${e.node}; git ${e.gitSha}.`,
    `Servers: ${e.servers.redis}; ${e.servers.memcached}; FerretDB ${e.servers.ferretdb}.`,
    `Load average at start: ${e.loadAverageAtStart.map((x) => x.toFixed(2)).join(', ')} (other work was running on this machine; ratios are taken within each round).`,
    '',
    `Method: each client variant runs in its own process (${m.pinned ? 'client pinned to CPU 0, servers and peers to CPU 1 with taskset' : 'not pinned: taskset unavailable'}); ` +
      `${m.rounds} rounds (${roundsNote(report)}) with the variants' order rotated each round (A B C, C A B, B C A, ...); per scenario ${m.warmupMs} ms of warm-up (discarded) then ${m.ms} ms measured; ` +
      'every reply checked (a mismatch voids the run); ratios are ours ÷ peer within a round, reported as the median with min–max over rounds. ' +
      "CPU µs/op is the client process's user+system CPU (process.cpuUsage) per operation; peak RSS is the client process's maxRSS after the scenario (cumulative within the process). " +
      "Server busy is the server process's CPU time (/proc/<pid>/stat, all threads) over the measured period ÷ its length: 100% = its one core saturated. " +
      '"raw socket" is not a client but the ceiling of one: a net.Socket that writes fixed request bytes and waits for the exact reply bytes (bench/lib/raw-exchange.mjs); for the small serial exchanges of the targets, a ratio to a peer above "raw socket ÷ peer" cannot come from client work (on replies of 16 KiB and more it has measured below the clients, see bench/README.md).',
    '',
    '## Targets',
    '',
    headline(report),
    '',
    '![ratios](' + report.chart + ')',
    '',
  ];
  for (const [name, suite] of Object.entries(report.suites)) out.push(suiteTable(name, suite, configs[name]));
  return out.join('\n');
}
