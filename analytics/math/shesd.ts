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
}

export interface ShesdResult {
  /** Indices into the input of the anomalies, ascending. */
  anomalies: number[];
  /** trend + seasonal for every input index (NaN where the input was missing at the ends). */
  expected: Float64Array;
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
  if (!(maxAnoms > 0 && maxAnoms <= 0.49))
    throw new RangeError(`maxAnoms must be in (0, 0.49], got ${maxAnoms}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!['pos', 'neg', 'both'].includes(direction)) {
    throw new RangeError(`direction must be pos, neg or both, got ${String(direction)}`);
  }
  return { maxAnoms, alpha, direction };
}

/** S-H-ESD on one stretch of data with a known period (R's detect_anoms). */
export function seasonalHybridEsd(
  values: ArrayLike<number | null>,
  period: number,
  options?: ShesdOptions,
): ShesdResult {
  const { maxAnoms, alpha, direction } = validateShesdOptions(options);
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
  const decomposition = stl(present, period, { seasonalWindow: 'periodic', robust: true });
  const center = median(present);
  const residual = new Float64Array(present.length);
  for (let i = 0; i < present.length; i++) {
    residual[i] = (present[i] as number) - (decomposition.seasonal[i] as number) - center;
  }
  const expected = new Float64Array(total).fill(NaN);
  for (let i = 0; i < present.length; i++) {
    expected[first + i] = (decomposition.trend[i] as number) + (decomposition.seasonal[i] as number);
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
