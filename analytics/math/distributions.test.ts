import { describe, expect, it } from 'vitest';
import {
  fCdf,
  fSurvival,
  logGamma,
  studentTCdf,
  studentTQuantile,
  studentTQuantileUpper,
  studentTSurvival,
  studentTTwoSided,
} from './distributions.ts';
import { reference, relativeError } from './testdata/reference.ts';

const { distributions } = reference;

describe('distributions against scipy', () => {
  it('student t upper tail matches scipy t.sf to 1e-12 relative', () => {
    for (const { t, df, value } of distributions.tSurvival) {
      expect(relativeError(studentTSurvival(t, df), value), `t=${t} df=${df}`).toBeLessThan(1e-12);
    }
  });

  it('two-sided t p-value matches 2 * t.sf(|t|) to 1e-12 relative', () => {
    for (const { t, df, value } of distributions.tTwoSided) {
      expect(relativeError(studentTTwoSided(t, df), value), `t=${t} df=${df}`).toBeLessThan(1e-12);
    }
  });

  it('t quantile matches scipy t.isf to 1e-12 relative, including the ESD tail 1.7e-6 at df 14396', () => {
    for (const { q, df, value } of distributions.tQuantileUpper) {
      expect(relativeError(studentTQuantileUpper(q, df), value), `q=${q} df=${df}`).toBeLessThan(1e-12);
    }
  });

  it('F survival and cdf match scipy to 1e-12 relative', () => {
    for (const { f, d1, d2, value } of distributions.fSurvival) {
      expect(relativeError(fSurvival(f, d1, d2), value), `F=${f} (${d1}, ${d2})`).toBeLessThan(1e-12);
    }
    for (const { f, d1, d2, value } of distributions.fCdf) {
      expect(relativeError(fCdf(f, d1, d2), value), `F=${f} (${d1}, ${d2})`).toBeLessThan(1e-12);
    }
  });
});

describe('distribution identities', () => {
  it('logGamma matches factorials on both sides of the Lanczos/Stirling switch', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(relativeError(logGamma(10), Math.log(362880))).toBeLessThan(1e-14);
    expect(relativeError(logGamma(20), Math.log(121645100408832000))).toBeLessThan(1e-14);
    expect(relativeError(logGamma(0.5), Math.log(Math.sqrt(Math.PI)))).toBeLessThan(1e-14);
  });

  it('t cdf and quantile are inverse and symmetric', () => {
    expect(studentTCdf(0, 5)).toBe(0.5);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174694, 11);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.2281388519862753, 12);
    expect(studentTCdf(studentTQuantile(0.9, 7), 7)).toBeCloseTo(0.9, 14);
  });

  it('rejects impossible arguments', () => {
    expect(() => studentTSurvival(1, 0)).toThrow(RangeError);
    expect(() => studentTQuantileUpper(1.5, 3)).toThrow(RangeError);
    expect(fSurvival(0, 2, 3)).toBe(1);
    expect(fCdf(Infinity, 2, 3)).toBe(1);
  });
});
