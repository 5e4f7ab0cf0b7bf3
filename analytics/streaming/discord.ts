// Subsequence novelty (a streaming "left discord"): the distance from the newest window of
// `discordWindow` values to its nearest neighbour among the earlier windows of a bounded history. A
// shape the series has never made (a holiday's day, a slow drift, a new rhythm) is far from every
// earlier window even when each value on its own is within range: the idea behind the best published
// detectors on NAB's real series (contextOSE's novel contexts, ARTime's new categories), here as a plain
// nearest-neighbour distance.
//
// The distance is judged as a log (distances are skewed; their logs are near normal) against its own
// long-run mean and spread by the normal tail. Once it has spoken it stays quiet until the distance is
// back below its long-run mean, so a long novel stretch (a drift into new territory) is one flag, not one
// every suppression period. Gaps are skipped: a window joins the values either side of a gap.
import type { StreamingOptions } from './options.ts';
import { normalTailDecades } from './normal-tail.ts';

/** The part of the detector's state this stage reads and writes. */
export interface DiscordState {
  options: StreamingOptions;
  /** The newest values (capacity 2 * the held history, compacted when full), and how many are held. */
  discordValues: Float64Array;
  discordLength: number;
  /** Long-run mean and variance of the log nearest-neighbour distance, and how many went in. */
  discordMean: number;
  discordVar: number;
  discordCount: number;
  /** 1 when the stage may score, 0 after it has scored a flag until distances are ordinary again. */
  discordArmed: number;
}

/** Values the buffer holds at most (none when the part is off). */
export function discordCapacity(options: StreamingOptions): number {
  return options.parts.discord && options.discordWindow > 0
    ? 2 * (options.discordHistory + 2 * options.discordWindow)
    : 0;
}

function push(s: DiscordState, x: number): void {
  const held = s.discordValues.length / 2;
  if (s.discordLength === s.discordValues.length) {
    s.discordValues.copyWithin(0, s.discordLength - held, s.discordLength);
    s.discordLength = held;
  }
  s.discordValues[s.discordLength] = x;
  s.discordLength += 1;
}

/**
 * Squared distance from the newest window of m values to its nearest earlier window that does not
 * overlap it (NaN while there is none). Newest candidates first: the recent past usually holds a close
 * neighbour, after which most candidates are abandoned within a few terms.
 */
export function nearestSquaredDistance(values: Float64Array, length: number, m: number): number {
  const q0 = length - m;
  if (q0 - m < 0) return Number.NaN;
  let best = Number.POSITIVE_INFINITY;
  for (let j = q0 - m; j >= 0; j--) {
    let d = 0;
    let k = 0;
    for (; k < m && d < best; k++) {
      const diff = (values[q0 + k] as number) - (values[j + k] as number);
      d += diff * diff;
    }
    if (k === m && d < best) best = d;
  }
  return best;
}

/** Adds value x and returns the subsequence-novelty score in [0, 1] (0 while warming up). */
export function discordScore(s: DiscordState, x: number): number {
  const o = s.options;
  if (!o.parts.discord || o.discordWindow <= 0) return 0;
  push(s, x);
  const d2 = nearestSquaredDistance(s.discordValues, s.discordLength, o.discordWindow);
  // A window identical to an earlier one (distance 0) has no log; it is ordinary by definition.
  if (!(d2 > 0)) return 0;
  const d = 0.5 * Math.log(d2);
  let score = 0;
  if (s.discordCount >= o.warmupPoints / 2) {
    const z = (d - s.discordMean) / Math.max(Math.sqrt(s.discordVar), 1e-6);
    if (s.discordArmed >= 1) {
      score = Math.min(1, normalTailDecades(z) / o.discordDecades);
      if (score >= o.threshold) s.discordArmed = 0;
    } else if (z < o.discordRearmZ) {
      s.discordArmed = 1;
    }
  }
  const a = s.discordCount < 1 / o.longAlpha ? 1 / (s.discordCount + 1) : o.longAlpha;
  const delta = d - s.discordMean;
  s.discordMean += a * delta;
  s.discordVar = (1 - a) * (s.discordVar + a * delta * delta);
  s.discordCount += 1;
  return score;
}
