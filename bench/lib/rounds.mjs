// Reports interleaved rounds: per scenario the median of each variant, and the median ratio
// of `ours` to `peer` with its min–max over rounds (each ratio taken within one round).
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function roundsTable(title, results, ours, peer, targets = {}) {
  const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  console.log(`\n## ${title}\n`);
  console.log(`| scenario | ${peer} (median) | ${ours} (median) | ratio median | ratio min–max | target |`);
  console.log('| --- | --- | --- | --- | --- | --- |');
  const summary = {};
  for (const [name, rounds] of Object.entries(results)) {
    const ratios = rounds.map((r) => r[ours] / r[peer]);
    const target = targets[name];
    const med = median(ratios);
    summary[name] = { ratio: med, min: Math.min(...ratios), max: Math.max(...ratios), target };
    const verdict = target === undefined ? '' : `≥ ${target.toFixed(2)} ${med >= target ? 'met' : 'MISSED'}`;
    console.log(`| ${name} | ${fmt(median(rounds.map((r) => r[peer])))} | ${fmt(median(rounds.map((r) => r[ours])))} | ${med.toFixed(3)} | ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)} | ${verdict} |`);
  }
  return summary;
}
