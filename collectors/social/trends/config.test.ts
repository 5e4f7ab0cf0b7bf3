import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EMERGING_COOLDOWN,
  DEFAULT_EMERGING_MAX_BASELINE_RATIO,
  DEFAULT_EMERGING_MIN_COUNT,
  DEFAULT_EMERGING_WARMUP,
  DEFAULT_TREND_BASELINE,
  DEFAULT_TREND_CAPACITY,
  DEFAULT_TREND_INTERVALS,
  DEFAULT_TREND_MIN_COUNT,
  DEFAULT_TREND_TOP,
  DEFAULT_THEME_COUNT,
  DEFAULT_THEME_PERIOD,
  trendsConfigSchema,
} from './config.ts';
import { engineOptions } from './options.ts';

describe('trends config', () => {
  it('pins the documented defaults', () => {
    expect([
      DEFAULT_TREND_INTERVALS,
      DEFAULT_TREND_BASELINE,
      DEFAULT_TREND_TOP,
      DEFAULT_TREND_MIN_COUNT,
    ]).toEqual([['5m', '1h'], '7d', 20, 3]);
    expect([DEFAULT_TREND_CAPACITY, DEFAULT_EMERGING_MIN_COUNT, DEFAULT_EMERGING_MAX_BASELINE_RATIO]).toEqual(
      [1000, 10, 0.1],
    );
    expect([
      DEFAULT_EMERGING_WARMUP,
      DEFAULT_EMERGING_COOLDOWN,
      DEFAULT_THEME_COUNT,
      DEFAULT_THEME_PERIOD,
    ]).toEqual(['6h', '24h', 5, '1h']);
    const c = trendsConfigSchema.parse({});
    expect(c.intervals).toEqual(DEFAULT_TREND_INTERVALS);
    expect(c.emerging.warmup).toBe(DEFAULT_EMERGING_WARMUP);
    expect(c.themes.count).toBe(DEFAULT_THEME_COUNT);
    const o = engineOptions(c, () => undefined);
    expect(o.intervalsMs).toEqual([300_000, 3_600_000]);
    expect(o.baselineMs).toBe(7 * 86_400_000);
  });

  it('names the key of a bad value', () => {
    const r = trendsConfigSchema.safeParse({ intervals: ['5m', '1h', '7m'] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['intervals', 2]);
    const b = trendsConfigSchema.safeParse({ baseline: 'soon' });
    expect(b.error!.issues[0]!.path).toEqual(['baseline']);
    const t = trendsConfigSchema.safeParse({ themes: { period: '90m' } });
    expect(t.error!.issues[0]!.path).toEqual(['themes', 'period']);
  });
});
