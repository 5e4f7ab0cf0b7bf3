import { describe, expect, it } from 'vitest';
import { stl, stlParameters } from './stl.ts';
import { reference } from './testdata/reference.ts';

describe('stl against statsmodels STL (a port of the same Fortran) with R stl() defaults', () => {
  for (const c of reference.stl) {
    it(`${c.name}: seasonal and trend to 1e-9`, () => {
      const result = stl(c.y, c.period, { seasonalWindow: c.sWindow, robust: c.robust });
      expect(result.parameters).toMatchObject(c.params);
      let worst = 0;
      for (let i = 0; i < c.y.length; i++) {
        worst = Math.max(worst, Math.abs((result.seasonal[i] as number) - (c.seasonal[i] as number)));
        worst = Math.max(worst, Math.abs((result.trend[i] as number) - (c.trend[i] as number)));
        const sum =
          (result.seasonal[i] as number) + (result.trend[i] as number) + (result.remainder[i] as number);
        expect(sum).toBeCloseTo(c.y[i] as number, 10);
      }
      expect(worst).toBeLessThan(1e-9);
    });
  }

  it('down-weights the planted outliers in the robust fit', () => {
    const c = reference.stl.find((s) => s.robust && s.sWindow === 'periodic');
    if (!c) throw new Error('missing reference case');
    const { weights } = stl(c.y, c.period, { seasonalWindow: 'periodic', robust: true });
    for (const outlier of [20, 77, 130]) expect(weights[outlier]).toBeLessThan(0.05);
    expect(weights[50]).toBeGreaterThan(0.5);
  });
});

describe('stlParameters', () => {
  it("resolves R's defaults for a day of minutes with s.window = 'periodic'", () => {
    const n = 14398;
    expect(stlParameters(n, 1440, { seasonalWindow: 'periodic', robust: true })).toEqual({
      period: 1440,
      periodic: true,
      seasonalWindow: 10 * n + 1,
      seasonalDegree: 0,
      trendWindow: 2161,
      trendDegree: 1,
      lowPassWindow: 1441,
      lowPassDegree: 1,
      seasonalJump: n + 1,
      trendJump: 217,
      lowPassJump: 145,
      inner: 1,
      outer: 15,
    });
  });

  it('needs more than two periods', () => {
    expect(() => stlParameters(48, 24, { seasonalWindow: 'periodic' })).toThrow(RangeError);
    expect(() => stl([1, 2, NaN, 4, 5, 6, 7], 2, { seasonalWindow: 'periodic' })).toThrow(RangeError);
  });

  it('makes the periodic seasonal component exactly periodic', () => {
    const y = Array.from({ length: 60 }, (_, i) => (i % 6) * 2 + i * 0.1 + ((i * 37) % 5) * 0.01);
    const { seasonal } = stl(y, 6, { seasonalWindow: 'periodic', robust: true });
    for (let i = 6; i < 60; i++) expect(seasonal[i]).toBe(seasonal[i - 6]);
  });
});
