// A streaming anomaly detector for one series: one point at a time, decided from the past only.
//
// The value minus a daily profile by slot (once the slot has been seen on two days; plus a weekly
// correction where it has predicted better; an anomalous point teaches its slot little) feeds five
// EWMA means, fast to slow. The details (the one-step residual, the differences between successive means,
// the log ratio of short- to long-term spread) are divided by robust running scales (mean absolute
// value, updated with clipped values so an outlier does not blind them). The parts of the score, each
// in [0, 1] (docs/analytics.md has the ablation):
//   point, multiscale, variance  a detail against its own slowly forgotten record (0.5 = a new
//              record): heavy-tailed series calibrate themselves instead of trusting a normal tail,
//   likelihood the means of the last 10, 5, 3 and 1 raw scores against their long-run mean and spread,
//              by the normal tail (HTM's "anomaly likelihood": sustained oddness, and a burst as soon as
//              it has happened, which a record lifted by earlier bursts would no longer see),
//   range, meanRange, jump  a value (not close to its expectation), a slow mean or a jump beyond all
//              seen so far: 1,
//   discord    the newest window of 16 values against its nearest earlier window (a shape never made
//              before: a holiday's day, a drift), as a log distance by the normal tail; discord.ts,
//   flatline   identical values for much longer than ever before (a stuck sensor or a dead feed): 1.
// The score is their maximum. After a flag, no flag for `suppressPoints` points (one flag per episode).
import { DEFAULT_STREAMING_OPTIONS, type StreamingOptions, resolveStreamingOptions } from './options.ts';
import { discordScore } from './discord.ts';
import { normalTailDecades } from './normal-tail.ts';
import { type DetectorState, SCALES, decodeState, encodeState, initialState } from './state.ts';
import { STEP_SAMPLES, dailyPeriod, medianSpacing } from './step.ts';

export { DEFAULT_STREAMING_OPTIONS, type StreamingOptions };

export type StreamingAnomalyKind = 'spike' | 'dip' | 'level_shift' | 'variance_change' | 'flatline';

export interface StreamingVerdict {
  /** Anomaly score in [0, 1]. */
  score: number;
  /** Score crossed the (fixed) threshold and was not suppressed. */
  flag: boolean;
  /** The baseline expectation for this point (NaN while warming up / for a gap). */
  expected: number;
  /** Set when flag is true. */
  kind: StreamingAnomalyKind | null;
}

export interface StreamingDetector {
  /** One point: time in ms, value (NaN = missing bucket). Decides from the past only. */
  update(timeMs: number, value: number): StreamingVerdict;
  /** Plain JSON-serialisable state; restoreStreamingDetector(snapshot) continues bit-identically. */
  snapshot(): unknown;
}

/** A z-value's raw score in [0, 1): 0 for an ordinary residual, towards 1 for a huge one. */
function rawScore(z: number): number {
  return z / (z + 3);
}

/** The smallest scale a residual is divided by, so a flat history does not make every wiggle infinite. */
function scaleFloor(s: DetectorState): number {
  const range = s.max - s.min;
  return Math.max(1e-3 * (Number.isFinite(range) ? range : 0), 1e-9 * Math.abs(s.base || 0), 1e-12);
}

/** z against the record of its statistic: 0.5 at the record, 1 at twice it. */
function recordScore(z: number, record: number): number {
  if (!(record > 0)) return 0;
  return Math.min(1, (0.5 * z) / record);
}

/** Clipped EWMA update of a mean absolute value (a robust running scale). */
function updateScale(scale: number, residual: number, alpha: number, clip: number, floor: number): number {
  const r = Math.abs(residual);
  if (!(scale > 0)) return r;
  return scale + alpha * (Math.min(r, clip * Math.max(scale, floor)) - scale);
}

const GAP: StreamingVerdict = Object.freeze({
  score: 0,
  flag: false,
  expected: Number.NaN,
  kind: null,
}) as StreamingVerdict;

function learnStep(s: DetectorState, timeMs: number): void {
  if (Number.isFinite(s.lastTimeMs) && timeMs > s.lastTimeMs && !Number.isFinite(s.stepMs)) {
    s.spacings.push(timeMs - s.lastTimeMs);
    if (s.spacings.length >= STEP_SAMPLES) {
      s.stepMs = medianSpacing(s.spacings);
      s.period = s.options.parts.seasonal ? dailyPeriod(s.stepMs, s.options.maxSeasonalSlots) : 0;
      s.season = new Float64Array(s.period);
      s.seasonVisits = new Float64Array(s.period);
      s.seasonSurprise = new Float64Array(s.period);
      const week = 7 * s.period;
      s.weekPeriod = s.options.parts.weekly && s.period > 0 && week <= s.options.maxWeeklySlots ? week : 0;
      s.week = new Float64Array(s.weekPeriod);
      s.weekVisits = new Float64Array(s.weekPeriod);
    }
  }
  s.lastTimeMs = timeMs;
}

function slotIn(s: DetectorState, timeMs: number, period: number): number {
  const cycleMs = period * s.stepMs;
  const inCycle = ((timeMs % cycleMs) + cycleMs) % cycleMs;
  return Math.min(period - 1, Math.floor(inCycle / s.stepMs));
}

/** The weekly correction at a slot, averaged over the visited slots within `weeklySmoothDays` of it. */
function smoothedWeek(s: DetectorState, weekSlot: number): number {
  const h = Math.floor(s.options.weeklySmoothDays * s.period);
  let sum = 0;
  let count = 0;
  for (let d = -h; d <= h; d++) {
    const k = (weekSlot + d + s.weekPeriod) % s.weekPeriod;
    if ((s.weekVisits[k] as number) >= 1) {
      sum += s.week[k] as number;
      count += 1;
    }
  }
  return (s.weekVisits[weekSlot] as number) >= 1 && count > 0 ? sum / count : Number.NaN;
}

function slotOf(s: DetectorState, timeMs: number): number {
  return s.period === 0 ? -1 : slotIn(s, timeMs, s.period);
}

// Scratch space reused by every update (updates never nest), so an update allocates only its verdict.
const DETAILS = new Float64Array(SCALES + 1);
const PREVIOUS = new Float64Array(SCALES);
const STATS = new Float64Array(4);

/** 1.2533 turns a mean absolute deviation into a standard deviation (normal data). */
const MAD_TO_SD = 1.2533;

function step(s: DetectorState, timeMs: number, x: number): StreamingVerdict {
  const o = s.options;
  learnStep(s, timeMs);
  if (!Number.isFinite(x)) return GAP;

  const first = s.n === 0;
  const slot = slotOf(s, timeMs);
  // The daily profile enters gradually as its slot is seen on more days, and only as far as it
  // predicts better than the level alone (out of sample): a series without a daily cycle keeps none.
  const seasonStrength =
    s.seasonTotal > 0
      ? Math.min(
          1,
          Math.max(
            0,
            (1 - s.seasonResidual / s.seasonTotal - o.seasonalMinStrength) / (1 - o.seasonalMinStrength),
          ),
        )
      : 0;
  const seasonWeight =
    slot >= 0
      ? Math.min(1, (s.seasonVisits[slot] as number) / Math.max(o.seasonalMinCycles, 1e-9)) *
        (o.seasonalMinStrength > 0 ? seasonStrength : 1)
      : 0;
  // A weekly correction on top (the day-of-week shape the daily profile cannot hold: weekends,
  // holidays' echo), smoothed over neighbouring slots and weighted by how much better it has predicted
  // than the daily profile alone, out of sample: it enters gradually, and not at all where it does not help.
  const weekSlot = s.weekPeriod > 0 ? slotIn(s, timeMs, s.weekPeriod) : -1;
  const weekCorrection = weekSlot >= 0 ? smoothedWeek(s, weekSlot) : Number.NaN;
  const weekGain = s.weekErrDaily > 0 ? 1 - s.weekErrWeekly / s.weekErrDaily : 0;
  const weekWeight = Number.isFinite(weekCorrection)
    ? Math.min(1, Math.max(0, weekGain / o.weeklyFullGain)) * seasonWeight
    : 0;
  const seasonal =
    (slot >= 0 ? seasonWeight * (s.season[slot] as number) : 0) +
    (weekWeight > 0 ? weekWeight * weekCorrection : 0);
  const y = x - seasonal;
  if (first) {
    s.base = x;
    s.means.fill(y);
  }
  const floor = scaleFloor(s);
  const expected = (s.means[0] as number) + seasonal;

  // Details: the one-step residual, then the differences between successive EWMA means.
  const details = DETAILS;
  details[0] = y - (s.means[0] as number);
  let alpha = o.levelAlpha;
  const previous = PREVIOUS;
  previous.set(s.means);
  for (let k = 0; k < SCALES; k++) {
    s.means[k] = (s.means[k] as number) + alpha * (y - (s.means[k] as number));
    alpha /= o.scaleFactor;
  }
  for (let k = 1; k < SCALES; k++) details[k] = (s.means[k - 1] as number) - (previous[k] as number);
  // Short-term spread against the long-run spread, as a log ratio (variance changes).
  s.spreadShort = first
    ? 0
    : s.spreadShort + o.spreadAlpha * (Math.abs(details[0] as number) - s.spreadShort);
  const longSpread = s.detailScales[0] as number;
  const logRatio = Math.log((s.spreadShort + floor) / (longSpread + floor));
  details[SCALES] = logRatio;

  let pointZ = 0;
  let multiZ = 0;
  for (let k = 0; k < SCALES; k++) {
    const z = Math.abs(details[k] as number) / Math.max(MAD_TO_SD * (s.detailScales[k] as number), floor);
    if (k === 0) pointZ = z;
    else multiZ = Math.max(multiZ, z);
  }
  const varZ = Math.abs(logRatio) / Math.max(MAD_TO_SD * (s.detailScales[SCALES] as number), 1e-6);
  // Each statistic is judged against its own (slowly forgotten) record: a score of 0.5 is a new
  // record, so heavy-tailed series calibrate themselves instead of trusting a normal tail.
  const warmScales = s.n >= 2;
  // A record among few points is weak evidence (under no change, the chance of one is 1 / points);
  // the score is discounted by log(history) / log(the record's memory).
  const memory = 1 / Math.max(1 - o.recordDecay, 1e-9);
  const history = Math.max(2, s.n - o.warmupPoints / 2);
  const confidence = o.parts.confidence
    ? Math.min(1, Math.log(history) / Math.log(memory)) ** o.confidencePower
    : 1;
  const point = o.parts.point && warmScales ? confidence * recordScore(pointZ, s.records[0] as number) : 0;
  const multi =
    o.parts.multiscale && warmScales ? confidence * recordScore(multiZ, s.records[1] as number) : 0;
  const variance =
    o.parts.variance && warmScales ? confidence * recordScore(varZ, s.records[2] as number) : 0;

  // Anomaly likelihood: short mean of raw scores against their long-run mean and spread.
  const raw = rawScore(Math.max(pointZ, multiZ));
  const w = o.shortWindow;
  s.ring[s.ringPos] = raw;
  s.ringPos = (s.ringPos + 1) % w;
  // The mean of the newest k raw scores for k = w, w/2, w/4, ... (likelihoodWindows of them), each
  // against the long-run mean and spread of single raw scores (HTM's rule): a short burst is judged as
  // soon as it fills a window of its own length, not only once it dominates the longest one (by then
  // it is over). A shorter window's z is discounted by (k / w)^likelihoodShortPower: three odd points
  // are weaker evidence than ten.
  const sd = Math.sqrt(Math.max(s.longVar, 1e-6));
  let likelihoodZ = Number.NEGATIVE_INFINITY;
  {
    let sum = 0;
    const seen = Math.min(w, s.n + 1);
    let want = Math.max(1, Math.round(w / 2 ** (o.likelihoodWindows - 1)));
    for (let k = 1; k <= seen; k++) {
      sum += s.ring[(s.ringPos - k + w) % w] as number;
      if (k === want || k === seen) {
        const discount = k === seen ? 1 : (k / w) ** o.likelihoodShortPower;
        likelihoodZ = Math.max(likelihoodZ, ((sum / k - s.longMean) / sd) * discount);
        want = Math.max(want + 1, Math.round(want * 2));
      }
    }
  }
  // Judged by its normal tail, as HTM's anomaly likelihood is (a short mean is near normal).
  const likelihood =
    o.parts.likelihood && warmScales ? normalTailDecades(likelihoodZ) / o.fullScoreDecades : 0;

  const range = s.max - s.min;
  const warmRange = s.n >= o.warmupPoints;
  // Beyond the range by a share of it, and far from its expectation (a new low that the daily
  // profile saw coming, or a night-time low within the noise, is no news).
  const rangeMargin = o.rangeTolerance * range;
  const novel =
    o.parts.range &&
    warmRange &&
    pointZ >= o.rangeMinZ &&
    (x > s.max + rangeMargin || x < s.min - rangeMargin);
  // The same at slower scales: an EWMA mean of the deseasonalised value beyond all it has been.
  let novelMean = -1;
  let novelJump = false;
  for (let k = 0; k < SCALES; k++) {
    // Slot 0 holds the one-step residual: a jump larger than any before.
    const m = k === 0 ? (details[0] as number) : (s.means[k] as number);
    const lo = s.meanMin[k] as number;
    const hi = s.meanMax[k] as number;
    const tol = (k === 0 ? o.jumpTolerance : o.meanRangeTolerance) * (hi - lo);
    if (k === 0 && o.parts.jump && warmRange && (m > hi + tol || m < lo - tol)) novelJump = true;
    if (o.parts.meanRange && warmRange && k >= 1 && (m > hi + tol || m < lo - tol) && novelMean < 0)
      novelMean = k;
    if (2 * s.n >= o.warmupPoints) {
      s.meanMin[k] = Math.min(lo, m);
      s.meanMax[k] = Math.max(hi, m);
    }
  }

  // Seasonal novelty: the deseasonalised value beyond all it has been since the profile was trusted
  // (a busy hour at a quiet time of day is no new extreme of the value, but is one of this).
  let novelSeasonal = false;
  if (seasonWeight >= 1 - 1e-9) {
    const tol = o.seasonalRangeTolerance * (s.yMax - s.yMin);
    novelSeasonal =
      o.parts.seasonalRange && warmRange && s.yMax > s.yMin && (y > s.yMax + tol || y < s.yMin - tol);
    s.yMin = Math.min(s.yMin, y);
    s.yMax = Math.max(s.yMax, y);
  }

  // Context novelty: a pair (value, value before) or (value, slower mean) in a cell of the range
  // grid never visited before: a shape the series has not made (the idea behind contextOSE).
  let novelContext = false;
  const bins = o.contextBins;
  if (o.parts.context && bins > 0 && Number.isFinite(range) && range > 0) {
    const q = (v: number) => Math.max(0, Math.min(bins - 1, Math.floor(((v - s.min) / range) * bins)));
    const pairs: [number, number][] = [
      [q(x), q(s.lastValue)],
      [q(x), q((s.means[2] as number) + seasonal)],
    ];
    for (let p = 0; p < pairs.length; p++) {
      const [a, b] = pairs[p] as [number, number];
      const cell = p * bins * bins + a * bins + b;
      if (warmRange && (s.contexts[cell] as number) === 0) novelContext = true;
      if (2 * s.n >= o.warmupPoints) s.contexts[cell] = (s.contexts[cell] as number) + 1;
    }
  }

  // Flat line: identical values for far longer than ever before.
  let flat = false;
  if (x === s.lastValue) {
    s.run += 1;
    const need = Math.max(o.flatMinRun, Math.ceil(o.flatRunFactor * s.longestRun));
    flat = o.parts.flatline && s.run + 1 === need;
  } else {
    s.longestRun = Math.max(s.longestRun, s.run + 1);
    s.run = 0;
  }

  // Subsequence novelty: the newest window of values against its nearest earlier window (discord.ts).
  const discord = discordScore(s, x);

  let score = Math.max(point, multi, variance, likelihood, discord);
  let kind: StreamingAnomalyKind = (details[0] as number) >= 0 ? 'spike' : 'dip';
  if (score === multi && multi > point) kind = 'level_shift';
  else if (score === variance && variance > point) kind = 'variance_change';
  if (novelMean >= 0) {
    score = 1;
    kind = 'level_shift';
  }
  // A new context is evidence that adds to the others rather than a verdict of its own.
  if (novelContext) score += o.contextScore;
  if (novelSeasonal) {
    score = 1;
    kind = y >= s.yMax ? 'spike' : 'dip';
  }
  if (novelJump) {
    score = 1;
    kind = (details[0] as number) >= 0 ? 'spike' : 'dip';
  }
  if (novel) {
    score = 1;
    kind = x > s.max ? 'spike' : 'dip';
  }
  if (flat) {
    score = 1;
    kind = 'flatline';
  }
  score = Math.min(1, Math.max(0, score));

  const warm = s.n >= o.warmupPoints;
  const suppressed = o.parts.suppression && s.sinceFlag < o.suppressPoints;
  const flag = warm && !suppressed && score >= o.threshold;
  s.sinceFlag = flag ? 0 : s.sinceFlag + 1;

  // Learn from this point (after deciding on it).
  if (!first) {
    for (let k = 0; k < SCALES; k++) {
      s.detailScales[k] = updateScale(
        s.detailScales[k] as number,
        details[k] as number,
        o.scaleAlpha,
        o.scaleClip,
        floor,
      );
    }
    s.detailScales[SCALES] = updateScale(
      s.detailScales[SCALES] as number,
      logRatio,
      o.scaleAlpha,
      o.scaleClip,
      1e-6,
    );
  }
  if (weekSlot >= 0 && slot >= 0) {
    // The daily model's miss at this point, before the profile learns from it.
    const miss = x - s.base - (s.season[slot] as number);
    if (Number.isFinite(weekCorrection) && (s.seasonVisits[slot] as number) >= 1) {
      const a = 1 / s.period;
      s.weekErrDaily += a * (Math.abs(miss) - s.weekErrDaily);
      s.weekErrWeekly += a * (Math.abs(miss - weekCorrection) - s.weekErrWeekly);
    }
    const visits = s.weekVisits[weekSlot] as number;
    const a = Math.max(o.weeklyAlpha, 1 / (visits + 1));
    s.week[weekSlot] = (s.week[weekSlot] as number) + a * (miss - (s.week[weekSlot] as number));
    s.weekVisits[weekSlot] = visits + 1;
  }
  if (slot >= 0) {
    const visits = s.seasonVisits[slot] as number;
    const dev = x - s.base;
    if (visits >= 1) {
      // How well the profile predicted this point, against the level alone (both out of sample).
      const a = 2 / s.period;
      s.seasonTotal += a * (dev * dev - s.seasonTotal);
      const miss = dev - (s.season[slot] as number);
      s.seasonResidual += a * (miss * miss - s.seasonResidual);
    }
    const a = Math.max(o.seasonalAlpha, 1 / (visits + 1));
    const miss = dev - (s.season[slot] as number);
    // A point the detector finds anomalous teaches its slot little (a tenth at score 1), so today's
    // burst is not tomorrow's expectation (an echo that looks like a dip a day later). Unless the
    // slot's last visit was a surprise too: the same surprise at the same time of day is a pattern.
    const teach =
      o.seasonalScoreDamping > 0 && (s.seasonSurprise[slot] as number) < o.threshold
        ? Math.max(0, 1 - o.seasonalScoreDamping * score)
        : 1;
    s.seasonSurprise[slot] = score;
    s.season[slot] = (s.season[slot] as number) + a * teach * miss;
    s.seasonVisits[slot] = visits + 1;
    s.base += (1 / Math.max(s.period, 1)) * (x - (s.season[slot] as number) - s.base);
  }
  const stats = STATS;
  stats[0] = pointZ;
  stats[1] = multiZ;
  stats[2] = varZ;
  stats[3] = likelihoodZ;
  // Records start once the scales have settled (half the warm-up), so they are not the start-up's.
  for (let k = 0; k < stats.length && 2 * s.n >= o.warmupPoints; k++) {
    const record = s.records[k] as number;
    // An outlier lifts the record only so far, so a second one like it still counts.
    const capped = record > 0 ? Math.min(stats[k] as number, o.recordCap * record) : (stats[k] as number);
    s.records[k] = Math.max(record * o.recordDecay, capped);
  }
  const la = s.n < 1 / o.longAlpha ? 1 / (s.n + 1) : o.longAlpha;
  const delta = raw - s.longMean;
  s.longMean += la * delta;
  s.longVar = (1 - la) * (s.longVar + la * delta * delta);
  // Old extremes are forgotten slowly (towards the slowest mean), so a long series' novelty is judged
  // against its recent months rather than a spike of long ago.
  if (o.rangeDecay < 1 && warmRange) {
    const centre = (s.means[SCALES - 1] as number) + seasonal;
    s.max = centre + (s.max - centre) * o.rangeDecay;
    s.min = centre + (s.min - centre) * o.rangeDecay;
  }
  s.min = Math.min(s.min, x);
  s.max = Math.max(s.max, x);
  s.lastValue = x;
  s.n += 1;

  return { score, flag, expected: warm ? expected : Number.NaN, kind: flag ? kind : null };
}

class Detector implements StreamingDetector {
  constructor(private readonly state: DetectorState) {}
  update(timeMs: number, value: number): StreamingVerdict {
    return step(this.state, timeMs, value);
  }
  snapshot(): unknown {
    return encodeState(this.state);
  }
}

export function createStreamingDetector(options?: Partial<StreamingOptions>): StreamingDetector {
  return new Detector(initialState(resolveStreamingOptions(options)));
}

/** Continues a detector from `snapshot()`; throws a clear Error on a bad or foreign-version state. */
export function restoreStreamingDetector(state: unknown): StreamingDetector {
  return new Detector(decodeState(state));
}
