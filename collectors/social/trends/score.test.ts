import { describe, expect, it } from 'vitest';
import { expectedCount, logLikelihoodRatio } from './score.ts';

describe('logLikelihoodRatio', () => {
  it('matches a hand-computed G^2 (Dunning 1993 table: a=10 of 1000 vs b=100 of 100000)', () => {
    // 2 * sum O ln(O/E): E11 = 1000*110/101000 etc.
    const cells = [
      [10, (1000 * 110) / 101000],
      [990, (1000 * 100890) / 101000],
      [100, (100000 * 110) / 101000],
      [99900, (100000 * 100890) / 101000],
    ] as const;
    const g2 = 2 * cells.reduce((s, [o, e]) => s + o * Math.log(o / e), 0);
    expect(logLikelihoodRatio(10, 1000, 100, 100_000)).toBeCloseTo(g2, 6);
  });

  it('is 0 for equal shares, negative when the share fell, and 0 without a baseline', () => {
    expect(logLikelihoodRatio(10, 100, 100, 1000)).toBeCloseTo(0, 9);
    expect(logLikelihoodRatio(1, 100, 100, 1000)).toBeLessThan(0);
    expect(logLikelihoodRatio(5, 100, 0, 0)).toBe(0);
  });

  it('ranks more evidence above the same lift on less', () => {
    expect(logLikelihoodRatio(300, 10_000, 30, 10_000)).toBeGreaterThan(logLikelihoodRatio(3, 100, 1, 300));
  });

  it('expectedCount is the baseline share of the interval', () => {
    expect(expectedCount(200, 50, 1000)).toBe(10);
    expect(expectedCount(200, 5, 0)).toBe(0);
  });
});
