import { describe, expect, it } from 'vitest';
import { runCorrelate } from './correlate.ts';
import { parseSeriesCsv } from './series-csv.ts';

/** Deterministic noise in [-0.5, 0.5). */
function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
}

const START = Date.UTC(2024, 4, 1);
const MINUTE = 60_000;

function plantedPair(lead: number, length = 600) {
  const next = noise(42);
  const social = Array.from({ length }, () => next());
  // price at minute u follows social at minute u - lead: social leads by `lead` minutes
  const price = social.map(
    (_, u) => 60000 + (u >= lead ? 0.8 * (social[u - lead] as number) : 0) + 0.4 * next(),
  );
  // social: ISO with a header; price: epoch seconds without header, starting 5 minutes later, 3 rows missing
  const socialCsv = [
    'time,posts',
    ...social.map((v, u) => `${new Date(START + u * MINUTE).toISOString()},${v}`),
  ];
  const priceCsv = price
    .map((v, u) => ({ v, u }))
    .filter(({ u }) => u >= 5 && u !== 100 && u !== 101 && u !== 300)
    .map(({ v, u }) => `${(START + u * MINUTE) / 1000},${v}`);
  return { socialCsv: socialCsv.join('\n'), priceCsv: priceCsv.join('\n') };
}

describe('runCorrelate', () => {
  it('recovers a planted lead of social over price as a positive lag, with Granger agreeing', () => {
    const { socialCsv, priceCsv } = plantedPair(3);
    const out = runCorrelate(parseSeriesCsv(socialCsv), parseSeriesCsv(priceCsv), {
      maxLag: 10,
      grangerLag: 4,
    });
    expect(out.stepMs).toBe(MINUTE);
    expect(out.bestLag).toBe(3);
    expect(out.bestLagMs).toBe(3 * MINUTE);
    expect(out.significant).toBe(true);
    expect(out.bestR).toBeGreaterThan(0.8);
    expect(out.xcorr.curve).toHaveLength(21);
    expect(out.granger.aToB.kind === 'ok' && out.granger.aToB.pValue).toBeLessThan(1e-10);
    expect(out.granger.bToA.kind === 'ok' && out.granger.bToA.pValue).toBeGreaterThan(0.01);
    expect(out.granger.lagOrder).toBe(4);
    expect(out.convention).toMatch(/A leads B/);
  });

  it('aligns by timestamp and skips slots missing in either series', () => {
    const { socialCsv, priceCsv } = plantedPair(0);
    const out = runCorrelate(parseSeriesCsv(socialCsv), parseSeriesCsv(priceCsv));
    expect(out.slots).toBe(600);
    expect(out.pairs).toBe(600 - 5 - 3);
    expect(out.pearson).toMatchObject({ kind: 'ok', n: 592, skipped: 8 });
    expect(out.spearman).toMatchObject({ kind: 'ok', n: 592 });
    expect(out.bestLag).toBe(0);
    expect(out.alignment).toEqual({ a: { snapped: 0, collisions: 0 }, b: { snapped: 0, collisions: 0 } });
  });

  it('refuses series on different steps', () => {
    const a = parseSeriesCsv('t,v\n1700000000,1\n1700000060,2\n1700000120,3\n');
    const b = parseSeriesCsv('t,v\n1700000000,1\n1700000300,2\n1700000600,3\n');
    expect(() => runCorrelate(a, b)).toThrow('different steps (60000 ms and 300000 ms)');
  });
});
