import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.ts';
import { nearestSquaredDistance } from './discord.ts';
import { createStreamingDetector, restoreStreamingDetector } from './index.ts';

const STEP = 300_000;
const T0 = Date.UTC(2026, 0, 5);

function bruteForce(values: Float64Array, from: number, length: number, m: number): number {
  const q0 = from + length - m;
  let best = Number.POSITIVE_INFINITY;
  for (let j = from; j + m <= q0; j++) {
    let d = 0;
    for (let k = 0; k < m; k++) d += ((values[q0 + k] as number) - (values[j + k] as number)) ** 2;
    best = Math.min(best, d);
  }
  return q0 - m < from ? Number.NaN : best;
}

describe('subsequence novelty (discord)', () => {
  it('finds the exact nearest earlier window, whatever the hint', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const from = Math.floor(random() * 5);
      const length = 1 + Math.floor(random() * 80);
      const m = 1 + Math.floor(random() * 12);
      const values = Float64Array.from({ length: from + length + 3 }, () => Math.round(random() * 20));
      const hint = Math.floor(random() * (length + 4)) - 2;
      const got = nearestSquaredDistance(values, from, length, m, hint);
      const want = bruteForce(values, from, length, m);
      if (Number.isNaN(want)) expect(got).toBeNaN();
      else expect(got).toBe(want);
    }
  });

  // A daily shape, then one day shaped differently within the usual range: no value is new, the shape is.
  function shapes(n: number, oddDay: number): number[] {
    const random = mulberry32(3);
    return Array.from({ length: n }, (_, i) => {
      const day = Math.floor(i / 288);
      const phase = (2 * Math.PI * (i % 288)) / 288;
      const shape = day === oddDay ? Math.sin(3 * phase) : Math.sin(phase);
      return 100 + 20 * shape + 2 * (random() - 0.5);
    });
  }

  it('flags a day of a never-seen shape inside the usual range, which nothing else sees', () => {
    const values = shapes(288 * 12, 9);
    const flagsOf = (parts: { discord: boolean }) => {
      const d = createStreamingDetector({ parts: parts as never });
      return values.flatMap((v, i) => (d.update(T0 + i * STEP, v).flag ? [i] : []));
    };
    const withPart = flagsOf({ discord: true });
    const inOddDay = withPart.filter((i) => i >= 288 * 9 && i < 288 * 10);
    expect(inOddDay.length).toBeGreaterThanOrEqual(1);
    // Days 3-8 repeat the shape: nothing there after the warm-up.
    expect(withPart.filter((i) => i >= 288 * 3 && i < 288 * 9)).toEqual([]);
    // Without it, nothing in the detector sees that day: every value and step is ordinary.
    expect(flagsOf({ discord: false }).filter((i) => i >= 288 * 9 && i < 288 * 10)).toEqual([]);
  });

  it('continues bit-identically through snapshots while its buffers wrap', () => {
    const values = shapes(1500, 3);
    values[700] = Number.NaN;
    const options = { discordHistory: 60 };
    const whole = (() => {
      const d = createStreamingDetector(options);
      return values.map((v, i) => d.update(T0 + i * STEP, v));
    })();
    for (const cut of [5, 130, 131, 257, 699, 701, 1234]) {
      const d = createStreamingDetector(options);
      const head = values.slice(0, cut).map((v, i) => d.update(T0 + i * STEP, v));
      const restored = restoreStreamingDetector(JSON.parse(JSON.stringify(d.snapshot())));
      const tail = values.slice(cut).map((v, i) => restored.update(T0 + (cut + i) * STEP, v));
      expect([...head, ...tail]).toEqual(whole);
    }
  });

  it('refuses a state whose buffer length is out of range', () => {
    const d = createStreamingDetector({ discordHistory: 60 });
    for (let i = 0; i < 50; i++) d.update(T0 + i * STEP, i % 7);
    const snap = d.snapshot() as Record<string, unknown>;
    expect(() => restoreStreamingDetector({ ...snap, discordLength: [1e9, 0] })).toThrow(/discordLength\.0/);
    expect(() => restoreStreamingDetector({ ...snap, discordMean: [0] })).toThrow(/discordMean: length 1/);
  });
});
