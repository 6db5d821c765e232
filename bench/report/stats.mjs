// Per-round ratios: each ratio is taken within one round (same minute, same noise), then the
// median and min–max over rounds are reported.
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** rounds: [{ variant: { opsPerSec, ... } }] -> { median, min, max, n } of a/b per round. */
export function ratio(rounds, a, b, field = 'opsPerSec') {
  const rs = rounds.filter((r) => r[a] && r[b]).map((r) => r[a][field] / r[b][field]);
  if (rs.length === 0) return null;
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs), n: rs.length };
}

export function medianOf(rounds, variant, field) {
  const xs = rounds.filter((r) => r[variant]).map((r) => r[variant][field]);
  return xs.length ? median(xs) : null;
}
