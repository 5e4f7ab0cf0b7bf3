// STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae & Terpenning 1990),
// following the reference Fortran that R's stats::stl() runs, including its choices that change the
// numbers: the loess "jumps" (fit every k-th point, interpolate linearly in between), the
// extrapolation of each cycle-subseries by one period at both ends, the robustness weights
// B(|r| / (6 * median|r|)), and R's default spans. With seasonalWindow 'periodic' R then replaces the
// seasonal component by the mean of each cycle position, which we do as well.
// Positions inside the loess are 1-based, as in the Fortran, so that the arithmetic matches.

import { medianInPlace } from './descriptive.ts';

export interface StlOptions {
  /** 'periodic' (R: s.window = 10 n + 1, degree 0, then cycle means) or an odd span in points. */
  seasonalWindow: number | 'periodic';
  seasonalDegree?: 0 | 1;
  /** Default R's nextodd(ceiling(1.5 period / (1 - 1.5 / seasonalWindow))). */
  trendWindow?: number;
  trendDegree?: 0 | 1;
  /** Default nextodd(period). */
  lowPassWindow?: number;
  lowPassDegree?: 0 | 1;
  seasonalJump?: number;
  trendJump?: number;
  lowPassJump?: number;
  /** Robustness iterations with bisquare weights (R: robust = TRUE gives inner 1, outer 15). */
  robust?: boolean;
  inner?: number;
  outer?: number;
}

export interface StlParameters {
  period: number;
  periodic: boolean;
  seasonalWindow: number;
  seasonalDegree: 0 | 1;
  trendWindow: number;
  trendDegree: 0 | 1;
  lowPassWindow: number;
  lowPassDegree: 0 | 1;
  seasonalJump: number;
  trendJump: number;
  lowPassJump: number;
  inner: number;
  outer: number;
}

export interface StlResult {
  seasonal: Float64Array;
  trend: Float64Array;
  remainder: Float64Array;
  /** Final robustness weights (all 1 without robustness iterations). */
  weights: Float64Array;
  parameters: StlParameters;
}

function nextOdd(x: number): number {
  const rounded = Math.round(x);
  return rounded % 2 === 0 ? rounded + 1 : rounded;
}

/** R's stl() argument defaults, resolved for a series of length n. */
export function stlParameters(n: number, period: number, options: StlOptions): StlParameters {
  if (!Number.isInteger(period) || period < 2)
    throw new RangeError(`period must be an integer >= 2, got ${period}`);
  if (n <= 2 * period) throw new RangeError(`STL needs more than two periods (n=${n}, period=${period})`);
  const periodic = options.seasonalWindow === 'periodic';
  const seasonalWindow = periodic ? 10 * n + 1 : (options.seasonalWindow as number);
  const seasonalDegree = periodic ? 0 : (options.seasonalDegree ?? 0);
  const trendDegree = options.trendDegree ?? 1;
  const trendWindow = options.trendWindow ?? nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / seasonalWindow)));
  const lowPassWindow = options.lowPassWindow ?? nextOdd(period);
  const robust = options.robust ?? false;
  return {
    period,
    periodic,
    seasonalWindow,
    seasonalDegree,
    trendWindow,
    trendDegree,
    lowPassWindow,
    lowPassDegree: options.lowPassDegree ?? trendDegree,
    seasonalJump: options.seasonalJump ?? Math.ceil(seasonalWindow / 10),
    trendJump: options.trendJump ?? Math.ceil(trendWindow / 10),
    lowPassJump: options.lowPassJump ?? Math.ceil(lowPassWindow / 10),
    inner: options.inner ?? (robust ? 1 : 2),
    outer: options.outer ?? (robust ? 15 : 0),
  };
}

/**
 * Weighted local fit (degree 0 or 1) at position xs using points nleft..nright; NaN when no weight.
 * The Fortran normalizes the tricube weights, then folds the local line into them and sums in five
 * passes; here one pass accumulates the weighted moments about xs (sum w, w d, w d^2, w y, w d y with
 * d = j - xs), which is the same fit in closed form and 3-4 times faster on spans of 1000+ points.
 */
function loessAt(
  y: Float64Array,
  n: number,
  span: number,
  degree: number,
  xs: number,
  nleft: number,
  nright: number,
  robustWeights: Float64Array | null,
): number {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (span > n) h += Math.floor((span - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let total = 0;
  let sumD = 0;
  let sumDD = 0;
  let sumY = 0;
  let sumDY = 0;
  for (let j = nleft; j <= nright; j++) {
    const d = j - xs;
    const r = Math.abs(d);
    if (r > h9) continue;
    let wj = 1;
    if (r > h1) {
      const q = r / h;
      const u = 1 - q * q * q;
      wj = u * u * u;
    }
    if (robustWeights) wj *= robustWeights[j - 1] as number;
    const yj = y[j - 1] as number;
    total += wj;
    sumD += wj * d;
    sumDD += wj * d * d;
    sumY += wj * yj;
    sumDY += wj * d * yj;
  }
  if (total <= 0) return NaN;
  const mean = sumY / total;
  if (!(h > 0 && degree > 0)) return mean;
  const center = sumD / total; // weighted mean of d
  const spread = sumDD / total - center * center; // weighted variance of d
  if (!(Math.sqrt(spread) > 0.001 * range)) return mean;
  // Local line evaluated at d = 0: mean + slope * (0 - center).
  const slope = (sumDY / total - center * mean) / spread;
  return mean - slope * center;
}

/** Fits position i into out, falling back to the data value where no point had weight. */
function fitPoint(
  y: Float64Array,
  n: number,
  span: number,
  degree: number,
  i: number,
  nleft: number,
  nright: number,
  robustWeights: Float64Array | null,
  out: Float64Array,
  offset: number,
): void {
  const value = loessAt(y, n, span, degree, i, nleft, nright, robustWeights);
  out[offset + i - 1] = Number.isNaN(value) ? (y[i - 1] as number) : value;
}

/** Loess smooth of y[0..n) into out[offset..offset+n), fitting every `jump`-th point. */
function loessSmooth(
  y: Float64Array,
  n: number,
  span: number,
  degree: number,
  jump: number,
  robustWeights: Float64Array | null,
  out: Float64Array,
  offset: number,
): void {
  if (n < 2) {
    out[offset] = y[0] as number;
    return;
  }
  const step = Math.min(jump, n - 1);
  let nleft = 1;
  let nright = n;
  if (span >= n) {
    for (let i = 1; i <= n; i += step)
      fitPoint(y, n, span, degree, i, nleft, nright, robustWeights, out, offset);
  } else if (step === 1) {
    const half = Math.floor((span + 1) / 2);
    nright = span;
    for (let i = 1; i <= n; i++) {
      if (i > half && nright !== n) {
        nleft++;
        nright++;
      }
      fitPoint(y, n, span, degree, i, nleft, nright, robustWeights, out, offset);
    }
  } else {
    const half = Math.floor((span + 1) / 2);
    for (let i = 1; i <= n; i += step) {
      if (i < half) {
        nleft = 1;
        nright = span;
      } else if (i >= n - half + 1) {
        nleft = n - span + 1;
        nright = n;
      } else {
        nleft = i - half + 1;
        nright = span + i - half;
      }
      fitPoint(y, n, span, degree, i, nleft, nright, robustWeights, out, offset);
    }
  }
  if (step === 1) return;
  // Linear interpolation between the fitted points.
  for (let i = 1; i <= n - step; i += step) {
    const from = out[offset + i - 1] as number;
    const delta = ((out[offset + i + step - 1] as number) - from) / step;
    for (let j = i + 1; j <= i + step - 1; j++) out[offset + j - 1] = from + delta * (j - i);
  }
  const lastFitted = Math.floor((n - 1) / step) * step + 1;
  if (lastFitted !== n) {
    // The Fortran reuses the window of the last loop iteration here.
    fitPoint(y, n, span, degree, n, nleft, nright, robustWeights, out, offset);
    if (lastFitted !== n - 1) {
      const from = out[offset + lastFitted - 1] as number;
      const delta = ((out[offset + n - 1] as number) - from) / (n - lastFitted);
      for (let j = lastFitted + 1; j <= n - 1; j++) out[offset + j - 1] = from + delta * (j - lastFitted);
    }
  }
}

/** Running mean of `len` points: ave[0..n-len] (the Fortran's stlma, incremental sum included). */
function movingAverage(x: Float64Array, n: number, len: number, ave: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < len; i++) sum += x[i] as number;
  ave[0] = sum / len;
  for (let j = 1; j <= n - len; j++) {
    sum = sum - (x[j - 1] as number) + (x[j + len - 1] as number);
    ave[j] = sum / len;
  }
}

interface Scratch {
  detrended: Float64Array;
  cycle: Float64Array; // seasonal smooth, extended by one period at each end (n + 2 period)
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
  subseries: Float64Array;
  subWeights: Float64Array;
  subSmooth: Float64Array;
}

/** Smooths each cycle-subseries and extends it by one point at both ends. */
function smoothCycleSubseries(
  y: Float64Array,
  n: number,
  p: StlParameters,
  robustWeights: Float64Array | null,
  s: Scratch,
): void {
  const np = p.period;
  for (let j = 1; j <= np; j++) {
    const k = Math.floor((n - j) / np) + 1;
    for (let i = 1; i <= k; i++) s.subseries[i - 1] = y[(i - 1) * np + j - 1] as number;
    if (robustWeights)
      for (let i = 1; i <= k; i++) s.subWeights[i - 1] = robustWeights[(i - 1) * np + j - 1] as number;
    const rw = robustWeights ? s.subWeights : null;
    const { seasonalWindow: ns, seasonalDegree: deg } = p;
    loessSmooth(s.subseries, k, ns, deg, p.seasonalJump, rw, s.subSmooth, 1);
    const before = loessAt(s.subseries, k, ns, deg, 0, 1, Math.min(ns, k), rw);
    s.subSmooth[0] = Number.isNaN(before) ? (s.subSmooth[1] as number) : before;
    const after = loessAt(s.subseries, k, ns, deg, k + 1, Math.max(1, k - ns + 1), k, rw);
    s.subSmooth[k + 1] = Number.isNaN(after) ? (s.subSmooth[k] as number) : after;
    for (let m = 1; m <= k + 2; m++) s.cycle[(m - 1) * np + j - 1] = s.subSmooth[m - 1] as number;
  }
}

/** One pass of the inner loop (stlstp): seasonal then trend smoothing, `inner` times. */
function innerLoop(
  y: Float64Array,
  p: StlParameters,
  robustWeights: Float64Array | null,
  seasonal: Float64Array,
  trend: Float64Array,
  s: Scratch,
): void {
  const n = y.length;
  const np = p.period;
  for (let pass = 0; pass < p.inner; pass++) {
    for (let i = 0; i < n; i++) s.detrended[i] = (y[i] as number) - (trend[i] as number);
    smoothCycleSubseries(s.detrended, n, p, robustWeights, s);
    // Low-pass filter of the cycle smooth: moving averages of np, np and 3, then loess.
    movingAverage(s.cycle, n + 2 * np, np, s.a);
    movingAverage(s.a, n + np + 1, np, s.b);
    movingAverage(s.b, n + 2, 3, s.a);
    loessSmooth(s.a, n, p.lowPassWindow, p.lowPassDegree, p.lowPassJump, null, s.c, 0);
    for (let i = 0; i < n; i++) seasonal[i] = (s.cycle[np + i] as number) - (s.c[i] as number);
    for (let i = 0; i < n; i++) s.detrended[i] = (y[i] as number) - (seasonal[i] as number);
    loessSmooth(s.detrended, n, p.trendWindow, p.trendDegree, p.trendJump, robustWeights, trend, 0);
  }
}

/** Bisquare robustness weights from the residuals of the current fit. */
function robustnessWeights(y: Float64Array, fit: Float64Array, out: Float64Array): void {
  const n = y.length;
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) residuals[i] = Math.abs((y[i] as number) - (fit[i] as number));
  // 6 * median: the Fortran's two middle order statistics (the same one when n is odd).
  const sixMad = 6 * medianInPlace(Float64Array.from(residuals));
  const c9 = 0.999 * sixMad;
  const c1 = 0.001 * sixMad;
  for (let i = 0; i < n; i++) {
    const r = residuals[i] as number;
    if (r <= c1) out[i] = 1;
    else if (r <= c9) {
      const u = r / sixMad;
      out[i] = (1 - u * u) * (1 - u * u);
    } else out[i] = 0;
  }
}

/** Mean per cycle position, computed like R's mean() (mean plus a correction pass). */
function cycleMeans(values: Float64Array, period: number): void {
  const n = values.length;
  const means = new Float64Array(period);
  const counts = new Float64Array(period);
  const corrections = new Float64Array(period);
  // One sequential sweep per pass (striding by the period would miss the cache on long series).
  for (let i = 0, position = 0; i < n; i++, position = position + 1 === period ? 0 : position + 1) {
    means[position] = (means[position] as number) + (values[i] as number);
    counts[position] = (counts[position] as number) + 1;
  }
  for (let position = 0; position < period; position++) {
    means[position] = (means[position] as number) / (counts[position] as number);
  }
  for (let i = 0, position = 0; i < n; i++, position = position + 1 === period ? 0 : position + 1) {
    corrections[position] =
      (corrections[position] as number) + ((values[i] as number) - (means[position] as number));
  }
  for (let i = 0, position = 0; i < n; i++, position = position + 1 === period ? 0 : position + 1) {
    values[i] =
      (means[position] as number) + (corrections[position] as number) / (counts[position] as number);
  }
}

function oddAtLeast3(span: number): number {
  const s = Math.max(3, span);
  return s % 2 === 0 ? s + 1 : s;
}

/** Decomposes y (finite values, length > 2 * period) into seasonal + trend + remainder. */
export function stl(y: ArrayLike<number>, period: number, options: StlOptions): StlResult {
  const n = y.length;
  const resolved = stlParameters(n, period, options);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i] as number))
      throw new RangeError(`STL needs finite values; index ${i} is ${y[i]}`);
  }
  const p: StlParameters = {
    ...resolved,
    seasonalWindow: oddAtLeast3(resolved.seasonalWindow),
    trendWindow: oddAtLeast3(resolved.trendWindow),
    lowPassWindow: oddAtLeast3(resolved.lowPassWindow),
  };
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = y[i] as number;
  const np = period;
  const extended = n + 2 * np;
  const subLength = Math.floor((n - 1) / np) + 3;
  const s: Scratch = {
    detrended: new Float64Array(n),
    cycle: new Float64Array(extended),
    a: new Float64Array(extended),
    b: new Float64Array(extended),
    c: new Float64Array(n),
    subseries: new Float64Array(subLength),
    subWeights: new Float64Array(subLength),
    subSmooth: new Float64Array(subLength),
  };
  const seasonal = new Float64Array(n);
  const trend = new Float64Array(n);
  const weights = new Float64Array(n).fill(1);
  const fit = new Float64Array(n);
  let useWeights = false;
  for (let iteration = 0; ; iteration++) {
    innerLoop(values, p, useWeights ? weights : null, seasonal, trend, s);
    if (iteration >= p.outer) break;
    for (let i = 0; i < n; i++) fit[i] = (trend[i] as number) + (seasonal[i] as number);
    robustnessWeights(values, fit, weights);
    useWeights = true;
  }
  if (p.outer <= 0) weights.fill(1);
  if (p.periodic) cycleMeans(seasonal, period);
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++)
    remainder[i] = (values[i] as number) - (seasonal[i] as number) - (trend[i] as number);
  return { seasonal, trend, remainder, weights, parameters: resolved };
}
