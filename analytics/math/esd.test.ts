import { describe, expect, it } from 'vitest';
import { esdCriticalValue, generalizedEsd } from './esd.ts';
import { mad, median } from './descriptive.ts';
import { reference } from './testdata/reference.ts';
import { studentTQuantileUpper } from './distributions.ts';

/** The R loop of detect_anoms.R, literally: median and MAD recomputed from scratch each round. */
function naiveEsd(
  values: number[],
  maxOutliers: number,
  alpha: number,
  direction: 'pos' | 'neg' | 'both',
): number[] {
  let data = values.map((value, index) => ({ value, index }));
  const n = values.length;
  const removed: number[] = [];
  let numAnoms = 0;
  for (let i = 1; i <= maxOutliers; i++) {
    const med = median(data.map((d) => d.value));
    const sigma = mad(data.map((d) => d.value));
    if (!(sigma > 0)) break;
    const scores = data.map(
      (d) =>
        (direction === 'both'
          ? Math.abs(d.value - med)
          : direction === 'pos'
            ? d.value - med
            : med - d.value) / sigma,
    );
    const best = Math.max(...scores);
    const k = scores.indexOf(best);
    removed.push((data[k] as { index: number }).index);
    data = data.filter((_, j) => j !== k);
    if (best > esdCriticalValue(n, i, alpha, direction)) numAnoms = i;
  }
  return removed.slice(0, numAnoms);
}

describe('generalizedEsd', () => {
  for (const c of reference.esd.cases) {
    it(`direction ${c.direction}: same anomalies as a numpy/scipy transcription of the R loop`, () => {
      const found = generalizedEsd(reference.esd.values, c.maxOutliers, c.alpha, c.direction);
      expect([...found].sort((a, b) => a - b)).toEqual(c.anomalies);
    });
  }

  it('agrees with the naive R loop on data full of ties, in removal order', () => {
    const values = Array.from(
      { length: 400 },
      (_, i) => Math.round(Math.sin(i * 1.7) * 3) + (i % 97 === 0 ? 25 : 0),
    );
    values[13] = -30;
    values[250] = -30; // a tie in value at the low end: R takes the earlier index first
    for (const direction of ['both', 'pos', 'neg'] as const) {
      const fast = generalizedEsd(values, 40, 0.05, direction);
      expect(fast, direction).toEqual(naiveEsd(values, 40, 0.05, direction));
      expect(fast.length, direction).toBeGreaterThan(0);
    }
    expect(generalizedEsd(values, 40, 0.05, 'neg').slice(0, 2)).toEqual([13, 250]);
  });

  it('stops when the MAD becomes zero, like R', () => {
    const values = [...new Array(50).fill(1), 100];
    expect(generalizedEsd(values, 10, 0.05, 'both')).toEqual([]);
  });

  it('computes the critical value from the t quantile with R’s probability', () => {
    const n = 14398;
    // R forms p = 1 - alpha / (2n) and calls qt(p); the tail qt sees is 1 - p, rounded, not alpha / (2n).
    const t = studentTQuantileUpper(1 - (1 - 0.05 / (2 * n)), n - 2);
    expect(esdCriticalValue(n, 1, 0.05, 'both')).toBeCloseTo(
      (t * (n - 1)) / Math.sqrt((n - 2 + t * t) * n),
      12,
    );
    expect(esdCriticalValue(n, 1, 0.05, 'pos')).toBeLessThan(esdCriticalValue(n, 1, 0.05, 'both'));
  });
});
