import { describe, expect, it } from 'vitest';
import { type CorrelationResult, pearson } from './correlation.ts';
import { RollingCorrelation, rollingPearson } from './rolling.ts';
import { mulberry32 } from '../../src/core/random.ts';

const random = mulberry32;

function priceLikeSeries(length: number, seed: number): { x: number[]; y: number[] } {
  const next = random(seed);
  const x: number[] = [];
  const y: number[] = [];
  let price = 60000;
  for (let i = 0; i < length; i++) {
    const step = (next() - 0.5) * 20;
    price += step;
    x.push(price);
    y.push(300 + 0.8 * step + (next() - 0.5) * 10 + (i % 5000 < 2500 ? 0 : 1e4)); // a level shift too
  }
  return { x, y };
}

function maxDifference(rolling: CorrelationResult[], x: number[], y: number[], window: number): number {
  let worst = 0;
  for (let end = 0; end < x.length; end++) {
    const start = Math.max(0, end - window + 1);
    const full = pearson(x.slice(start, end + 1), y.slice(start, end + 1));
    const fast = rolling[end] as CorrelationResult;
    expect(fast.kind).toBe(full.kind);
    if (fast.kind === 'ok' && full.kind === 'ok') {
      worst = Math.max(worst, Math.abs(fast.r - full.r), Math.abs(fast.pValue - full.pValue));
      worst = Math.max(worst, Math.abs(fast.ciLow - full.ciLow), Math.abs(fast.ciHigh - full.ciHigh));
    }
  }
  return worst;
}

describe('RollingCorrelation', () => {
  it('matches a full recompute within 1e-9 over 20,000 steps of prices near 60000', () => {
    const { x, y } = priceLikeSeries(20_000, 7);
    for (const window of [60, 360]) {
      expect(maxDifference(rollingPearson(x, y, window), x, y, window), `window ${window}`).toBeLessThan(
        1e-9,
      );
    }
  });

  it('stays within 1e-9 with the periodic resync off: the round-off guard catches the level shifts', () => {
    const { x, y } = priceLikeSeries(20_000, 11);
    const rolling = rollingPearson(x, y, 60, { resyncEverySteps: 0 });
    expect(maxDifference(rolling, x, y, 60)).toBeLessThan(1e-9);
  });

  it('keeps missing slots in the window and reports them as skipped', () => {
    const rolling = new RollingCorrelation(12);
    for (let i = 0; i < 12; i++) rolling.push(i === 3 || i === 7 ? NaN : i, 2 * i + (i % 3));
    const result = rolling.result();
    const expected = pearson(
      Array.from({ length: 12 }, (_, i) => (i === 3 || i === 7 ? NaN : i)),
      Array.from({ length: 12 }, (_, i) => 2 * i + (i % 3)),
    );
    expect(result.kind).toBe('ok');
    expect(result).toMatchObject({ n: 10, skipped: 2 });
    if (result.kind === 'ok' && expected.kind === 'ok') expect(result.r).toBeCloseTo(expected.r, 12);
    rolling.push(100, 1); // evicts slot 0
    expect(rolling.count).toBe(10);
    expect(rolling.slots).toBe(12);
  });

  it('reports an exactly constant window as zero_variance, then recovers when it varies again', () => {
    const rolling = new RollingCorrelation(10);
    for (let i = 0; i < 10; i++) rolling.push(i, 5);
    expect(rolling.result()).toMatchObject({ kind: 'insufficient', reason: 'zero_variance', n: 10 });
    for (let i = 0; i < 10; i++) rolling.push(0.1, i); // x constant at a value with an inexact mean
    expect(rolling.result()).toMatchObject({ kind: 'insufficient', reason: 'zero_variance' });
    rolling.push(0.2, 3);
    expect(rolling.result().kind).toBe('ok');
  });

  it('says too_few_points until the window holds minPoints finite pairs', () => {
    const rolling = new RollingCorrelation(60);
    for (let i = 0; i < 9; i++) rolling.push(i, i * i);
    expect(rolling.result()).toMatchObject({ kind: 'insufficient', reason: 'too_few_points', n: 9 });
  });

  it('pins the resync default to one window and validates options', () => {
    expect(() => new RollingCorrelation(1)).toThrow(RangeError);
    expect(() => new RollingCorrelation(10, { resyncEverySteps: -1 })).toThrow(RangeError);
    expect(new RollingCorrelation(60).windowSize).toBe(60);
  });
});
