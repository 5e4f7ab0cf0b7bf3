import { describe, expect, it } from 'vitest';
import { MIN_STL_CYCLES, phaseMedians, seasonalHybridEsd } from './shesd.ts';

// Three daily cycles of a smooth daily shape plus small deterministic noise, and one spike.
function series(days: number, spikeAt: number): Float64Array {
  const period = 1440;
  const x = new Float64Array(days * period);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const noise = (s / 2147483648 - 0.5) * 6;
    x[i] = 50 + 20 * Math.sin((2 * Math.PI * (i % period)) / period) + noise;
  }
  for (let k = 0; k < 5; k++) x[spikeAt + k] = (x[spikeAt + k] as number) + 120;
  return x;
}

describe('S-H-ESD seasonal estimate with few cycles', () => {
  const spikeAt = 2 * 1440 + 600;
  const x = series(3, spikeAt);
  const echoes = (found: number[]): number[] =>
    found.filter((i) => i % 1440 >= 598 && i % 1440 <= 607 && Math.abs(i - spikeAt) > 10);

  it("R's periodic STL turns one spike into false dips at the same minute of the other days", () => {
    const r = seasonalHybridEsd(x, 1440, { maxAnoms: 0.02, alpha: 0.05, direction: 'both', seasonal: 'stl' });
    expect(echoes(r.anomalies).length).toBeGreaterThan(0);
  });

  it('the pooled phase median finds the spike and no echoes', () => {
    const r = seasonalHybridEsd(x, 1440, {
      maxAnoms: 0.02,
      alpha: 0.05,
      direction: 'both',
      seasonal: 'auto',
    });
    expect(r.anomalies.filter((i) => i >= spikeAt && i < spikeAt + 5)).toHaveLength(5);
    expect(echoes(r.anomalies)).toEqual([]);
    expect(r.anomalies.length).toBeLessThanOrEqual(8);
  });

  it('auto keeps STL from MIN_STL_CYCLES cycles on', () => {
    expect(MIN_STL_CYCLES).toBe(7);
    const long = series(7, 6 * 1440 + 600);
    const a = seasonalHybridEsd(long, 1440, { maxAnoms: 0.02, direction: 'both', seasonal: 'auto' });
    const b = seasonalHybridEsd(long, 1440, { maxAnoms: 0.02, direction: 'both', seasonal: 'stl' });
    expect(a.anomalies).toEqual(b.anomalies);
  });

  it('phaseMedians pools neighbouring phases across cycles', () => {
    const v = Float64Array.from({ length: 30 }, (_, i) => i % 10);
    const m = phaseMedians(v, 10, 1);
    // Phase 5 pools phases 4, 5, 6 of three cycles: median 5.
    expect(m[5]).toBe(5);
    expect(m[15]).toBe(5);
    // Phase 0 wraps to phase 9.
    expect(m[0]).toBe(1);
  });
});
