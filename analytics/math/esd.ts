// Generalized ESD test (Rosner 1983) with the robust statistics of Twitter's AnomalyDetection:
// each round scores |x - median| / MAD over the points still in the sample, removes the most extreme
// one, and compares its score with the critical value
//   lambda_i = t (n - i) / sqrt((n - i - 1 + t^2)(n - i + 1)),  t = qt(1 - alpha / (c (n - i + 1)), n - i - 1)
// (c = 2 for both directions, 1 for one). The answer is the first `numAnoms` removed points, where
// numAnoms is the LAST round whose score beat its critical value.
//
// Speed: R recomputes median and MAD from scratch every round (O(n log n) each). Here the sample is
// kept sorted once; the most extreme point is always at one end of the sorted order, so removing it
// is O(1) (a short shift inside a run of tied scores), the median is O(1) and the MAD is a k-th
// smallest of two sorted sequences (deviations below and above the median), O(log n). A round costs
// O(log n) plus one t quantile.

import { MAD_CONSTANT } from './descriptive.ts';
import { studentTQuantileUpper } from './distributions.ts';

export type AnomalyDirection = 'pos' | 'neg' | 'both';

/** Critical value lambda_i of round i (1-based) for a sample of n points. */
export function esdCriticalValue(n: number, i: number, alpha: number, direction: AnomalyDirection): number {
  // Form p exactly as R does and hand qt the tail 1 - p, so both see the same rounded probability.
  const p = direction === 'both' ? 1 - alpha / (2 * (n - i + 1)) : 1 - alpha / (n - i + 1);
  const t = studentTQuantileUpper(1 - p, n - i - 1);
  return (t * (n - i)) / Math.sqrt((n - i - 1 + t * t) * (n - i + 1));
}

/** Index into the sorted arrays of the k-th smallest (0-based) |value - median|. */
function kthDeviation(sorted: Float64Array, lo: number, hi: number, center: number, k: number): number {
  // Points below the split deviate by center - v (ascending when read downwards), the rest by v - center.
  let a = lo;
  let b = hi + 1;
  while (a < b) {
    const mid = (a + b) >> 1;
    if ((sorted[mid] as number) < center) a = mid + 1;
    else b = mid;
  }
  const split = a;
  const lowCount = split - lo;
  const highCount = hi - split + 1;
  const low = (t: number): number => (t < lowCount ? center - (sorted[split - 1 - t] as number) : Infinity);
  const high = (t: number): number => (t < highCount ? (sorted[split + t] as number) - center : Infinity);
  // Take i from `low` and k + 1 - i from `high`; find i so that the two prefixes interleave.
  let left = Math.max(0, k + 1 - highCount);
  let right = Math.min(k + 1, lowCount);
  while (left <= right) {
    const i = (left + right) >> 1;
    const j = k + 1 - i;
    const lowLast = i > 0 ? low(i - 1) : -Infinity;
    const highLast = j > 0 ? high(j - 1) : -Infinity;
    const lowNext = i < lowCount ? low(i) : Infinity;
    const highNext = j < highCount ? high(j) : Infinity;
    if (lowLast > highNext) right = i - 1;
    else if (highLast > lowNext) left = i + 1;
    else return Math.max(lowLast, highLast);
  }
  throw new Error('kthDeviation: inconsistent sorted input');
}

/**
 * Runs up to `maxOutliers` rounds and returns the indices (into `values`) of the detected anomalies,
 * in the order they were removed. Stops early, like R, if the MAD becomes 0.
 */
export function generalizedEsd(
  values: ArrayLike<number>,
  maxOutliers: number,
  alpha: number,
  direction: AnomalyDirection,
): number[] {
  const n = values.length;
  if (!Number.isInteger(maxOutliers) || maxOutliers < 0) {
    throw new RangeError(`maxOutliers must be a non-negative integer, got ${maxOutliers}`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i] as number))
      throw new RangeError(`ESD needs finite values; index ${i} is ${values[i]}`);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  const sorted = Float64Array.from(order, (i) => values[i] as number);
  const index = Int32Array.from(order);
  let lo = 0;
  let hi = n - 1;
  const removed: number[] = [];
  let numAnoms = 0;
  const rounds = Math.min(maxOutliers, n - 2);

  for (let round = 1; round <= rounds; round++) {
    const size = hi - lo + 1;
    const half = size >> 1;
    const center =
      size % 2 === 1
        ? (sorted[lo + half] as number)
        : ((sorted[lo + half - 1] as number) + (sorted[lo + half] as number)) / 2;
    const madRaw =
      size % 2 === 1
        ? kthDeviation(sorted, lo, hi, center, half)
        : (kthDeviation(sorted, lo, hi, center, half - 1) + kthDeviation(sorted, lo, hi, center, half)) / 2;
    const sigma = MAD_CONSTANT * madRaw;
    if (!(sigma > 0)) break;

    const scoreLow = (v: number): number =>
      (direction === 'both' ? Math.abs(v - center) : center - v) / sigma;
    const scoreHigh = (v: number): number =>
      (direction === 'both' ? Math.abs(v - center) : v - center) / sigma;
    const lowEnd = direction === 'pos' ? -Infinity : scoreLow(sorted[lo] as number);
    const highEnd = direction === 'neg' ? -Infinity : scoreHigh(sorted[hi] as number);
    const score = Math.max(lowEnd, highEnd);

    // Among points sharing the top score R takes the earliest in time; they sit in runs at the ends.
    let pick = -1;
    let pickIndex = Infinity;
    if (lowEnd === score) {
      for (let k = lo; k <= hi && scoreLow(sorted[k] as number) === score; k++) {
        if ((index[k] as number) < pickIndex) [pick, pickIndex] = [k, index[k] as number];
      }
    }
    if (highEnd === score) {
      for (let k = hi; k >= lo && scoreHigh(sorted[k] as number) === score; k--) {
        if ((index[k] as number) < pickIndex) [pick, pickIndex] = [k, index[k] as number];
      }
    }
    removed.push(pickIndex);
    // Remove position `pick`, shifting the rest of its (short) run towards the middle.
    if (pick - lo <= hi - pick) {
      sorted.copyWithin(lo + 1, lo, pick);
      index.copyWithin(lo + 1, lo, pick);
      lo++;
    } else {
      sorted.copyWithin(pick, pick + 1, hi + 1);
      index.copyWithin(pick, pick + 1, hi + 1);
      hi--;
    }

    if (score > esdCriticalValue(n, round, alpha, direction)) numAnoms = round;
  }
  return removed.slice(0, numAnoms);
}
