// The detector's one fixed configuration. Every series gets the same values: scale, trend and cycles
// are learnt from the data, so nothing here depends on the series' units or step.
import { z } from 'zod';

export interface StreamingOptions {
  /** Score at or above which a point is flagged (unless suppressed or warming up). */
  threshold: number;
  /** Points seen before any flag: the scale and the score distribution need some history. */
  warmupPoints: number;
  /** Weight of the newest value in the fastest EWMA mean (1 = last value). */
  levelAlpha: number;
  /** Each slower EWMA mean gives the newest value this many times less weight. */
  scaleFactor: number;
  /** Weight of the newest absolute residual in the short-term spread (variance changes). */
  spreadAlpha: number;
  /** Weight of the newest absolute residual in the robust residual scale (EWMA). */
  scaleAlpha: number;
  /** A residual enters the scale clipped at this many scales, so one spike does not blind it. */
  scaleClip: number;
  /** Weight of today's value in the seasonal profile slot (per visit of the slot, i.e. per cycle). */
  seasonalAlpha: number;
  /** Weight of this week's miss in the weekly correction's slot (per visit, i.e. per week). */
  weeklyAlpha: number;
  /** The weekly correction is averaged over the slots within this share of a day on either side. */
  weeklySmoothDays: number;
  /** Relative cut of the daily profile's mean absolute miss at which the weekly correction is fully used. */
  weeklyFullGain: number;
  /** A point with anomaly score q teaches its profile slot with weight 1 - seasonalScoreDamping * q. */
  seasonalScoreDamping: number;
  /** Cycles seen before the seasonal expectation is trusted. */
  seasonalMinCycles: number;
  /** Share of the variance around the level that the profile must explain before it is used at all. */
  seasonalMinStrength: number;
  /** Most slots a daily profile may have (1440 = 1-minute data); finer data has no profile. */
  maxSeasonalSlots: number;
  /** Most slots a weekly correction may have (2016 = 5-minute data); finer data has none. */
  maxWeeklySlots: number;
  /** Points in the short mean of the anomaly-likelihood stage. */
  shortWindow: number;
  /** Likelihood windows: the newest shortWindow points, and halves of it down to shortWindow/2^(n-1). */
  likelihoodWindows: number;
  /** A shorter likelihood window's z is discounted by (points / shortWindow)^this. */
  likelihoodShortPower: number;
  /** Weight of the newest raw score in the long-run score distribution (EWMA of mean and variance). */
  longAlpha: number;
  /** Decades of improbability (-log10 tail) that make a score of 1. */
  fullScoreDecades: number;
  /** Per-point factor by which the record of each statistic is forgotten. */
  recordDecay: number;
  /** Power of the history discount log(points) / log(memory) on record scores. */
  confidencePower: number;
  /** A new record is at most this many times the old one (an outlier does not raise the bar for long). */
  recordCap: number;
  /** A value beyond the range seen so far by this share of the range is novel. */
  rangeTolerance: number;
  /** ... and only when the value is at least this many spreads from its expectation. */
  rangeMinZ: number;
  /** Per-point factor by which the range seen shrinks towards the slow level (1 = never forgets). */
  rangeDecay: number;
  /** The same for the EWMA means (slower, so they may not creep past their range unnoticed). */
  meanRangeTolerance: number;
  /** The same for the one-step residual (a jump larger than any before). */
  jumpTolerance: number;
  /** The same for the deseasonalised value. */
  seasonalRangeTolerance: number;
  /** Bins per axis of the context grids (0 = none). */
  contextBins: number;
  /** Score of a never-visited context cell. */
  contextScore: number;
  /** Values in a window for subsequence novelty (0 = none). */
  discordWindow: number;
  /** Earlier values the nearest window is searched among (block means at the coarser scales). */
  discordHistory: number;
  /** Block sizes the novelty is measured at: 1 = the values themselves, 4 = means of 4. */
  discordScales: number[];
  /** Decades of improbability of the log nearest-window distance that make a novelty score of 1. */
  discordDecades: number;
  /** After a novelty flag, the stage scores again once the log distance's z falls below this. */
  discordRearmZ: number;
  /** Points after a flag during which no new flag is raised (one flag per episode). */
  suppressPoints: number;
  /** Identical values in a row, in multiples of the longest such run seen before, that flag a flat line. */
  flatRunFactor: number;
  /** Fewest identical values in a row that may flag a flat line. */
  flatMinRun: number;
  /** Score components in use (for the ablation table); all on by default. */
  parts: {
    likelihood: boolean;
    point: boolean;
    multiscale: boolean;
    variance: boolean;
    range: boolean;
    meanRange: boolean;
    jump: boolean;
    seasonalRange: boolean;
    context: boolean;
    seasonal: boolean;
    weekly: boolean;
    flatline: boolean;
    suppression: boolean;
    confidence: boolean;
    discord: boolean;
  };
}

export const DEFAULT_STREAMING_OPTIONS: StreamingOptions = Object.freeze({
  threshold: 0.7,
  warmupPoints: 100,
  levelAlpha: 0.5,
  scaleFactor: 4,
  spreadAlpha: 1 / 16,
  scaleAlpha: 0.01,
  scaleClip: 4,
  seasonalAlpha: 0.15,
  weeklyAlpha: 0.3,
  weeklySmoothDays: 1 / 96,
  weeklyFullGain: 0.1,
  seasonalScoreDamping: 0.9,
  seasonalMinCycles: 2,
  seasonalMinStrength: 0,
  maxSeasonalSlots: 1440,
  maxWeeklySlots: 2016,
  shortWindow: 10,
  likelihoodWindows: 4,
  likelihoodShortPower: 0.2,
  longAlpha: 0.001,
  fullScoreDecades: 5,
  // Half-life about 3,500 points: a burst as big as one weeks ago is news again (docs/analytics.md).
  recordDecay: 0.9998,
  confidencePower: 1,
  recordCap: 1.5,
  rangeTolerance: 0.01,
  rangeMinZ: 4,
  rangeDecay: 0.999985,
  meanRangeTolerance: 0.1,
  jumpTolerance: 0.1,
  seasonalRangeTolerance: 0.1,
  contextBins: 10,
  contextScore: 0.3,
  discordWindow: 16,
  discordHistory: 2000,
  discordScales: Object.freeze([1, 4]) as unknown as number[],
  discordDecades: 3.5,
  discordRearmZ: 0,
  suppressPoints: 30,
  flatRunFactor: 2,
  flatMinRun: 30,
  parts: Object.freeze({
    likelihood: true,
    point: true,
    multiscale: true,
    variance: true,
    range: true,
    meanRange: true,
    jump: true,
    seasonalRange: false,
    context: false,
    seasonal: true,
    weekly: true,
    flatline: true,
    suppression: true,
    confidence: false,
    discord: true,
  }),
}) as StreamingOptions;

const unit = z.number().min(0).max(1);
export const streamingOptionsSchema = z.object({
  threshold: unit,
  warmupPoints: z.number().int().min(0),
  levelAlpha: unit,
  scaleFactor: z.number().min(1),
  spreadAlpha: unit,
  scaleAlpha: unit,
  scaleClip: z.number().positive(),
  seasonalAlpha: unit,
  weeklyAlpha: unit,
  weeklySmoothDays: z.number().min(0).max(1),
  weeklyFullGain: z.number().positive(),
  seasonalScoreDamping: z.number().min(0).max(1),
  seasonalMinCycles: z.number().min(0),
  seasonalMinStrength: z.number().min(0).max(0.99),
  maxSeasonalSlots: z.number().int().min(0).max(100_000),
  maxWeeklySlots: z.number().int().min(0).max(100_000),
  shortWindow: z.number().int().min(1).max(10_000),
  likelihoodWindows: z.number().int().min(1).max(64),
  likelihoodShortPower: z.number().min(0).max(1),
  longAlpha: unit,
  fullScoreDecades: z.number().positive(),
  recordDecay: unit,
  confidencePower: z.number().min(0),
  recordCap: z.number().min(1),
  rangeTolerance: z.number().min(0),
  rangeMinZ: z.number().min(0),
  rangeDecay: unit,
  meanRangeTolerance: z.number().min(0),
  jumpTolerance: z.number().min(0),
  seasonalRangeTolerance: z.number().min(0),
  contextBins: z.number().int().min(0).max(64),
  contextScore: unit,
  discordWindow: z.number().int().min(0).max(1000),
  discordHistory: z.number().int().min(1).max(1_000_000),
  discordScales: z.array(z.number().int().min(1).max(1000)).max(8),
  discordDecades: z.number().positive(),
  discordRearmZ: z.number(),
  suppressPoints: z.number().int().min(0),
  flatRunFactor: z.number().min(1),
  flatMinRun: z.number().int().min(2),
  parts: z.object({
    likelihood: z.boolean(),
    point: z.boolean(),
    multiscale: z.boolean(),
    variance: z.boolean(),
    range: z.boolean(),
    meanRange: z.boolean(),
    jump: z.boolean(),
    seasonalRange: z.boolean(),
    context: z.boolean(),
    seasonal: z.boolean(),
    weekly: z.boolean(),
    flatline: z.boolean(),
    suppression: z.boolean(),
    confidence: z.boolean(),
    discord: z.boolean(),
  }),
});

/** Defaults overlaid with `options`; throws naming the key when a value is out of range. */
export function resolveStreamingOptions(options: Partial<StreamingOptions> = {}): StreamingOptions {
  const merged = {
    ...DEFAULT_STREAMING_OPTIONS,
    ...options,
    parts: { ...DEFAULT_STREAMING_OPTIONS.parts, ...(options.parts ?? {}) },
  };
  const parsed = streamingOptionsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(
      `streaming detector option ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
