import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.ts';
import { type StreamingVerdict, createStreamingDetector, restoreStreamingDetector } from './index.ts';

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

  it('rejects an out-of-range option naming it', () => {
    expect(() => createStreamingDetector({ threshold: 2 })).toThrow(/threshold/);
  });
});
