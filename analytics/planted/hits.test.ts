import { describe, expect, it } from 'vitest';
import { plantedHit, scorePlanted, type ReportedAt } from './hits.ts';

const B = 60_000;
const T = Date.UTC(2026, 0, 10, 12, 0);
// A 3-minute volume spike on bitcoin and a 1-minute BTC price jump planted for the same topic.
const spike = { kind: 'volume_spike', topic: 'bitcoin', startMs: T, endMs: T + 3 * B };
const jump = { kind: 'price_jump', topic: 'bitcoin', symbol: 'BTC', startMs: T + 60 * B, endMs: T + 61 * B };

describe('plantedHit', () => {
  it('accepts the planted span widened by one bucket on each side, end exclusive', () => {
    expect(plantedHit({ timeMs: T - B, target: 'bitcoin' }, spike, B)).toBe(true);
    expect(plantedHit({ timeMs: T - B - 1, target: 'bitcoin' }, spike, B)).toBe(false);
    expect(plantedHit({ timeMs: T + 3 * B, target: 'bitcoin' }, spike, B)).toBe(true);
    expect(plantedHit({ timeMs: T + 4 * B - 1, target: 'bitcoin' }, spike, B)).toBe(true);
    expect(plantedHit({ timeMs: T + 4 * B, target: 'bitcoin' }, spike, B)).toBe(false);
  });

  it('needs the same topic or coin', () => {
    expect(plantedHit({ timeMs: T, target: 'ethereum' }, spike, B)).toBe(false);
    expect(plantedHit({ timeMs: T, target: undefined }, spike, B)).toBe(false);
    // A spike names no coin: a BTC return flag is not a hit on it.
    expect(plantedHit({ timeMs: T, target: 'BTC' }, spike, B)).toBe(false);
    // A price jump names both: a return flag of its coin and a flag on its topic are hits.
    expect(plantedHit({ timeMs: T + 60 * B, target: 'BTC' }, jump, B)).toBe(true);
    expect(plantedHit({ timeMs: T + 60 * B, target: 'bitcoin' }, jump, B)).toBe(true);
  });
});

describe('scorePlanted', () => {
  const at = (r: ReportedAt): ReportedAt => r;

  it('counts recall over planted anomalies and precision over reports', () => {
    const reports: ReportedAt[] = [
      { timeMs: T + B, target: 'bitcoin' }, // hit on the spike
      { timeMs: T + 2 * B, target: 'bitcoin' }, // a second hit on it: both reports count as correct
      { timeMs: T + 30 * B, target: 'bitcoin' }, // nothing planted then: false
      { timeMs: T + 60 * B, target: 'ETH' }, // other coin: false
    ];
    const s = scorePlanted(reports, [spike, jump], B, at);
    expect(s.found).toEqual([spike]);
    expect(s.missed).toEqual([jump]);
    expect(s.correct).toEqual(reports.slice(0, 2));
    expect(s.wrong).toEqual(reports.slice(2));
    expect(s.recall).toBe(0.5);
    expect(s.precision).toBe(0.5);
  });

  it('gives NaN for an empty side instead of dividing by zero', () => {
    const s = scorePlanted([] as ReportedAt[], [], B, at);
    expect(s.recall).toBeNaN();
    expect(s.precision).toBeNaN();
    expect(scorePlanted([], [spike], B, at).recall).toBe(0);
  });
});
