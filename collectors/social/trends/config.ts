// Configuration of trending terms, emerging terms, themes and share of voice (config.yaml: trends).
// Every option has a DEFAULT_ constant that config.test.ts pins; durations are written as in the
// rest of the file ("5m", "7d") and checked here, naming the key, so a bad value stops start-up.
import { z } from 'zod';
import { parseDurationSeconds } from '../../../src/core/config/duration.ts';

export const DEFAULT_TREND_INTERVALS = ['5m', '1h'];
export const DEFAULT_TREND_BASELINE = '7d';
export const DEFAULT_TREND_TOP = 20;
export const DEFAULT_TREND_MIN_COUNT = 3;
/** Frequent-counter capacity per topic and 5-minute slot: under-count at most N/1001 of N term occurrences. */
export const DEFAULT_TREND_CAPACITY = 1000;
export const DEFAULT_TREND_GRACE_SECONDS = 10;
export const DEFAULT_EMERGING_MIN_COUNT = 10;
export const DEFAULT_EMERGING_MAX_BASELINE_RATIO = 0.1;
export const DEFAULT_EMERGING_WARMUP = '6h';
export const DEFAULT_EMERGING_COOLDOWN = '24h';
export const DEFAULT_EMERGING_MAX_PER_INTERVAL = 5;
export const DEFAULT_THEME_COUNT = 5;
export const DEFAULT_THEME_PERIOD = '1h';
export const DEFAULT_THEME_SAMPLE_POSTS = 1000;

const duration = z.string().refine((v) => (parseDurationSeconds(v) ?? 0) > 0, {
  message: 'expected a duration like "5m", "1h" or "7d"',
});

export const trendsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    intervals: z.array(duration).min(1).max(4).default(DEFAULT_TREND_INTERVALS),
    baseline: duration.default(DEFAULT_TREND_BASELINE),
    top: z.number().int().min(1).max(100).default(DEFAULT_TREND_TOP),
    /** At least 2: a term seen once in an hour is never held (frequent.ts, the doorkeeper). */
    minCount: z.number().int().min(2).default(DEFAULT_TREND_MIN_COUNT),
    capacity: z.number().int().min(10).max(100_000).default(DEFAULT_TREND_CAPACITY),
    graceSeconds: z.number().int().min(0).max(600).default(DEFAULT_TREND_GRACE_SECONDS),
    stopWords: z.array(z.string().min(1)).default([]),
    emerging: z
      .object({
        minCount: z.number().int().min(1).default(DEFAULT_EMERGING_MIN_COUNT),
        maxBaselineRatio: z.number().min(0).max(1).default(DEFAULT_EMERGING_MAX_BASELINE_RATIO),
        warmup: duration.default(DEFAULT_EMERGING_WARMUP),
        cooldown: duration.default(DEFAULT_EMERGING_COOLDOWN),
        maxPerInterval: z.number().int().min(1).max(50).default(DEFAULT_EMERGING_MAX_PER_INTERVAL),
      })
      .strict()
      .prefault({}),
    themes: z
      .object({
        count: z.number().int().min(0).max(20).default(DEFAULT_THEME_COUNT),
        period: duration.default(DEFAULT_THEME_PERIOD),
        samplePosts: z.number().int().min(50).max(50_000).default(DEFAULT_THEME_SAMPLE_POSTS),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const ms = c.intervals.map((v) => (parseDurationSeconds(v) ?? 0) * 1000);
    const base = Math.min(...ms);
    const largest = Math.max(...ms);
    ms.forEach((x, i) => {
      if (x % base !== 0 || largest % x !== 0)
        ctx.addIssue({
          code: 'custom',
          path: ['intervals', i],
          message: `every interval must be a multiple of the shortest (${c.intervals[ms.indexOf(base)]}) and divide the longest`,
        });
    });
    if ((parseDurationSeconds(c.baseline) ?? 0) * 1000 < largest)
      ctx.addIssue({ code: 'custom', path: ['baseline'], message: 'must be at least the longest interval' });
    const period = (parseDurationSeconds(c.themes.period) ?? 0) * 1000;
    if (period % largest !== 0)
      ctx.addIssue({
        code: 'custom',
        path: ['themes', 'period'],
        message: 'must be a multiple of the longest interval',
      });
  });

export type TrendsConfig = z.infer<typeof trendsConfigSchema>;
