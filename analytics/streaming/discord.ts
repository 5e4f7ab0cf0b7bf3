// Subsequence novelty (a streaming "left discord"): the distance from the newest window of
// `discordWindow` values to its nearest neighbour among the earlier windows of a bounded history. A
// shape the series has never made (a holiday's day, a slow drift, a new rhythm) is far from every
// earlier window even when each value on its own is within range: the idea behind the best published
// detectors on NAB's real series (contextOSE's novel contexts, ARTime's new categories), here as a plain
// nearest-neighbour distance. It runs at each of `discordScales`: the values themselves, and means of
// blocks of 4 (a window then spans 64 points, for slower shapes, and the history 4 times as long).
//
// The distance is judged as a log (distances are skewed; their logs are near normal) against its own
// long-run mean and spread, by the normal tail. Once a scale has spoken it stays quiet until its
// distance is back below its long-run mean, so a long novel stretch (a drift into new territory) is one
// flag, not one every suppression period. Gaps are skipped: a window joins the values either side.
import type { StreamingOptions } from './options.ts';
import { normalTailDecades } from './normal-tail.ts';

/** The part of the detector's state this stage reads and writes; per scale unless said otherwise. */
export interface DiscordState {
  options: StreamingOptions;
  /** Each scale's newest values (block means), one slice of discordCapacity(options) per scale. */
  discordValues: Float64Array;
  /** Values held in each scale's slice. */
  discordLength: Float64Array;
  /** Where the last nearest window started in each scale's slice (-1 = none). */
  discordNearest: Float64Array;
  /** Sum and count of the values in each scale's block so far. */
  discordBlockSum: Float64Array;
  discordBlockCount: Float64Array;
  /** Long-run mean and variance of the log nearest-window distance, and how many went in. */
  discordMean: Float64Array;
  discordVar: Float64Array;
  discordCount: Float64Array;
  /** 1 when the scale may score, 0 after it has scored a flag until its distances are ordinary again. */
  discordArmed: Float64Array;
}

function enabled(options: StreamingOptions): boolean {
  return options.parts.discord && options.discordWindow > 0;
}

/** Scales in use (none when the part is off). */
export function discordScaleCount(options: StreamingOptions): number {
  return enabled(options) ? options.discordScales.length : 0;
}

/**
 * Block means a scale holds: its history and two windows (the newest and the first it may match).
 * Every scale keeps as many of its own windows, so a coarser one remembers further back.
 */
function held(options: StreamingOptions): number {
  return options.discordHistory + 2 * options.discordWindow;
}

/** Values one scale's slice holds at most: twice what it needs, so it is compacted only now and then. */
export function discordCapacity(options: StreamingOptions): number {
  return 2 * held(options);
}

/** Length of the values array over all scales. */
export function discordValuesLength(options: StreamingOptions): number {
  return discordScaleCount(options) * discordCapacity(options);
}

/** Squared distance between the windows of m values at a and b, abandoned once it reaches `bound`. */
function distance(values: Float64Array, a: number, b: number, m: number, bound: number): number {
  let d = 0;
  for (let k = 0; k < m && d < bound; k++) {
    const diff = (values[a + k] as number) - (values[b + k] as number);
    d += diff * diff;
  }
  return d;
}

/**
 * Squared distance from the newest window of m values in values[from, from + length) to its nearest
 * earlier window that does not overlap it (NaN while there is none), and where that window starts
 * (relative to `from`), in NEAREST. The search starts from `hint` (the last nearest window, moved on
 * by one: usually close to the new nearest), so other candidates are abandoned early; then newest
 * first. The result is the exact nearest window whatever the hint.
 */
export function nearestSquaredDistance(
  values: Float64Array,
  from: number,
  length: number,
  m: number,
  hint = -1,
): number {
  const q0 = from + length - m;
  if (q0 - m < from) return Number.NaN;
  let best = Number.POSITIVE_INFINITY;
  let at = -1;
  if (hint >= 0 && from + hint <= q0 - m) {
    best = distance(values, q0, from + hint, m, best);
    at = hint;
  }
  for (let j = q0 - m; j >= from; j--) {
    const d = distance(values, q0, j, m, best);
    if (d < best) {
      best = d;
      at = j - from;
    }
  }
  NEAREST[0] = at;
  return best;
}

/** Where the last nearest window started (set by nearestSquaredDistance). */
export const NEAREST = new Int32Array(1);

/** Appends a block mean to a scale's slice (compacting it when full) and scores its newest window. */
function scoreScale(s: DiscordState, scale: number, from: number, value: number): number {
  const o = s.options;
  const capacity = discordCapacity(o);
  let length = s.discordLength[scale] as number;
  let hint = (s.discordNearest[scale] as number) + 1;
  if (length === capacity) {
    const keep = held(o);
    s.discordValues.copyWithin(from, from + length - keep, from + length);
    hint -= length - keep;
    length = keep;
  }
  s.discordValues[from + length] = value;
  length += 1;
  s.discordLength[scale] = length;
  const d2 = nearestSquaredDistance(s.discordValues, from, length, o.discordWindow, hint);
  s.discordNearest[scale] = NEAREST[0] as number;
  // A window identical to an earlier one (distance 0) has no log; it is ordinary by definition.
  if (!(d2 > 0)) return 0;
  const d = 0.5 * Math.log(d2);
  const count = s.discordCount[scale] as number;
  const mean = s.discordMean[scale] as number;
  let score = 0;
  if (count >= o.warmupPoints / 2) {
    const z = (d - mean) / Math.max(Math.sqrt(s.discordVar[scale] as number), 1e-6);
    if ((s.discordArmed[scale] as number) >= 1) {
      score = Math.min(1, normalTailDecades(z) / o.discordDecades);
      if (score >= o.threshold) s.discordArmed[scale] = 0;
    } else if (z < o.discordRearmZ) {
      s.discordArmed[scale] = 1;
    }
  }
  const a = count < 1 / o.longAlpha ? 1 / (count + 1) : o.longAlpha;
  const delta = d - mean;
  s.discordMean[scale] = mean + a * delta;
  s.discordVar[scale] = (1 - a) * ((s.discordVar[scale] as number) + a * delta * delta);
  s.discordCount[scale] = count + 1;
  return score;
}

/** Adds value x and returns the subsequence-novelty score in [0, 1]: the highest of the scales'. */
export function discordScore(s: DiscordState, x: number): number {
  const o = s.options;
  let score = 0;
  let from = 0;
  for (let scale = 0; scale < discordScaleCount(o); scale++) {
    const factor = o.discordScales[scale] as number;
    const sum = (s.discordBlockSum[scale] as number) + x;
    const count = (s.discordBlockCount[scale] as number) + 1;
    if (count >= factor) {
      score = Math.max(score, scoreScale(s, scale, from, sum / count));
      s.discordBlockSum[scale] = 0;
      s.discordBlockCount[scale] = 0;
    } else {
      s.discordBlockSum[scale] = sum;
      s.discordBlockCount[scale] = count;
    }
    from += discordCapacity(o);
  }
  return score;
}
