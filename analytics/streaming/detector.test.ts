import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.ts';
import {
  DEFAULT_STREAMING_OPTIONS,
  type StreamingVerdict,
  createStreamingDetector,
  restoreStreamingDetector,
} from './index.ts';

const STEP = 300_000;
const T0 = Date.UTC(2026, 0, 5);

/** Five days of a 5-minute series with a daily cycle, noise, a spike, a level shift and a flat run. */
function series(seed: number, n = 1440): number[] {
  const random = mulberry32(seed);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    let v = 100 + 20 * Math.sin((2 * Math.PI * i) / 288) + 3 * (random() - 0.5);
    if (i === 900) v += 80;
    if (i >= 1100) v += 40;
    if (i >= 1300 && i < 1360) v = 7;
    values.push(v);
  }
  return values;
}

function run(values: readonly number[], from = 0, detector = createStreamingDetector()): StreamingVerdict[] {
  return values.slice(from).map((v, i) => detector.update(T0 + (from + i) * STEP, v));
}

describe('streaming detector', () => {
  it('scores in [0, 1] and flags the planted spike, level shift and flat line', () => {
    const verdicts = run(series(1));
    for (const v of verdicts) expect(v.score >= 0 && v.score <= 1).toBe(true);
    const flagged = verdicts.flatMap((v, i) => (v.flag ? [i] : []));
    expect(flagged.some((i) => i >= 900 && i < 905)).toBe(true);
    expect(flagged.some((i) => i >= 1100 && i < 1110)).toBe(true);
    expect(flagged.some((i) => i >= 1300 && i < 1360)).toBe(true);
    expect(verdicts[900]?.kind).toBe('spike');
  });

  it('continues bit-identically after snapshot and restore through JSON', () => {
    const values = series(2);
    values[500] = Number.NaN;
    const whole = run(values);
    for (const cut of [1, 17, 400, 501, 1099, 1305]) {
      const d = createStreamingDetector();
      const head = run(values.slice(0, cut), 0, d);
      const restored = restoreStreamingDetector(JSON.parse(JSON.stringify(d.snapshot())));
      const tail = run(values, cut, restored);
      expect([...head, ...tail]).toEqual(whole);
    }
  });

  it('refuses a foreign or damaged state with a clear error', () => {
    const d = createStreamingDetector();
    run(series(3, 50), 0, d);
    const snap = d.snapshot() as Record<string, unknown>;
    expect(() => restoreStreamingDetector({ ...snap, version: 99 })).toThrow(/version 99/);
    expect(() => restoreStreamingDetector({ foo: 1 })).toThrow(/not a streaming detector state/);
    expect(() => restoreStreamingDetector({ ...snap, ring: [1] })).toThrow(/ring/);
    expect(() => restoreStreamingDetector(null)).toThrow(/not a streaming detector state/);
  });

  it('pins the one fixed configuration the benchmark in docs/analytics.md was measured with', () => {
    expect(DEFAULT_STREAMING_OPTIONS).toMatchObject({
      threshold: 0.7,
      warmupPoints: 100,
      suppressPoints: 30,
      rangeTolerance: 0.01,
      rangeDecay: 0.999985,
      seasonalAlpha: 0.15,
      fullScoreDecades: 5,
      recordDecay: 0.9998,
      recordCap: 1.5,
    });
  });

  it('rejects an out-of-range option naming it', () => {
    expect(() => createStreamingDetector({ threshold: 2 })).toThrow(/threshold/);
  });

  it('learns the step and the daily cycle from the timestamps (1-minute to 1-hour data)', () => {
    for (const [stepMs, period] of [
      [60_000, 1440],
      [300_000, 288],
      [3_600_000, 24],
      [86_400_000, 0],
    ] as const) {
      const d = createStreamingDetector();
      for (let i = 0; i < 20; i++) d.update(T0 + i * stepMs + (i === 5 ? stepMs * 3 : 0), 10 + (i % 3));
      expect((d.snapshot() as { period: number }).period, `step ${stepMs}`).toBe(period);
    }
  });

  it('survives night-time zero runs and a missing day: few flags, the big burst still flagged', () => {
    const random = mulberry32(5);
    const d = createStreamingDetector();
    let flags = 0;
    let burstFlagged = false;
    let points = 0;
    for (let i = 0; i < 14 * 288; i++) {
      if (i >= 6 * 288 && i < 7 * 288) continue; // a whole day missing
      const hour = ((i % 288) / 12) | 0;
      const rate = hour < 6 ? 0 : 20 + 10 * Math.sin(((hour - 6) / 18) * Math.PI);
      let v = Math.round(rate * (0.7 + 0.6 * random()));
      if (i === 12 * 288 + 150) v = 400;
      const verdict = d.update(T0 + i * STEP, i % 997 === 0 ? Number.NaN : v);
      expect(verdict.score >= 0 && verdict.score <= 1).toBe(true);
      points++;
      if (verdict.flag) {
        flags++;
        if (i >= 12 * 288 + 150 && i < 12 * 288 + 153) burstFlagged = true;
      }
    }
    expect(burstFlagged).toBe(true);
    expect(flags / points).toBeLessThan(0.01);
  });
});
