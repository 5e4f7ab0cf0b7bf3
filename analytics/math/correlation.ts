// Pearson and Spearman correlation with a two-sided p-value (t test, n - 2 df) and a 95 % Fisher z
// confidence interval. Too few points or a constant series gives a typed "insufficient" result with
// the reason, never a made-up number.

import { averageRanks } from './descriptive.ts';
import { studentTTwoSided } from './distributions.ts';

/** Fewest finite pairs a correlation is computed on. */
export const DEFAULT_MIN_POINTS = 10;
/** The Fisher interval needs n - 3 > 0. */
export const ABSOLUTE_MIN_POINTS = 4;
/** Normal quantile for a two-sided 95 % interval (scipy's norm.ppf(0.975)). */
export const FISHER_Z_95 = 1.959963984540054;

export type InsufficientReason = 'too_few_points' | 'zero_variance';

export interface CorrelationEstimate {
  kind: 'ok';
  r: number;
  /** Finite pairs used. */
  n: number;
  /** Two-sided p-value of H0: rho = 0. */
  pValue: number;
  ciLow: number;
  ciHigh: number;
  /** Pairs left out because x or y was NaN or infinite. */
  skipped: number;
}

export interface CorrelationInsufficient {
  kind: 'insufficient';
  reason: InsufficientReason;
  n: number;
  minPoints: number;
  skipped: number;
}

export type CorrelationResult = CorrelationEstimate | CorrelationInsufficient;

export interface CorrelationOptions {
  /** Fewest finite pairs to compute on; default DEFAULT_MIN_POINTS, at least ABSOLUTE_MIN_POINTS. */
  minPoints?: number;
}

export function resolveMinPoints(options?: CorrelationOptions): number {
  const minPoints = options?.minPoints ?? DEFAULT_MIN_POINTS;
  if (!Number.isInteger(minPoints) || minPoints < ABSOLUTE_MIN_POINTS) {
    throw new RangeError(`minPoints must be an integer >= ${ABSOLUTE_MIN_POINTS}, got ${minPoints}`);
  }
  return minPoints;
}

/** p-value and Fisher interval for a correlation r on n points (n >= 4). */
export function correlationInference(
  r: number,
  n: number,
): { pValue: number; ciLow: number; ciHigh: number } {
  const df = n - 2;
  const oneMinusR2 = (1 - r) * (1 + r);
  const pValue = oneMinusR2 <= 0 ? 0 : studentTTwoSided(r * Math.sqrt(df / oneMinusR2), df);
  const z = Math.atanh(r);
  const halfWidth = FISHER_Z_95 / Math.sqrt(n - 3);
  return { pValue, ciLow: Math.tanh(z - halfWidth), ciHigh: Math.tanh(z + halfWidth) };
}

/** Builds the result from co-moments; shared by the one-shot and the rolling estimators. */
export function correlationFromMoments(
  sxy: number,
  sxx: number,
  syy: number,
  n: number,
  skipped: number,
  minPoints: number,
): CorrelationResult {
  if (n < minPoints) return { kind: 'insufficient', reason: 'too_few_points', n, minPoints, skipped };
  if (!(sxx > 0) || !(syy > 0))
    return { kind: 'insufficient', reason: 'zero_variance', n, minPoints, skipped };
  const r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  return { kind: 'ok', r, n, ...correlationInference(r, n), skipped };
}

function checkLengths(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new RangeError(`x and y differ in length (${x.length} vs ${y.length})`);
}

/** The finite pairs of x and y, in order, and how many were skipped. */
export function finitePairs(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { xs: Float64Array; ys: Float64Array; skipped: number } {
  checkLengths(x, y);
  const xs = new Float64Array(x.length);
  const ys = new Float64Array(x.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    if (Number.isFinite(xi) && Number.isFinite(yi)) {
      xs[n] = xi;
      ys[n] = yi;
      n++;
    }
  }
  return { xs: xs.subarray(0, n), ys: ys.subarray(0, n), skipped: x.length - n };
}

function isConstant(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/** Two-pass Pearson on finite pairs; a constant input is reported exactly, not via round-off. */
function pearsonOfPairs(
  xs: Float64Array,
  ys: Float64Array,
  skipped: number,
  minPoints: number,
): CorrelationResult {
  const n = xs.length;
  if (n < minPoints) return { kind: 'insufficient', reason: 'too_few_points', n, minPoints, skipped };
  if (isConstant(xs) || isConstant(ys)) {
    return { kind: 'insufficient', reason: 'zero_variance', n, minPoints, skipped };
  }
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += xs[i] as number;
    meanY += ys[i] as number;
  }
  meanX /= n;
  meanY /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - meanX;
    const dy = (ys[i] as number) - meanY;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return correlationFromMoments(sxy, sxx, syy, n, skipped, minPoints);
}

/** Pearson's r; pairs where either value is not finite are skipped (and counted). */
export function pearson(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options?: CorrelationOptions,
): CorrelationResult {
  const minPoints = resolveMinPoints(options);
  const { xs, ys, skipped } = finitePairs(x, y);
  return pearsonOfPairs(xs, ys, skipped, minPoints);
}

/** Spearman's rho: Pearson on average ranks (ties share their mean rank), p-value from the t test. */
export function spearman(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options?: CorrelationOptions,
): CorrelationResult {
  const minPoints = resolveMinPoints(options);
  const { xs, ys, skipped } = finitePairs(x, y);
  return pearsonOfPairs(averageRanks(xs), averageRanks(ys), skipped, minPoints);
}
