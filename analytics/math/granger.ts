// Granger causality F test ("does the past of `cause` help predict `effect` beyond effect's own
// past?"), the ssr-based F test of statsmodels' grangercausalitytests:
//   restricted:   effect[t] ~ 1 + effect[t-1..t-p]
//   unrestricted: effect[t] ~ 1 + effect[t-1..t-p] + cause[t-1..t-p]
//   F = ((RSSr - RSSu) / p) / (RSSu / (n - 2p - 1)),  n = rows used,  p-value = P(F(p, n-2p-1) > F)
// Both models come from one QR of the unrestricted design (see ols.ts).

import { fSurvival } from './distributions.ts';
import { nestedRss, olsFit } from './ols.ts';

/** Default lag order p, in steps. */
export const DEFAULT_GRANGER_LAG = 5;
/** Fewest residual degrees of freedom (n - 2p - 1) the test is run with. */
export const DEFAULT_GRANGER_MIN_DF = 10;

export interface GrangerOk {
  kind: 'ok';
  f: number;
  pValue: number;
  /** Numerator df (= lag order). */
  df1: number;
  /** Denominator df (n - 2p - 1). */
  df2: number;
  /** Rows (time steps) in the regressions. */
  n: number;
  lagOrder: number;
  rssRestricted: number;
  rssUnrestricted: number;
  /** Rows left out because a needed value was not finite. */
  skipped: number;
}

export interface GrangerInsufficient {
  kind: 'insufficient';
  reason: 'too_few_points' | 'singular_design' | 'perfect_fit';
  n: number;
  lagOrder: number;
  skipped: number;
}

export type GrangerResult = GrangerOk | GrangerInsufficient;

export interface GrangerOptions {
  /** Lag order p in steps; default DEFAULT_GRANGER_LAG. */
  lagOrder?: number;
  /** Fewest residual degrees of freedom; default DEFAULT_GRANGER_MIN_DF. */
  minDf?: number;
}

/** Tests whether `cause` Granger-causes `effect` (same length, aligned in time). */
export function grangerCausality(
  cause: ArrayLike<number>,
  effect: ArrayLike<number>,
  options?: GrangerOptions,
): GrangerResult {
  const p = options?.lagOrder ?? DEFAULT_GRANGER_LAG;
  const minDf = options?.minDf ?? DEFAULT_GRANGER_MIN_DF;
  if (!Number.isInteger(p) || p < 1) throw new RangeError(`lagOrder must be an integer >= 1, got ${p}`);
  if (!Number.isInteger(minDf) || minDf < 1)
    throw new RangeError(`minDf must be an integer >= 1, got ${minDf}`);
  if (cause.length !== effect.length) {
    throw new RangeError(`cause and effect differ in length (${cause.length} vs ${effect.length})`);
  }
  const length = effect.length;

  // A row t is usable when effect[t-p..t] and cause[t-p..t-1] are all finite.
  const usable: number[] = [];
  let skipped = 0;
  for (let t = p; t < length; t++) {
    let ok = Number.isFinite(effect[t] as number);
    for (let k = 1; ok && k <= p; k++) {
      ok = Number.isFinite(effect[t - k] as number) && Number.isFinite(cause[t - k] as number);
    }
    if (ok) usable.push(t);
    else skipped++;
  }
  const n = usable.length;
  const df2 = n - 2 * p - 1;
  if (df2 < minDf) return { kind: 'insufficient', reason: 'too_few_points', n, lagOrder: p, skipped };

  const columns: Float64Array[] = [new Float64Array(n).fill(1)];
  for (const series of [effect, cause]) {
    for (let k = 1; k <= p; k++) {
      const column = new Float64Array(n);
      for (let row = 0; row < n; row++) column[row] = series[(usable[row] as number) - k] as number;
      columns.push(column);
    }
  }
  const y = new Float64Array(n);
  for (let row = 0; row < n; row++) y[row] = effect[usable[row] as number] as number;

  const fit = olsFit(columns, y);
  if (!fit) return { kind: 'insufficient', reason: 'singular_design', n, lagOrder: p, skipped };
  const rssUnrestricted = fit.rss;
  const rssRestricted = nestedRss(fit, 1 + p);
  if (!(rssUnrestricted > 0)) return { kind: 'insufficient', reason: 'perfect_fit', n, lagOrder: p, skipped };
  const f = Math.max(0, rssRestricted - rssUnrestricted) / p / (rssUnrestricted / df2);
  return {
    kind: 'ok',
    f,
    pValue: fSurvival(f, p, df2),
    df1: p,
    df2,
    n,
    lagOrder: p,
    rssRestricted,
    rssUnrestricted,
    skipped,
  };
}

/** Both directions at once: a -> b (a's past predicts b) and b -> a. */
export function grangerBothWays(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: GrangerOptions,
): { aToB: GrangerResult; bToA: GrangerResult } {
  return { aToB: grangerCausality(a, b, options), bToA: grangerCausality(b, a, options) };
}
