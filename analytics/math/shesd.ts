// Seasonal Hybrid ESD, as Twitter's AnomalyDetection R package runs it (detect_anoms.R):
//   1. leading and trailing missing values are dropped; one in the middle is an error;
//   2. robust periodic STL (R: stl(ts(x, frequency = period), s.window = "periodic", robust = TRUE));
//   3. residual = x - seasonal - median(x)   (the median stands in for the trend: "hybrid");
//   4. generalized ESD with median/MAD on the residual, at most trunc(n * maxAnoms) rounds.
// The expected value of a point is trend + seasonal. R truncates it to an integer (it was written
// for counts); we keep the fraction because sentiment and returns live between -1 and 1.

import { median } from './descriptive.ts';
import { type AnomalyDirection, generalizedEsd } from './esd.ts';
import { stl } from './stl.ts';

export type { AnomalyDirection } from './esd.ts';

/** R's defaults: max_anoms = 0.10, direction = 'pos', alpha = 0.05. */
export const DEFAULT_MAX_ANOMS = 0.1;
export const DEFAULT_DIRECTION: AnomalyDirection = 'pos';
export const DEFAULT_ALPHA = 0.05;

export interface ShesdOptions {
  /** Largest share of the points that may be anomalies (R's max_anoms, k); below 0.5. */
  maxAnoms?: number;
  alpha?: number;
  direction?: AnomalyDirection;
  /**
   * How the seasonal part is estimated. 'stl' (default) is R's robust periodic STL. 'phase_median' takes
   * the median of each phase across cycles. 'auto' uses STL from MIN_STL_CYCLES cycles on and the
   * phase median below: with few cycles the periodic STL seasonal, in effect a mean of a handful of
   * values per phase, absorbs a single spike and turns it into false dips at the same phase of every
   * other cycle; a median of the phase is not moved by one spike.
   */
  seasonal?: 'stl' | 'phase_median' | 'auto';
}

export interface ShesdResult {
  /** Indices into the input of the anomalies, ascending. */
  anomalies: number[];
  /** trend + seasonal for every input index (NaN where the input was missing at the ends). */
  expected: Float64Array;
}

/** From this many cycles on, 'auto' uses STL (R's method); below, the phase median. */
export const MIN_STL_CYCLES = 7;

/** Phases on each side pooled into a phase's median (the daily shape is smooth at this scale). */
export const PHASE_MEDIAN_HALF_WIDTH = 7;

/**
 * The expected value per point: the median of the values at this phase and the neighbouring phases
 * (±halfWidth, wrapping around the cycle) across every cycle. Pooling neighbours keeps residuals from
 * collapsing to exactly zero (a median of 3 values equals one of them), which would shrink the MAD.
 */
export function phaseMedians(
  values: ArrayLike<number>,
  period: number,
  halfWidth: number = PHASE_MEDIAN_HALF_WIDTH,
): Float64Array {
  const out = new Float64Array(values.length);
  const buf: number[] = [];
  const w = Math.min(halfWidth, Math.floor((period - 1) / 2));
  for (let p = 0; p < period && p < values.length; p++) {
    buf.length = 0;
    for (let d = -w; d <= w; d++) {
      const q = (((p + d) % period) + period) % period;
      for (let i = q; i < values.length; i += period) buf.push(values[i] as number);
    }
    const m = median(buf);
    for (let i = p; i < values.length; i += period) out[i] = m;
  }
  return out;
}

function isMissing(value: number | null | undefined): boolean {
  return value === null || value === undefined || !Number.isFinite(value);
}

/** The [first, last] range of present values; throws if a value is missing in between. */
export function presentRange(values: ArrayLike<number | null>): { first: number; last: number } {
  let first = 0;
  while (first < values.length && isMissing(values[first])) first++;
  let last = values.length - 1;
  while (last >= first && isMissing(values[last])) last--;
  for (let i = first; i <= last; i++) {
    if (isMissing(values[i])) {
      throw new RangeError(
        `data contains a missing value at index ${i}, between present values; only leading and trailing ` +
          'gaps are allowed (interpolate inner gaps first)',
      );
    }
  }
  return { first, last };
}

export function validateShesdOptions(options?: ShesdOptions): Required<ShesdOptions> {
  const maxAnoms = options?.maxAnoms ?? DEFAULT_MAX_ANOMS;
  const alpha = options?.alpha ?? DEFAULT_ALPHA;
  const direction = options?.direction ?? DEFAULT_DIRECTION;
  const seasonal = options?.seasonal ?? 'stl';
  if (!['stl', 'phase_median', 'auto'].includes(seasonal))
    throw new RangeError(`seasonal must be stl, phase_median or auto, got ${String(seasonal)}`);
  if (!(maxAnoms > 0 && maxAnoms <= 0.49))
    throw new RangeError(`maxAnoms must be in (0, 0.49], got ${maxAnoms}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!['pos', 'neg', 'both'].includes(direction)) {
    throw new RangeError(`direction must be pos, neg or both, got ${String(direction)}`);
  }
  return { maxAnoms, alpha, direction, seasonal };
}

/** S-H-ESD on one stretch of data with a known period (R's detect_anoms). */
export function seasonalHybridEsd(
  values: ArrayLike<number | null>,
  period: number,
  options?: ShesdOptions,
): ShesdResult {
  const { maxAnoms, alpha, direction, seasonal: method } = validateShesdOptions(options);
  const total = values.length;
  if (total < period * 2) {
    throw new RangeError(
      `anomaly detection needs at least 2 periods of data (${total} points, period ${period})`,
    );
  }
  const { first, last } = presentRange(values);
  const present = Float64Array.from(
    { length: Math.max(0, last - first + 1) },
    (_, i) => values[first + i] as number,
  );
  const useStl = method === 'stl' || (method === 'auto' && present.length >= MIN_STL_CYCLES * period);
  const residual = new Float64Array(present.length);
  const expected = new Float64Array(total).fill(NaN);
  if (useStl) {
    const decomposition = stl(present, period, { seasonalWindow: 'periodic', robust: true });
    const center = median(present);
    for (let i = 0; i < present.length; i++) {
      residual[i] = (present[i] as number) - (decomposition.seasonal[i] as number) - center;
      expected[first + i] = (decomposition.trend[i] as number) + (decomposition.seasonal[i] as number);
    }
  } else {
    const phase = phaseMedians(present as ArrayLike<number>, period);
    for (let i = 0; i < present.length; i++) {
      residual[i] = (present[i] as number) - (phase[i] as number);
      expected[first + i] = phase[i] as number;
    }
  }
  // R sizes the search on the row count before dropping missing values.
  const maxOutliers = Math.trunc(total * maxAnoms);
  if (maxOutliers === 0) {
    throw new RangeError(
      `maxAnoms ${maxAnoms} of ${total} points allows no anomaly; use more points or a larger maxAnoms`,
    );
  }
  const found = generalizedEsd(residual, maxOutliers, alpha, direction).map((i) => i + first);
  return { anomalies: found.sort((a, b) => a - b), expected };
}
