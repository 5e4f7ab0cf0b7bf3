import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.ts';
import { parseSeriesCsv } from './series-csv.ts';
import { runStreamingAnomalies } from './streaming-anomalies.ts';

/** A 1-minute series over four days with a daily cycle, bursts, a level shift, a gap and a zero run. */
function csvLines(seed: number, n = 5760): string[] {
  const random = mulberry32(seed);
  const t0 = Date.UTC(2026, 2, 1);
  const lines = ['timestamp,value'];
  let shift = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && random() < 0.0005) shift += 30 * (random() - 0.3);
    let v = 50 + shift + 15 * Math.sin((2 * Math.PI * i) / 1440) + 4 * random();
    if (random() < 0.002) v += 60 * random();
    if (i >= 3000 && i < 3090) v = 0;
    if (i >= 2000 && i < 2030) continue; // rows missing
    const ts = new Date(t0 + i * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${ts},${random() < 0.001 ? '' : v.toFixed(3)}`);
  }
  return lines;
}

describe('runStreamingAnomalies', () => {
  it('flags up to any cut point are the same whether the file ends there or goes on (causality)', () => {
    const lines = csvLines(7);
    const whole = runStreamingAnomalies(parseSeriesCsv(lines.join('\n')));
    expect(whole.length).toBeGreaterThan(3);
    const random = mulberry32(99);
    for (let trial = 0; trial < 25; trial++) {
      const cut = 2 + Math.floor(random() * (lines.length - 2));
      const head = lines.slice(0, cut);
      const last = head[head.length - 1]?.split(',')[0] as string;
      const truncated = runStreamingAnomalies(parseSeriesCsv(head.join('\n')));
      expect(truncated, `cut at line ${cut}`).toEqual(whole.filter((r) => r.timestamp <= last));
    }
  });

  it('reports timestamps as in the file, finite scores in [0, 1] and a kind per flag', () => {
    const lines = csvLines(11);
    const stamps = new Set(lines.slice(1).map((l) => l.split(',')[0]));
    for (const row of runStreamingAnomalies(parseSeriesCsv(lines.join('\n')))) {
      expect(stamps.has(row.timestamp)).toBe(true);
      expect(row.score).toBeGreaterThanOrEqual(0);
      expect(row.score).toBeLessThanOrEqual(1);
      expect(row.kind).not.toBeNull();
      expect(Number.isFinite(row.value)).toBe(true);
    }
  });
});
