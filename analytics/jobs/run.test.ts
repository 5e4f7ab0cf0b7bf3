import { describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../../collectors/all.ts';
import { parseConfig } from '../../src/core/config/load.ts';
import { readFileSync } from 'node:fs';
import { jobOptionsFromConfig } from './options.ts';
import { planRange } from './run.ts';
import { logReturns, volumeChange } from './series.ts';
import { anomalyText } from './points.ts';

const options = jobOptionsFromConfig(parseConfig(readFileSync('config.yaml', 'utf8'), SOURCE_SCHEMAS));
const H = 3_600_000;

describe('analytics job planning and signals', () => {
  it('resolves the sample config into buckets', () => {
    expect(options.windows).toEqual([
      { label: '1h', buckets: 60 },
      { label: '6h', buckets: 360 },
      { label: '24h', buckets: 1440 },
    ]);
    expect(options.maxLagBuckets).toBe(60);
    expect(options.anomalies.periodBuckets).toBe(1440);
    expect(options.pairs).toEqual([
      { topic: 'bitcoin', symbol: 'BTC' },
      { topic: 'ethereum', symbol: 'ETH' },
      { topic: 'iota', symbol: 'IOTA' },
    ]);
    expect(options.quote).toBe('USD');
    expect(options.priceSource).toBeNull();
  });

  it('plans evaluation times on bucket boundaries, the same for the same range', () => {
    const to = Date.UTC(2024, 0, 10, 12, 30, 45);
    const plan = planRange(options, to - 3 * H, to, 3600);
    expect(plan.endMs).toBe(Date.UTC(2024, 0, 10, 12, 30));
    expect(plan.ticks.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      '10:00',
      '11:00',
      '12:00',
      '12:30',
    ]);
    expect(plan.chunkEnds).toEqual([plan.endMs]);
    expect(planRange(options, to - 3 * H, to, 3600)).toEqual(plan);
    // Scheduled runs: one evaluation at the end.
    expect(planRange(options, to - 24 * H, to).ticks).toEqual([plan.endMs]);
  });

  it('derives volume change and log returns, NaN where a bucket is missing', () => {
    expect(Array.from(volumeChange(Float64Array.from([0, Math.E - 1, NaN])))).toEqual([NaN, 1, NaN]);
    const r = logReturns(Float64Array.from([100, 110, NaN, 121]));
    expect(r[1]).toBeCloseTo(Math.log(1.1), 12);
    expect([r[0], r[2], r[3]]).toEqual([NaN, NaN, NaN]);
  });

  it('writes a human-readable anomaly text', () => {
    const base = { timeMs: 0, score: 9 };
    expect(anomalyText({ ...base, series: 'volume', key: 'bitcoin', value: 412, expected: 129 }, 60)).toBe(
      'bitcoin post volume 3.2x expected (412 vs 129 posts/min)',
    );
    expect(
      anomalyText({ ...base, series: 'returns', key: 'BTC', value: Math.log(0.97), expected: 0 }, 60),
    ).toBe('BTC price drop: -3.00% in 1 min (expected 0.00%)');
  });
});
