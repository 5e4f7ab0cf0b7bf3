// From the validated `trends:` section to the engine's options (milliseconds, stop list, themes).
import { parseDurationSeconds } from '../../../src/core/config/duration.ts';
import { DEFAULT_SKETCH_DEPTH, DEFAULT_SKETCH_WIDTH } from './count-min.ts';
import type { TrendsConfig } from './config.ts';
import type { TrendEngineOptions } from './engine.ts';
import { DEFAULT_THEME_OPTIONS } from './themes.ts';

export function durationMs(text: string): number {
  const s = parseDurationSeconds(text);
  if (s === undefined || s <= 0) throw new RangeError(`[trends] "${text}" is not a duration like 5m or 7d`);
  return s * 1000;
}

export function engineOptions(
  c: TrendsConfig,
  coinOf: (topic: string) => string | undefined,
): TrendEngineOptions {
  return {
    intervalsMs: c.intervals.map(durationMs),
    baselineMs: durationMs(c.baseline),
    topN: c.top,
    minCount: c.minCount,
    capacity: c.capacity,
    sketchWidth: DEFAULT_SKETCH_WIDTH,
    sketchDepth: DEFAULT_SKETCH_DEPTH,
    graceMs: c.graceSeconds * 1000,
    emerging: {
      minCount: c.emerging.minCount,
      maxBaselineRatio: c.emerging.maxBaselineRatio,
      warmupMs: durationMs(c.emerging.warmup),
      cooldownMs: durationMs(c.emerging.cooldown),
      maxPerInterval: c.emerging.maxPerInterval,
    },
    ...(c.themes.count > 0
      ? {
          themes: {
            ...DEFAULT_THEME_OPTIONS,
            count: c.themes.count,
            periodMs: durationMs(c.themes.period),
            samplePosts: c.themes.samplePosts,
          },
        }
      : {}),
    coinOf,
  };
}
