import { describe, expect, it } from 'vitest';
import { pearson } from './correlation.ts';
import { DEFAULT_MAX_LAG, XCORR_BAND_Z, crossCorrelation } from './xcorr.ts';
import { reference } from './testdata/reference.ts';

const { xcorr } = reference;

describe('crossCorrelation', () => {
  it('matches scipy pearsonr on the shifted overlaps at every lag to 1e-12', () => {
    const result = crossCorrelation(xcorr.social, xcorr.price, xcorr.maxLag);
    expect(result.curve).toHaveLength(2 * xcorr.maxLag + 1);
    for (const [i, expected] of xcorr.curve.entries()) {
      const point = result.curve[i];
      expect(point?.lag).toBe(expected.lag);
      expect(point?.n).toBe(expected.n);
      expect(Math.abs((point?.r as number) - expected.r), `lag ${expected.lag}`).toBeLessThan(1e-12);
    }
  });

  it('finds the planted lead as a positive lag (social leads price by 7 steps), significant', () => {
    const result = crossCorrelation(xcorr.social, xcorr.price, xcorr.maxLag);
    expect(result.bestLag).toBe(xcorr.plantedLag);
    expect(result.bestLag).toBe(7);
    const expected = xcorr.curve.find((p) => p.lag === 7);
    expect(result.bestR).toBeCloseTo(expected?.r as number, 12);
    expect(result.band).toBeCloseTo(XCORR_BAND_Z / Math.sqrt(300 - 7), 15);
    expect(result.significant).toBe(true);
  });

  it('reports a lead of price over social as a negative lag', () => {
    // Swapping the roles mirrors the curve: r_swapped(k) = r(-k).
    const swapped = crossCorrelation(xcorr.price, xcorr.social, xcorr.maxLag);
    expect(swapped.bestLag).toBe(-7);
  });

  it('gives the same curve with prices near 60000 as without the offset (prefix sums are centred)', () => {
    const plain = crossCorrelation(xcorr.social, xcorr.price, 10);
    const offset = crossCorrelation(
      xcorr.social.map((v) => v + 1000),
      xcorr.price.map((v) => v + 60000),
      10,
    );
    for (const [i, point] of plain.curve.entries()) {
      expect(Math.abs((offset.curve[i]?.r as number) - (point.r as number))).toBeLessThan(1e-10);
    }
  });

  it('skips missing pairs per lag: r equals Pearson on exactly the complete pairs', () => {
    const social = [...xcorr.social];
    const price = [...xcorr.price];
    social[10] = NaN;
    price[50] = NaN;
    const result = crossCorrelation(social, price, 3);
    expect(result.curve.find((p) => p.lag === 0)?.n).toBe(298);
    const lag2 = result.curve.find((p) => p.lag === 2);
    // overlap t = 0..297; t = 10 (social missing) and t = 48 (price[50] missing) drop out
    expect(lag2?.n).toBe(296);
    const ts = Array.from({ length: 298 }, (_, t) => t).filter((t) => t !== 10 && t !== 48);
    const expected = pearson(
      ts.map((t) => social[t] as number),
      ts.map((t) => price[t + 2] as number),
    );
    expect(expected.kind).toBe('ok');
    if (expected.kind === 'ok') expect(Math.abs((lag2?.r as number) - expected.r)).toBeLessThan(1e-14);
  });

  it('returns null r (not a number) where the overlap is too short or constant, and no best lag', () => {
    const result = crossCorrelation(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
      2,
    );
    expect(result.curve.map((p) => p.r)).toEqual([null, null, null, null, null]);
    expect(result).toMatchObject({ bestLag: null, bestR: null, significant: false });
  });

  it('pins the default lag range and validates it', () => {
    expect(DEFAULT_MAX_LAG).toBe(60);
    expect(XCORR_BAND_Z).toBe(1.96);
    expect(() => crossCorrelation([1], [1, 2])).toThrow(RangeError);
    expect(() => crossCorrelation([1, 2], [1, 2], -1)).toThrow(RangeError);
  });
});
