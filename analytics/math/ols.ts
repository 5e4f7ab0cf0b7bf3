// Ordinary least squares by Householder QR. QR avoids squaring the condition number the way the
// normal equations do, and it gives nested models for free: with columns ordered [restricted...,
// extra...], the RSS of the fit on the first m columns is rss + sum of (Q'y)_j^2 for j >= m.

export interface OlsFit {
  coefficients: Float64Array;
  /** Residual sum of squares of the full model. */
  rss: number;
  /** First `cols` entries of Q'y, used for nested-model RSS. */
  qty: Float64Array;
  rows: number;
  cols: number;
}

/** Relative size of a pivot below which the design is treated as rank deficient. */
const RANK_TOLERANCE = 1e-10;

/** Applies H = I - 2 v v' / (v'v) (v = rows from..end of `v`) to `target` in place. */
function reflect(v: Float64Array, vv: number, from: number, rows: number, target: Float64Array): void {
  let dot = 0;
  for (let i = from; i < rows; i++) dot += (v[i] as number) * (target[i] as number);
  const scale = (2 * dot) / vv;
  for (let i = from; i < rows; i++) target[i] = (target[i] as number) - scale * (v[i] as number);
}

/**
 * Least squares of y on the given columns (each of length rows). Returns null when the design is
 * rank deficient (a column is, to working precision, a combination of the previous ones).
 */
export function olsFit(columns: readonly Float64Array[], y: ArrayLike<number>): OlsFit | null {
  const cols = columns.length;
  const rows = y.length;
  if (cols === 0) throw new RangeError('olsFit needs at least one column');
  if (rows < cols) return null;
  for (const column of columns) {
    if (column.length !== rows)
      throw new RangeError(`column length ${column.length} differs from y length ${rows}`);
  }
  const a = columns.map((column) => Float64Array.from(column));
  const b = Float64Array.from(y);
  const diagonal = new Float64Array(cols);

  for (let j = 0; j < cols; j++) {
    const aj = a[j] as Float64Array;
    let originalNorm = 0;
    for (let i = 0; i < rows; i++) originalNorm += (aj[i] as number) * (aj[i] as number);
    let norm = 0;
    for (let i = j; i < rows; i++) norm += (aj[i] as number) * (aj[i] as number);
    norm = Math.sqrt(norm);
    if (!(norm > RANK_TOLERANCE * Math.sqrt(originalNorm))) return null;
    const alpha = (aj[j] as number) > 0 ? -norm : norm;
    // v = a_j[j..] - alpha e_1 stored in place; H = I - 2 v v' / (v'v).
    aj[j] = (aj[j] as number) - alpha;
    let vv = 0;
    for (let i = j; i < rows; i++) vv += (aj[i] as number) * (aj[i] as number);
    for (let k = j + 1; k < cols; k++) reflect(aj, vv, j, rows, a[k] as Float64Array);
    reflect(aj, vv, j, rows, b);
    diagonal[j] = alpha;
  }

  // Back substitution on R (upper triangle: a[k][j] for j < k, diagonal[k] on the diagonal).
  const coefficients = new Float64Array(cols);
  for (let k = cols - 1; k >= 0; k--) {
    let sum = b[k] as number;
    for (let m = k + 1; m < cols; m++)
      sum -= ((a[m] as Float64Array)[k] as number) * (coefficients[m] as number);
    coefficients[k] = sum / (diagonal[k] as number);
  }
  let rss = 0;
  for (let i = cols; i < rows; i++) rss += (b[i] as number) * (b[i] as number);
  return { coefficients, rss, qty: b.slice(0, cols), rows, cols };
}

/** RSS of the model that keeps only the first `m` columns of a fit. */
export function nestedRss(fit: OlsFit, m: number): number {
  if (!Number.isInteger(m) || m < 0 || m > fit.cols)
    throw new RangeError(`m must be in 0..${fit.cols}, got ${m}`);
  let rss = fit.rss;
  for (let j = m; j < fit.cols; j++) rss += (fit.qty[j] as number) * (fit.qty[j] as number);
  return rss;
}
