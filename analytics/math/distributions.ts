// Student t and F distributions built on the regularized incomplete beta function.
// Tail probabilities are computed directly (never as 1 - cdf) so that p-values of 1e-12 and the
// extreme quantiles the generalized ESD test needs (upper tail ~1e-6) keep their relative precision.

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.9189385332046727;

/** ln Γ(x) for x > 0: Lanczos below 15, Stirling's series above (both ~1e-15 relative). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x >= 15) return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + stirlingSeries(x);
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0] as number;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += (LANCZOS_COEFFICIENTS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Stirling's correction series: ln Γ(x) minus its leading terms, for x >= 15. */
function stirlingSeries(x: number): number {
  const inv = 1 / x;
  const inv2 = inv * inv;
  return inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
}

/**
 * ln B(a, b). For a large argument, ln Γ(big) - ln Γ(big + small) is formed from Stirling's series
 * directly: subtracting two values near 5e4 (t tests with df ~ 14000) would lose ~1e-11.
 */
export function logBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 15) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const sum = big + small;
  const ratioTerm = -(big - 0.5) * Math.log1p(small / big) - small * Math.log(sum) + small;
  return logGamma(small) + ratioTerm + stirlingSeries(big) - stirlingSeries(sum);
}

const TINY = 1e-300;
const CF_EPSILON = 1e-16;
const CF_MAX_ITERATIONS = 100_000;

/** Continued fraction for I_x(a, b) (modified Lentz), valid and fast for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < CF_EPSILON) return h;
  }
  throw new Error(`incomplete beta continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

/**
 * Regularized incomplete beta I_x(a, b) and its complement 1 - I_x(a, b), each computed on the side
 * where it is small. `y` must equal 1 - x; callers pass it when they can form it without cancellation.
 */
export function incompleteBetaPair(
  x: number,
  a: number,
  b: number,
  y = 1 - x,
): { lower: number; upper: number } {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta needs a, b > 0 (a=${a}, b=${b})`);
  if (x <= 0) return { lower: 0, upper: 1 };
  if (y <= 0) return { lower: 1, upper: 0 };
  // ln x from y (and ln y from x) when that side is the accurate one.
  const logX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const logY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const logFront = a * logX + b * logY - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
    return { lower, upper: 1 - lower };
  }
  const upper = (Math.exp(logFront) * betaContinuedFraction(b, a, y)) / b;
  return { lower: 1 - upper, upper };
}

export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  return incompleteBetaPair(x, a, b).lower;
}

function checkDf(df: number, name = 'df'): void {
  if (!(df > 0) || !Number.isFinite(df))
    throw new RangeError(`${name} must be a positive finite number, got ${df}`);
}

/** P(T > t) for Student's t with `df` degrees of freedom. */
export function studentTSurvival(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const t2 = t * t;
  // tail = P(|T| > |t|) / 2
  const tail = 0.5 * incompleteBetaPair(df / (df + t2), df / 2, 0.5, t2 / (df + t2)).lower;
  return t >= 0 ? tail : 1 - tail;
}

/** P(T <= t). */
export function studentTCdf(t: number, df: number): number {
  return studentTSurvival(-t, df);
}

/** Two-sided p-value P(|T| >= |t|). */
export function studentTTwoSided(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  return incompleteBetaPair(df / (df + t2), df / 2, 0.5, t2 / (df + t2)).lower;
}

export function studentTDensity(t: number, df: number): number {
  checkDf(df);
  const logDensity =
    logGamma((df + 1) / 2) -
    logGamma(df / 2) -
    0.5 * Math.log(df * Math.PI) -
    ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(logDensity);
}

/** Acklam's rational approximation (~1e-9 relative): only a starting point for Newton refinement. */
function normalQuantileApprox(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantileApprox(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/**
 * The t with P(T > t) = q (upper-tail quantile). Newton's method on log P(T > t), kept inside a
 * bracket so that it cannot diverge for small df; converges to ~1e-15 relative.
 */
export function studentTQuantileUpper(q: number, df: number): number {
  checkDf(df);
  if (!(q >= 0 && q <= 1)) throw new RangeError(`probability must be in [0, 1], got ${q}`);
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  if (q === 0.5) return 0;
  if (q > 0.5) return -studentTQuantileUpper(1 - q, df);
  // Cornish-Fisher start from the normal quantile.
  const z = -normalQuantileApprox(q);
  const z3 = z * z * z;
  let t = z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df);
  let lo = 0;
  let hi = Infinity;
  if (!(t > 0) || !Number.isFinite(t)) t = 1;
  const logQ = Math.log(q);
  for (let iteration = 0; iteration < 200; iteration++) {
    const survival = studentTSurvival(t, df);
    if (survival > q) lo = t;
    else hi = t;
    const f = Math.log(survival) - logQ;
    const step = (f * survival) / studentTDensity(t, df);
    let next = t + step;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      next = Number.isFinite(hi) ? (lo + hi) / 2 : Math.max(2 * t, lo + 1);
    }
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next)) return next;
    t = next;
  }
  return t;
}

/** Lower-tail quantile: the t with P(T <= t) = p. */
export function studentTQuantile(p: number, df: number): number {
  return studentTQuantileUpper(1 - p, df);
}

/** P(F > f) for Fisher's F with (d1, d2) degrees of freedom. */
export function fSurvival(f: number, d1: number, d2: number): number {
  checkDf(d1, 'd1');
  checkDf(d2, 'd2');
  if (Number.isNaN(f)) return NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  const denominator = d2 + d1 * f;
  return incompleteBetaPair(d2 / denominator, d2 / 2, d1 / 2, (d1 * f) / denominator).lower;
}

/** P(F <= f). */
export function fCdf(f: number, d1: number, d2: number): number {
  checkDf(d1, 'd1');
  checkDf(d2, 'd2');
  if (Number.isNaN(f)) return NaN;
  if (f <= 0) return 0;
  if (f === Infinity) return 1;
  const denominator = d2 + d1 * f;
  return incompleteBetaPair(d2 / denominator, d2 / 2, d1 / 2, (d1 * f) / denominator).upper;
}
