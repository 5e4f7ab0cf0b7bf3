// Renders ReportData as a terminal report. Pure: data in, text out.
import type { ReportData } from './queries.ts';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
function num(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

export interface PlantedComparison {
  /** Planted anomalies in the analysed range. */
  planted: number;
  /** Anomaly points reported. */
  found: number;
  /** Planted anomalies with at least one reported point in their span. */
  matched: number;
  /** Reported points that fall in a planted anomaly's span (a planted anomaly spans minutes and series). */
  matchedFound: number;
}

export function formatReport(d: ReportData, planted?: PlantedComparison): string {
  const out: string[] = [];
  out.push(`CryptoCrawler report (since ${d.since})`, '');
  out.push('Social activity per topic');
  out.push(
    `  ${pad('topic', 12)}${pad('posts', 9)}${pad('pos', 8)}${pad('neg', 8)}${pad('neu', 8)}mean score`,
  );
  for (const t of d.topics)
    out.push(
      `  ${pad(t.topic, 12)}${pad(String(t.posts), 9)}${pad(String(t.pos), 8)}${pad(String(t.neg), 8)}${pad(String(t.neu), 8)}${num(t.meanScore, 3)}`,
    );
  if (d.topics.length === 0) out.push('  (no social rollups in range)');
  out.push('', 'Prices');
  for (const p of d.prices)
    out.push(
      `  ${pad(`${p.symbol}/${p.quote}`, 12)}${pad(num(p.first, 4), 14)}-> ${pad(num(p.last, 4), 14)}${p.changePct >= 0 ? '+' : ''}${num(p.changePct)} %`,
    );
  if (d.prices.length === 0) out.push('  (no prices in range)');
  out.push('', 'Latest rolling correlation (Pearson; social signal vs price log return)');
  const corr = [...d.correlations].sort((a, b) =>
    `${a.symbol}${a.signal}${a.window}`.localeCompare(`${b.symbol}${b.signal}${b.window}`),
  );
  for (const c of corr)
    out.push(
      `  ${pad(`${c.symbol} ~ ${c.topic}`, 22)}${pad(c.signal, 11)}${pad(c.window, 5)} r=${pad(num(c.r, 3), 7)} 95% CI [${num(c.ciLow, 3)}, ${num(c.ciHigh, 3)}]  n=${c.n}  p=${c.pValue.toExponential(1)}`,
    );
  if (corr.length === 0) out.push('  (no correlation results yet: analytics needs more data)');
  out.push('', 'Lead/lag (positive: social leads price)');
  for (const l of d.lags)
    out.push(
      `  ${pad(`${l.symbol} ~ ${l.topic}`, 22)}${pad(l.signal, 11)}lag ${pad(`${Math.round(l.lagSeconds / 60)} min`, 9)} r=${pad(num(l.r, 3), 7)}${l.significant ? 'significant' : 'not significant'}`,
    );
  if (d.lags.length === 0) out.push('  (no lag results yet)');
  out.push('', `Anomalies (${d.anomalies.length})`);
  for (const a of d.anomalies.slice(-15))
    out.push(`  ${a.time}  ${pad(a.series, 15)}${pad(a.target, 10)}${pad(a.direction, 5)}${a.text}`);
  if (d.anomalies.length > 15) out.push(`  ... and ${d.anomalies.length - 15} earlier`);
  if (planted)
    out.push(
      '',
      `Planted anomalies found: ${planted.matched} of ${planted.planted} (recall ${num(planted.planted ? planted.matched / planted.planted : 0)}), ` +
        `precision ${num(planted.found ? planted.matchedFound / planted.found : 0)} (${planted.matchedFound} of ${planted.found} reported points lie in a planted anomaly)`,
    );
  return `${out.join('\n')}\n`;
}
