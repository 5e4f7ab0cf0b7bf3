// Upper tail of the standard normal as a score: how many decades of improbability a z-value carries.
// erfc after Numerical Recipes' Chebyshev fit (relative error below 1.2e-7 everywhere), which keeps
// its accuracy far into the tail where 1 - cdf(z) would round to 0.

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** -log10 P(Z > z): 0 for z far below 0, about 5.5 for z = 4.5, 23 for z = 10. */
export function normalTailDecades(z: number): number {
  if (z < 8) return -Math.log10(normalUpperTail(z));
  // Past z = 8 the tail underflows slowly; use the leading term of its asymptotic series.
  return (z * z) / 2 / Math.LN10 + Math.log10(z * Math.sqrt(2 * Math.PI));
}
