import { describe, expect, it } from 'vitest';
import { averageRanks } from './descriptive.ts';
import { type CorrelationResult, DEFAULT_MIN_POINTS, FISHER_Z_95, pearson, spearman } from './correlation.ts';
import { reference, relativeError, withNaN } from './testdata/reference.ts';

function ok(result: CorrelationResult) {
  if (result.kind !== 'ok') throw new Error(`expected a correlation, got ${result.reason}`);
  return result;
}

describe('pearson and spearman against scipy', () => {
  for (const c of reference.correlation) {
    it(`${c.name}: r and CI to 1e-12, p-value to 1e-9 relative`, () => {
      const x = withNaN(c.x);
      const y = withNaN(c.y);
      for (const [name, fn, expected] of [
        ['pearson', pearson, c.pearson],
        ['spearman', spearman, c.spearman],
      ] as const) {
        const result = ok(fn(x, y));
        expect(result.n, name).toBe(c.n);
        expect(result.skipped, name).toBe(c.skipped);
        expect(Math.abs(result.r - expected.r), name).toBeLessThan(1e-12);
        expect(Math.abs(result.ciLow - expected.ci[0]), name).toBeLessThan(1e-12);
        expect(Math.abs(result.ciHigh - expected.ci[1]), name).toBeLessThan(1e-12);
        // scipy takes Pearson's p from a beta distribution and Spearman's from the t distribution;
        // both are the same function of r, evaluated by different code, hence relative not exact.
        expect(relativeError(result.pValue, expected.pValue), `${name} p`).toBeLessThan(1e-9);
      }
    });
  }
});

describe('correlation edge cases', () => {
  it('pins the defaults', () => {
    expect(DEFAULT_MIN_POINTS).toBe(10);
    expect(FISHER_Z_95).toBeCloseTo(1.959964, 6);
  });

  it('says too_few_points below the minimum instead of computing', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(pearson(x, x)).toEqual({
      kind: 'insufficient',
      reason: 'too_few_points',
      n: 9,
      minPoints: 10,
      skipped: 0,
    });
    expect(ok(pearson(x, x, { minPoints: 5 })).r).toBe(1);
  });

  it('counts skipped non-finite pairs towards the reason, not the estimate', () => {
    const x = [1, 2, NaN, 4, 5, 6, Infinity, 8, 9, 10, 11, 12];
    const y = [2, 4, 6, 8, NaN, 12, 14, 16, 18, 20, 22, 24];
    const result = pearson(x, y);
    expect(result).toEqual({
      kind: 'insufficient',
      reason: 'too_few_points',
      n: 9,
      minPoints: 10,
      skipped: 3,
    });
  });

  it('says zero_variance for a constant side, even with values whose mean is inexact', () => {
    const x = Array.from({ length: 20 }, (_, i) => i);
    const y = new Array(20).fill(0.1);
    expect(pearson(x, y)).toMatchObject({ kind: 'insufficient', reason: 'zero_variance', n: 20 });
    expect(spearman(y, x)).toMatchObject({ kind: 'insufficient', reason: 'zero_variance', n: 20 });
  });

  it('gives a degenerate interval and p = 0 for a perfect correlation', () => {
    const x = Array.from({ length: 12 }, (_, i) => i * 3 + 1);
    const result = ok(
      pearson(
        x,
        x.map((v) => -2 * v),
      ),
    );
    expect(result).toMatchObject({ r: -1, pValue: 0, ciLow: -1, ciHigh: -1 });
  });

  it('rejects different lengths and a minimum the Fisher interval cannot use', () => {
    expect(() => pearson([1, 2], [1])).toThrow(RangeError);
    expect(() => pearson([1, 2, 3], [1, 2, 3], { minPoints: 3 })).toThrow(RangeError);
  });

  it('ranks ties by their average position', () => {
    expect([...averageRanks([10, 20, 10, 30, 20, 20])]).toEqual([1.5, 4, 1.5, 6, 4, 4]);
  });
});
