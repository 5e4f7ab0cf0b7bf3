// The trend statistic: Dunning's log-likelihood ratio G^2 (Dunning 1993; as corpus linguists use it
// for keywords, Rayson & Garside 2000) of a term's share of the interval against its share of the
// trailing baseline, on the 2x2 table
//
//                    this interval   baseline
//   the term               a             b
//   other terms          N - a         M - b
//
// G^2 = 2 * sum(O * ln(O / E)) over the four cells, E from the margins. It grows with both the lift
// and the evidence, so a term seen 3 times instead of 1 does not outrank one seen 300 times instead
// of 30. Signed: negative when the term's share fell. With no baseline yet (M = 0) it is 0 for every
// term and the ranking falls back to the count.

function xlogx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

/** Signed G^2 of `a` of `n` in the interval against `b` of `m` in the baseline. */
export function logLikelihoodRatio(a: number, n: number, b: number, m: number): number {
  if (n <= 0 || m <= 0) return 0;
  const bb = Math.min(Math.max(b, 0), m);
  const aa = Math.min(Math.max(a, 0), n);
  const total = n + m;
  const g2 =
    2 *
    (xlogx(aa) +
      xlogx(n - aa) +
      xlogx(bb) +
      xlogx(m - bb) +
      xlogx(total) -
      xlogx(aa + bb) -
      xlogx(total - aa - bb) -
      xlogx(n) -
      xlogx(m));
  const g = Math.max(0, g2); // rounding can give -1e-12 for identical shares
  return aa / n >= bb / m ? g : -g;
}

/** The count the baseline predicts for this interval: the term's baseline share of the interval's terms. */
export function expectedCount(n: number, b: number, m: number): number {
  return m > 0 ? (Math.min(b, m) * n) / m : 0;
}
