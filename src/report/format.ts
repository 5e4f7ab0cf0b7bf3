// Renders ReportData as a terminal report. Pure: data in, text out.
import type { CorrelationRow, LagRow, ReportData } from './queries.ts';
import { describeSince } from './span.ts';

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

export function formatReport(d: ReportData, planted?: PlantedComparison, nowMs = Date.now()): string {
  const out: string[] = [];
  out.push(`CryptoCrawler report: ${describeSince(d.since, nowMs)}`, '');
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
  out.push('', ...correlationTables(d.correlations, d.lags));
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

/** The strongest |r| of a (topic, signal) row over its windows: rows are ordered by it. */
function strength(rows: CorrelationRow[]): number {
  return Math.max(0, ...rows.map((c) => (Number.isFinite(c.r) ? Math.abs(c.r) : 0)));
}

/**
 * One compact table per coin: a row per social signal (strongest correlation first), a column per
 * window with r and its 95 % interval, and the lead/lag of that signal.
 */
export function correlationTables(corr: CorrelationRow[], lags: LagRow[]): string[] {
  const out: string[] = [
    'Correlation with the price log return (Pearson r [95 % CI]; lag > 0: social leads)',
  ];
  if (corr.length === 0 && lags.length === 0) {
    out.push('  (no correlation results yet: analytics needs more data)');
    return out;
  }
  const windowOrder = (w: string): number => {
    const m = /^(\d+)([mhd])$/.exec(w);
    return m ? Number(m[1]) * ({ m: 1, h: 60, d: 1440 }[m[2] as 'm' | 'h' | 'd'] ?? 1) : Infinity;
  };
  const windows = [...new Set(corr.map((c) => c.window))].sort((a, b) => windowOrder(a) - windowOrder(b));
  const symbols = [...new Set([...corr.map((c) => c.symbol), ...lags.map((l) => l.symbol)])].sort();
  const cell = 24;
  for (const symbol of symbols) {
    const rows = new Map<string, { topic: string; signal: string; corr: CorrelationRow[]; lag?: LagRow }>();
    const row = (topic: string, signal: string) => {
      const key = `${topic}\u0000${signal}`;
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { topic, signal, corr: [] }));
      return r;
    };
    for (const c of corr) if (c.symbol === symbol) row(c.topic, c.signal).corr.push(c);
    for (const l of lags) if (l.symbol === symbol) row(l.topic, l.signal).lag = l;
    const ordered = [...rows.values()].sort((a, b) => strength(b.corr) - strength(a.corr));
    out.push(
      '',
      `  ${symbol}`,
      `    ${pad('topic', 12)}${pad('signal', 11)}${windows.map((w) => pad(w, cell)).join('')}lag`,
    );
    for (const r of ordered) {
      const cells = windows.map((w) => {
        const c = r.corr.find((x) => x.window === w);
        return pad(c ? `${num(c.r, 2)} [${num(c.ciLow, 2)}, ${num(c.ciHigh, 2)}]` : '-', cell);
      });
      const lag = r.lag
        ? `${Math.round(r.lag.lagSeconds / 60)} min (r ${num(r.lag.r, 2)}${r.lag.significant ? '' : ', n.s.'})`
        : '-';
      out.push(`    ${pad(r.topic, 12)}${pad(r.signal, 11)}${cells.join('')}${lag}`);
    }
  }
  return out;
}
