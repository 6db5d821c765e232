// A hand-written SVG bar chart of the median ratios (ours ÷ peer, equalized column where a
// peer has one), with min–max whiskers and a line at 1.0.
import { ratio } from './stats.mjs';
import { roundsWithReference } from './targets.mjs';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function svgChart(report, configs) {
  const rows = [];
  for (const [name, suite] of Object.entries(report.suites)) {
    const config = configs[name];
    for (const scenario of Object.keys(suite.scenarios)) {
      const rounds = roundsWithReference(suite, scenario);
      for (const ours of config.ours) {
        for (const p of config.peers) {
          if (p.ceiling) continue;
          const variant = p.equalized ?? p.defaults;
          const r = ratio(rounds, ours, variant);
          if (r !== null) rows.push({ label: `${name} · ${scenario} · ${ours} vs ${variant}`, r });
        }
      }
    }
  }
  const maxX = Math.min(8, Math.max(2, ...rows.map((x) => x.r.max)));
  const labelW = 430;
  const plotW = 520;
  const rowH = 16;
  const top = 30;
  const height = top + rows.length * rowH + 30;
  const x = (v) => labelW + (Math.min(v, maxX) / maxX) * plotW;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 60}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${esc(`Median ratio ours ÷ peer (min–max whiskers), ${report.date}, ${report.mode} mode`)}</text>`,
  ];
  for (let t = 0; t <= maxX; t += maxX > 4 ? 1 : 0.5) {
    parts.push(
      `<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${height - 24}" stroke="${t === 1 ? '#000' : '#ddd'}" stroke-width="${t === 1 ? 1.5 : 1}"/>`,
    );
    parts.push(`<text x="${x(t)}" y="${height - 10}" text-anchor="middle">${t}×</text>`);
  }
  rows.forEach(({ label, r }, i) => {
    const y = top + i * rowH;
    const color = r.median >= 1 ? '#2e7d32' : '#c62828';
    parts.push(`<text x="${labelW - 6}" y="${y + 11}" text-anchor="end">${esc(label)}</text>`);
    parts.push(`<rect x="${labelW}" y="${y + 3}" width="${Math.max(1, x(r.median) - labelW)}" height="${rowH - 6}" fill="${color}" opacity="0.75"/>`);
    parts.push(`<line x1="${x(r.min)}" y1="${y + rowH / 2}" x2="${x(r.max)}" y2="${y + rowH / 2}" stroke="#333"/>`);
    parts.push(`<text x="${Math.min(x(r.max), labelW + plotW) + 4}" y="${y + 11}">${r.median.toFixed(2)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
