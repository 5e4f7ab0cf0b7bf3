import { describe, expect, it } from 'vitest';
import { DEFAULT_GRANGER_LAG, DEFAULT_GRANGER_MIN_DF, grangerBothWays, grangerCausality } from './granger.ts';
import { reference, relativeError } from './testdata/reference.ts';

const { granger } = reference;

describe('grangerCausality against statsmodels grangercausalitytests (ssr_ftest)', () => {
  for (const expected of granger.results) {
    it(`lag ${expected.lag}, ${expected.direction}: F and p to 1e-9 relative, same df`, () => {
      const { aToB, bToA } = grangerBothWays(granger.a, granger.b, { lagOrder: expected.lag });
      const result = expected.direction === 'aToB' ? aToB : bToA;
      if (result.kind !== 'ok') throw new Error(`expected a test result, got ${result.reason}`);
      expect(result.df1).toBe(expected.df1);
      expect(result.df2).toBe(expected.df2);
      expect(result.n).toBe(300 - expected.lag);
      // statsmodels solves both regressions by pinv (SVD), we by one QR: the F agrees to round-off.
      expect(relativeError(result.f, expected.f)).toBeLessThan(1e-9);
      expect(relativeError(result.pValue, expected.pValue)).toBeLessThan(1e-9);
    });
  }

  it('finds the planted direction: a (lag 2) drives b, b does not drive a', () => {
    const { aToB, bToA } = grangerBothWays(granger.a, granger.b, { lagOrder: 3 });
    expect(aToB.kind === 'ok' && aToB.pValue).toBeLessThan(1e-10);
    expect(bToA.kind === 'ok' && bToA.pValue).toBeGreaterThan(0.05);
  });
});

describe('grangerCausality edge cases', () => {
  it('pins the defaults', () => {
    expect(DEFAULT_GRANGER_LAG).toBe(5);
    expect(DEFAULT_GRANGER_MIN_DF).toBe(10);
  });

  it('drops rows whose lags touch a missing value and reports them', () => {
    const a = [...granger.a];
    a[100] = NaN;
    const result = grangerCausality(a, granger.b, { lagOrder: 2 });
    // rows t = 101 and 102 use a[100] as a lag; row 100 itself does not use a[100]
    expect(result).toMatchObject({ kind: 'ok', n: 296, skipped: 2, df2: 291 });
  });

  it('says too_few_points when n - 2p - 1 is below the minimum', () => {
    const result = grangerCausality(granger.a.slice(0, 20), granger.b.slice(0, 20), { lagOrder: 5 });
    expect(result).toEqual({
      kind: 'insufficient',
      reason: 'too_few_points',
      n: 15,
      lagOrder: 5,
      skipped: 0,
    });
  });

  it('says singular_design for a constant cause', () => {
    const result = grangerCausality(new Array(300).fill(3), granger.b, { lagOrder: 2 });
    expect(result).toMatchObject({ kind: 'insufficient', reason: 'singular_design' });
  });
});
