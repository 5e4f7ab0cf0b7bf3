// Order statistics with R's conventions (median of an even count = mean of the two middle values,
// quantile type 7, MAD scaled by 1.4826), so results line up with the R code we reproduce.

/** R's default scale factor for the MAD: makes it a consistent estimator of sigma for normal data. */
export const MAD_CONSTANT = 1.4826;

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** k-th smallest (0-based) by quickselect; reorders `values`. Expected O(n). */
export function selectInPlace(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    // Median-of-three pivot keeps sorted and reversed inputs linear.
    const mid = (lo + hi) >> 1;
    const a = values[lo] as number;
    const b = values[mid] as number;
    const c = values[hi] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k] as number;
  }
  return values[k] as number;
}

/** Median by selection (for an even count, the mean of the two middle values); reorders `values`. */
export function medianInPlace(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const half = n >> 1;
  const upper = selectInPlace(values, half);
  if (n % 2 === 1) return upper;
  // After selection everything before index `half` is <= upper: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < half; i++) if ((values[i] as number) > lower) lower = values[i] as number;
  return (lower + upper) / 2;
}

export function median(values: ArrayLike<number>): number {
  return medianInPlace(Float64Array.from(values));
}

/** Median absolute deviation around the median, times `constant` (R's mad()). */
export function mad(values: ArrayLike<number>, constant = MAD_CONSTANT): number {
  const center = median(values);
  const deviations = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = Math.abs((values[i] as number) - center);
  return constant * median(deviations);
}

/** R's quantile(x, p) with the default type 7 (linear interpolation between order statistics). */
export function quantileType7(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return NaN;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  const sorted = sortedCopy(values);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const loValue = sorted[lo] as number;
  if (lo + 1 >= sorted.length) return loValue;
  return loValue + (h - lo) * ((sorted[lo + 1] as number) - loValue);
}

/** Ranks 1..n with ties given their average rank (what Spearman's rho needs). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    const value = values[order[start] as number] as number;
    while (end < n && values[order[end] as number] === value) end++;
    const rank = (start + 1 + end) / 2; // mean of positions start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    start = end;
  }
  return ranks;
}
