import { describe, expect, it } from 'vitest';
import { nestedRss, olsFit } from './ols.ts';

describe('olsFit', () => {
  it('recovers exact coefficients of a noiseless linear model with a large offset', () => {
    const x1 = Float64Array.from({ length: 50 }, (_, i) => 60000 + Math.sin(i));
    const x2 = Float64Array.from({ length: 50 }, (_, i) => (i * 7) % 11);
    const y = Float64Array.from(
      { length: 50 },
      (_, i) => 3 - 0.5 * (x1[i] as number) + 2 * (x2[i] as number),
    );
    const fit = olsFit([new Float64Array(50).fill(1), x1, x2], y);
    expect(fit).not.toBeNull();
    expect(fit?.coefficients[0]).toBeCloseTo(3, 6);
    expect(fit?.coefficients[1]).toBeCloseTo(-0.5, 10);
    expect(fit?.coefficients[2]).toBeCloseTo(2, 10);
    expect(fit?.rss).toBeLessThan(1e-12);
  });

  it('gives the RSS of every nested model from one factorization', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const y = Float64Array.from([1.1, 1.9, 3.2, 3.8, 5.1, 6.3]);
    const fit = olsFit([new Float64Array(6).fill(1), x], y);
    if (!fit) throw new Error('unexpected singular design');
    // intercept-only model: RSS = sum of squared deviations from the mean
    const mean = y.reduce((s, v) => s + v, 0) / 6;
    expect(nestedRss(fit, 1)).toBeCloseTo(
      y.reduce((s, v) => s + (v - mean) ** 2, 0),
      12,
    );
    // simple regression by hand: slope = Sxy / Sxx
    const sxy = x.reduce((s, v, i) => s + (v - 3.5) * ((y[i] as number) - mean), 0);
    const slope = sxy / 17.5;
    expect(fit.coefficients[1]).toBeCloseTo(slope, 12);
    expect(nestedRss(fit, 2)).toBe(fit.rss);
    expect(nestedRss(fit, 0)).toBeCloseTo(
      y.reduce((s, v) => s + v * v, 0),
      12,
    );
  });

  it('returns null for collinear columns or fewer rows than columns', () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    expect(olsFit([x, x.map((v) => 2 * v)], Float64Array.from([1, 2, 3, 5]))).toBeNull();
    expect(olsFit([x.subarray(0, 1), x.subarray(1, 2)], Float64Array.from([1]))).toBeNull();
  });
});
