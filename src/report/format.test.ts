import { describe, expect, it } from 'vitest';
import { correlationTables, formatReport } from './format.ts';
import type { CorrelationRow, LagRow, ReportData } from './queries.ts';
import { describeSince, fluxDurationSeconds, humanSpan } from './span.ts';

const NOW = Date.UTC(2026, 10, 28, 17, 12);

const corr = (topic: string, signal: string, window: string, r: number): CorrelationRow => ({
  symbol: 'BTC',
  topic,
  signal,
  window,
  r,
  n: 60,
  ciLow: r - 0.1,
  ciHigh: r + 0.1,
  pValue: 0.001,
});
const lag: LagRow = {
  symbol: 'BTC',
  topic: 'bitcoin',
  signal: 'volume',
  lagSeconds: 420,
  r: 0.6,
  significant: true,
};

describe('the report span', () => {
  it('reads Flux durations as a person would', () => {
    expect(fluxDurationSeconds('-259345s')).toBe(259_345);
    expect(fluxDurationSeconds('-1h30m')).toBe(5400);
    expect(fluxDurationSeconds('2026-11-01T00:00:00Z')).toBeUndefined();
    expect(humanSpan(259_345)).toBe('3 d 0 h 2 min');
    expect(humanSpan(5400)).toBe('1 h 30 min');
    expect(humanSpan(45)).toBe('45 s');
    expect(describeSince('-259345s', NOW)).toBe(
      'the last 3 d 0 h 2 min (2026-11-25 17:09 to 2026-11-28 17:12 UTC)',
    );
    expect(describeSince('2026-11-01T00:00:00Z', NOW)).toBe('since 2026-11-01 00:00 UTC');
  });
});

describe('correlation tables', () => {
  it('one table per coin: a row per signal, strongest first, a column per window, and the lag', () => {
    const lines = correlationTables(
      [
        corr('bitcoin', 'sentiment', '1h', 0.1),
        corr('bitcoin', 'volume', '24h', 0.55),
        corr('bitcoin', 'volume', '1h', 0.61),
        corr('bitcoin', 'sentiment', '6h', -0.2),
        corr('bitcoin', 'volume', '6h', 0.58),
      ],
      [lag],
    );
    const header = lines.findIndex((l) => l.includes('signal'));
    expect(lines[header - 1]).toBe('  BTC');
    expect(lines[header]).toMatch(/topic\s+signal\s+1h\s+6h\s+24h\s+lag/);
    expect(lines[header + 1]).toMatch(
      /bitcoin\s+volume\s+0\.61 \[0\.51, 0\.71\]\s+0\.58 .*0\.55 .*7 min \(r 0\.60\)/,
    );
    expect(lines[header + 2]).toMatch(/bitcoin\s+sentiment\s+0\.10 .*-0\.20 .*-\s+-$/);
    expect(lines).toHaveLength(header + 3);
  });

  it('says so when analytics has produced nothing yet', () => {
    expect(correlationTables([], []).join('\n')).toContain('no correlation results yet');
  });
});

describe('formatReport', () => {
  it('titles the report with the span and keeps the planted comparison line', () => {
    const d: ReportData = {
      since: '-259345s',
      topics: [{ topic: 'bitcoin', posts: 10, pos: 5, neg: 2, neu: 3, meanScore: 0.2 }],
      prices: [],
      correlations: [corr('bitcoin', 'volume', '1h', 0.6)],
      lags: [lag],
      anomalies: [],
    };
    const text = formatReport(d, { planted: 4, found: 5, matched: 4, matchedFound: 5 }, NOW);
    expect(text.split('\n')[0]).toBe(
      'CryptoCrawler report: the last 3 d 0 h 2 min (2026-11-25 17:09 to 2026-11-28 17:12 UTC)',
    );
    expect(text).toContain('Planted anomalies found: 4 of 4 (recall 1.00), precision 1.00');
    expect(text).not.toContain('since -');
  });
});
