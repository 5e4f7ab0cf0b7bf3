// Cross-correlation between a social series s and a price series p over lags -L..+L.
//
// Convention: r(k) = corr(s[t], p[t + k]) over every t where both indices exist.
// A positive lag k pairs social at t with price k steps later, so a peak at k > 0 means social
// LEADS price by k steps; a peak at k < 0 means price leads social.
//
// Each lag's r is the Pearson correlation of the overlapping part only (n = N - |k| pairs, fewer when
// values are missing), with the white-noise band +-1.96/sqrt(n). For finite series the per-lag sums of
// s, s^2, p, p^2 come from prefix sums and only the cross product costs O(n): O(N * L) in total,
// on series centred by their global mean so the prefix sums do not cancel for prices near 60000.

import { type CorrelationOptions, resolveMinPoints } from './correlation.ts';

/** Default largest lag, in steps (DESIGN.md: +-60 min on 1-minute buckets). */
export const DEFAULT_MAX_LAG = 60;
/** Two-sided 5 % band multiplier for the white-noise band. */
export const XCORR_BAND_Z = 1.96;

export interface XcorrPoint {
  lag: number;
  /** null when the overlap has too few pairs or a constant side. */
  r: number | null;
  n: number;
  /** 1.96 / sqrt(n): |r| beyond it is significant at 5 % under white noise. */
  band: number;
}

export interface XcorrResult {
  curve: XcorrPoint[];
  /** Lag of the largest |r| (ties: smaller |lag|, then the negative one); null if no lag had a value. */
  bestLag: number | null;
  bestR: number | null;
  bestN: number;
  band: number | null;
  significant: boolean;
}

export type XcorrOptions = CorrelationOptions;

/** Below this ratio of window variance to variance about the global centre, prefix sums lose too much. */
const CANCELLATION_LIMIT = 1e-6;

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return false;
  return true;
}

/** Exact two-pass r of s[t], p[t + lag] over t in [from, to), skipping non-finite pairs. */
function directLagR(
  s: ArrayLike<number>,
  p: ArrayLike<number>,
  lag: number,
  from: number,
  to: number,
  minPoints: number,
): { r: number | null; n: number } {
  let n = 0;
  let sumS = 0;
  let sumP = 0;
  for (let t = from; t < to; t++) {
    const a = s[t] as number;
    const b = p[t + lag] as number;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      n++;
      sumS += a;
      sumP += b;
    }
  }
  if (n < minPoints) return { r: null, n };
  const meanS = sumS / n;
  const meanP = sumP / n;
  let sss = 0;
  let spp = 0;
  let ssp = 0;
  let firstS = NaN;
  let firstP = NaN;
  let constS = true;
  let constP = true;
  for (let t = from; t < to; t++) {
    const a = s[t] as number;
    const b = p[t + lag] as number;
    if (!(Number.isFinite(a) && Number.isFinite(b))) continue;
    if (Number.isNaN(firstS)) {
      firstS = a;
      firstP = b;
    }
    if (a !== firstS) constS = false;
    if (b !== firstP) constP = false;
    const da = a - meanS;
    const db = b - meanP;
    sss += da * da;
    spp += db * db;
    ssp += da * db;
  }
  if (constS || constP) return { r: null, n };
  return { r: Math.max(-1, Math.min(1, ssp / Math.sqrt(sss * spp))), n };
}

function centredPrefixSums(values: ArrayLike<number>): {
  centred: Float64Array;
  sum: Float64Array;
  sumSq: Float64Array;
} {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] as number;
  mean = n > 0 ? mean / n : 0;
  const centred = new Float64Array(n);
  const sum = new Float64Array(n + 1);
  const sumSq = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = (values[i] as number) - mean;
    centred[i] = v;
    sum[i + 1] = (sum[i] as number) + v;
    sumSq[i + 1] = (sumSq[i] as number) + v * v;
  }
  return { centred, sum, sumSq };
}

/** sum of a[t] * b[t + shift] for t in [from, to); four accumulators let the CPU overlap the adds. */
function dot(a: Float64Array, b: Float64Array, from: number, to: number, shift: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = from;
  for (; t + 3 < to; t += 4) {
    s0 += (a[t] as number) * (b[t + shift] as number);
    s1 += (a[t + 1] as number) * (b[t + shift + 1] as number);
    s2 += (a[t + 2] as number) * (b[t + shift + 2] as number);
    s3 += (a[t + 3] as number) * (b[t + shift + 3] as number);
  }
  for (; t < to; t++) s0 += (a[t] as number) * (b[t + shift] as number);
  return s0 + s1 + (s2 + s3);
}

/** r(k) = corr(s[t], p[t + k]) for k = -maxLag..maxLag; see the file comment for the convention. */
export function crossCorrelation(
  social: ArrayLike<number>,
  price: ArrayLike<number>,
  maxLag: number = DEFAULT_MAX_LAG,
  options?: XcorrOptions,
): XcorrResult {
  if (social.length !== price.length) {
    throw new RangeError(`social and price differ in length (${social.length} vs ${price.length})`);
  }
  if (!Number.isInteger(maxLag) || maxLag < 0)
    throw new RangeError(`maxLag must be an integer >= 0, got ${maxLag}`);
  const minPoints = resolveMinPoints(options);
  const length = social.length;
  const fast = allFinite(social) && allFinite(price);
  const S = fast ? centredPrefixSums(social) : null;
  const P = fast ? centredPrefixSums(price) : null;
  const curve: XcorrPoint[] = [];

  for (let lag = -maxLag; lag <= maxLag; lag++) {
    // t runs over [from, to) so that both t and t + lag are inside the series.
    const from = Math.max(0, -lag);
    const to = Math.min(length, length - lag);
    const overlap = Math.max(0, to - from);
    let point: { r: number | null; n: number };
    if (!S || !P || overlap < minPoints) {
      point =
        overlap < minPoints ? { r: null, n: overlap } : directLagR(social, price, lag, from, to, minPoints);
    } else {
      const n = overlap;
      const sumS = (S.sum[to] as number) - (S.sum[from] as number);
      const sumSqS = (S.sumSq[to] as number) - (S.sumSq[from] as number);
      const sumP = (P.sum[to + lag] as number) - (P.sum[from + lag] as number);
      const sumSqP = (P.sumSq[to + lag] as number) - (P.sumSq[from + lag] as number);
      const cross = dot(S.centred, P.centred, from, to, lag);
      const sss = sumSqS - (sumS * sumS) / n;
      const spp = sumSqP - (sumP * sumP) / n;
      if (sss <= CANCELLATION_LIMIT * sumSqS || spp <= CANCELLATION_LIMIT * sumSqP) {
        // Nearly constant over this overlap: the subtraction above has lost its digits.
        point = directLagR(social, price, lag, from, to, minPoints);
      } else {
        const ssp = cross - (sumS * sumP) / n;
        point = { r: Math.max(-1, Math.min(1, ssp / Math.sqrt(sss * spp))), n };
      }
    }
    curve.push({
      lag,
      r: point.r,
      n: point.n,
      band: point.n > 0 ? XCORR_BAND_Z / Math.sqrt(point.n) : Infinity,
    });
  }

  let best: XcorrPoint | null = null;
  for (const point of curve) {
    if (point.r === null) continue;
    if (best === null || best.r === null) {
      best = point;
      continue;
    }
    const a = Math.abs(point.r);
    const b = Math.abs(best.r);
    if (a > b || (a === b && Math.abs(point.lag) < Math.abs(best.lag))) best = point;
  }
  if (best === null || best.r === null) {
    return { curve, bestLag: null, bestR: null, bestN: 0, band: null, significant: false };
  }
  return {
    curve,
    bestLag: best.lag,
    bestR: best.r,
    bestN: best.n,
    band: best.band,
    significant: Math.abs(best.r) > best.band,
  };
}
