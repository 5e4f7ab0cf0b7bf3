// A streaming anomaly detector for one series: one point at a time, decided from the past only.
//
// Each point is compared with two expectations, a local level (EWMA) and, once a few days are known,
// a daily profile by slot (robust seasonal baseline). Residuals are divided by a robust running scale
// (mean absolute residual, updated with clipped residuals so an outlier does not blind it). From the
// normalised residual z come the parts of the score, each in [0, 1]:
//   point      the tail improbability of z itself (a single big spike),
//   likelihood the short mean of the raw scores against their long-run distribution (the "anomaly
//              likelihood" of HTM: sustained oddness such as a level shift or a variance change),
//   range      a value beyond everything seen so far (by a tolerance of the range),
//   flatline   identical values for much longer than ever before (a stuck sensor or a dead feed).
// The score is their maximum. After a flag, no flag for `suppressPoints` points (one flag per episode).
import { DEFAULT_STREAMING_OPTIONS, type StreamingOptions, resolveStreamingOptions } from './options.ts';
import { normalTailDecades } from './normal-tail.ts';
import { type DetectorState, decodeState, encodeState, initialState } from './state.ts';
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
  return Math.max(1e-3 * (Number.isFinite(range) ? range : 0), 1e-9 * Math.abs(s.level || 0), 1e-12);
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
    }
  }
  s.lastTimeMs = timeMs;
}

function slotOf(s: DetectorState, timeMs: number): number {
  if (s.period === 0) return -1;
  const cycleMs = s.period * s.stepMs;
  const inCycle = ((timeMs % cycleMs) + cycleMs) % cycleMs;
  return Math.min(s.period - 1, Math.floor(inCycle / s.stepMs));
}

function step(s: DetectorState, timeMs: number, x: number): StreamingVerdict {
  const o = s.options;
  learnStep(s, timeMs);
  if (!Number.isFinite(x)) return GAP;

  const first = s.n === 0;
  if (first) {
    s.level = x;
    s.base = x;
  }
  const slot = slotOf(s, timeMs);
  const floor = scaleFloor(s);

  // Local expectation.
  const rLocal = x - s.level;
  const zLocal = Math.abs(rLocal) / Math.max(1.2533 * s.localScale, floor);
  // Seasonal expectation, once each slot has been visited on enough days.
  let expected = s.level;
  let z = zLocal;
  let signed = rLocal;
  let rSeason = Number.NaN;
  if (slot >= 0 && (s.seasonVisits[slot] as number) >= o.seasonalMinCycles) {
    const seasonal = s.base + (s.season[slot] as number);
    rSeason = x - seasonal;
    const zSeason = Math.abs(rSeason) / Math.max(1.2533 * s.seasonScale, floor);
    if (zSeason < zLocal) {
      z = zSeason;
      signed = rSeason;
      expected = seasonal;
    }
  }
  if (!Number.isFinite(z)) z = 0;
  const raw = rawScore(z);

  // Anomaly likelihood: short mean of raw scores against their long-run mean and spread.
  const w = o.shortWindow;
  s.ring[s.ringPos] = raw;
  s.ringSign[s.ringPos] = Math.sign(signed) * raw;
  s.ringPos = (s.ringPos + 1) % w;
  let shortSum = 0;
  let shortSigned = 0;
  for (let i = 0; i < w; i++) {
    shortSum += s.ring[i] as number;
    shortSigned += s.ringSign[i] as number;
  }
  const shortMean = shortSum / Math.min(w, s.n + 1);
  const sd = Math.sqrt(Math.max(s.longVar, 1e-6));
  const likelihood = o.parts.likelihood
    ? normalTailDecades((shortMean - s.longMean) / sd) / o.fullScoreDecades
    : 0;
  const point = o.parts.point ? normalTailDecades(z) / o.fullScoreDecades / 2 : 0;

  const range = s.max - s.min;
  const novel =
    o.parts.range &&
    s.n >= o.warmupPoints &&
    (x > s.max + o.rangeTolerance * range || x < s.min - o.rangeTolerance * range);

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

  let score = Math.max(likelihood, point);
  let kind: StreamingAnomalyKind = signed >= 0 ? 'spike' : 'dip';
  if (score === likelihood && Math.abs(shortSigned) < 0.5 * shortSum) kind = 'variance_change';
  else if (
    score === likelihood &&
    shortSum > 0 &&
    Math.abs(shortSigned) >= 0.9 * shortSum &&
    likelihood > point
  )
    kind = 'level_shift';
  if (novel) score = 1;
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
    const clipL = o.scaleClip * Math.max(s.localScale, floor);
    s.localScale += o.scaleAlpha * (Math.min(Math.abs(rLocal), clipL) - s.localScale);
  }
  s.level += o.levelAlpha * (x - s.level);
  if (slot >= 0) {
    const visits = s.seasonVisits[slot] as number;
    const dev = x - s.base;
    const a = Math.max(o.seasonalAlpha, 1 / (visits + 1));
    s.season[slot] = visits === 0 ? dev : (s.season[slot] as number) + a * (dev - (s.season[slot] as number));
    s.seasonVisits[slot] = visits + 1;
    s.base += (1 / Math.max(s.period, 1)) * (x - (s.season[slot] as number) - s.base);
    if (Number.isFinite(rSeason)) {
      const clipS = o.scaleClip * Math.max(s.seasonScale, floor);
      s.seasonScale =
        s.seasonScale === 0
          ? Math.abs(rSeason)
          : s.seasonScale + o.scaleAlpha * (Math.min(Math.abs(rSeason), clipS) - s.seasonScale);
    }
  }
  const la = s.n < 1 / o.longAlpha ? 1 / (s.n + 1) : o.longAlpha;
  const delta = raw - s.longMean;
  s.longMean += la * delta;
  s.longVar = (1 - la) * (s.longVar + la * delta * delta);
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
