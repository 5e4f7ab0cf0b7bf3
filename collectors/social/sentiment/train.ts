/**
 * Multinomial logistic regression with L2, fitted by AdaGrad: the learned sentiment model's math.
 * Pure and deterministic (a seeded row order, zeros as the start, a fixed loop order), so the same
 * data, seed and hyperparameters give the same weights bit for bit. I/O is in
 * scripts/train-sentiment.ts.
 *
 * Why AdaGrad and not full-batch L-BFGS: L-BFGS needed about 200 passes over the data to converge
 * (over a minute per fit on the shared 2-core machine, so 5-fold cross-validation of a grid took most
 * of an hour); AdaGrad reaches the same held-out macro-F1 in about 10 passes.
 */
import { mulberry32 } from '../../../src/core/random.ts';

/** Sparse rows (CSR): row r has entries rowPtr[r] .. rowPtr[r+1]-1; indices may repeat. */
export interface SparseRows {
  rowPtr: Int32Array;
  idx: Int32Array;
  val: Float64Array;
  /** Number of feature rows of the weight matrix (columns of this matrix). */
  features: number;
}

export const CLASS_COUNT = 3;

export interface FitOptions {
  /** L2 penalty, applied to a weight at each step that touches it; not to rows >= `unpenalizedFrom`. */
  l2: number;
  /**
   * First feature row left out of the penalty: the dense rows (bias, lexicon scores, ...). They are
   * in every row, so a per-step penalty would shrink them thousands of times more than a rare word's
   * weight; and 16 x 3 weights cannot overfit 10k rows.
   */
  unpenalizedFrom: number;
  /** Weight of each row in the loss (class balance, source balance); rows not listed are not used. */
  sampleWeight: Float64Array;
  /** Rows to fit on (cross-validation folds); all rows when absent. */
  rows?: Int32Array;
  /** Seed of the row order. */
  seed: number;
  epochs?: number;
  learningRate?: number;
  /** Called after each epoch with the mean weighted loss of that pass (without the L2 term). */
  onEpoch?: (epoch: number, loss: number) => void;
}

export const DEFAULT_EPOCHS = 10;
export const DEFAULT_LEARNING_RATE = 0.2;
const ADAGRAD_EPSILON = 1e-8;

/** Class scores z = x . W for one row, into `z` (length 3). Weights are laid out [feature * 3 + class]. */
function logits(data: SparseRows, r: number, w: Float64Array, z: Float64Array): void {
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  for (let k = data.rowPtr[r] as number, end = data.rowPtr[r + 1] as number; k < end; k++) {
    const j = (data.idx[k] as number) * 3;
    const v = data.val[k] as number;
    z0 += v * (w[j] as number);
    z1 += v * (w[j + 1] as number);
    z2 += v * (w[j + 2] as number);
  }
  z[0] = z0;
  z[1] = z1;
  z[2] = z2;
}

/** Softmax of z in place. */
export function softmax3(z: Float64Array | number[]): void {
  const a = z[0] as number;
  const b = z[1] as number;
  const c = z[2] as number;
  const m = Math.max(a, b, c);
  const ea = Math.exp(a - m);
  const eb = Math.exp(b - m);
  const ec = Math.exp(c - m);
  const s = ea + eb + ec;
  z[0] = ea / s;
  z[1] = eb / s;
  z[2] = ec / s;
}

function allRows(data: SparseRows): Int32Array {
  const n = data.rowPtr.length - 1;
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/**
 * Fits the weights (length features * 3, laid out [feature * 3 + class]) by AdaGrad: one pass per
 * epoch over the rows in a seeded order, each step moving only the weights of the row's features
 * (plus their L2 shrinkage), each weight with its own step size lr / sqrt(sum of its squared
 * gradients). Rare features (a slang word seen twice) keep large steps; common ones settle.
 */
export function fitLogisticRegression(data: SparseRows, labels: Uint8Array, o: FitOptions): Float64Array {
  const rows = Int32Array.from(o.rows ?? allRows(data));
  const epochs = o.epochs ?? DEFAULT_EPOCHS;
  const lr = o.learningRate ?? DEFAULT_LEARNING_RATE;
  const size = data.features * 3;
  const w = new Float64Array(size);
  const g2 = new Float64Array(size).fill(ADAGRAD_EPSILON);
  const unpenalized = o.unpenalizedFrom * 3;
  const z = new Float64Array(3);
  // Sample weights are normalised to mean 1 over `rows`, so lr and l2 mean the same for any subset.
  let total = 0;
  for (const r of rows) total += o.sampleWeight[r] as number;
  if (!(total > 0)) throw new RangeError('[sentiment] no training rows with a positive weight');
  const norm = rows.length / total;
  const rnd = mulberry32(o.seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const t = rows[i] as number;
      rows[i] = rows[j] as number;
      rows[j] = t;
    }
    let loss = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as number;
      const sw = (o.sampleWeight[r] as number) * norm;
      if (sw === 0) continue;
      logits(data, r, w, z);
      const y = labels[r] as number;
      const m = Math.max(z[0] as number, z[1] as number, z[2] as number);
      const e0 = Math.exp((z[0] as number) - m);
      const e1 = Math.exp((z[1] as number) - m);
      const e2 = Math.exp((z[2] as number) - m);
      const s = e0 + e1 + e2;
      loss += sw * (m + Math.log(s) - (z[y] as number));
      const d0 = sw * (e0 / s - (y === 0 ? 1 : 0));
      const d1 = sw * (e1 / s - (y === 1 ? 1 : 0));
      const d2 = sw * (e2 / s - (y === 2 ? 1 : 0));
      for (let k = data.rowPtr[r] as number, end = data.rowPtr[r + 1] as number; k < end; k++) {
        const j = (data.idx[k] as number) * 3;
        const v = data.val[k] as number;
        const l2 = j >= unpenalized ? 0 : o.l2;
        for (let c = 0; c < 3; c++) {
          const wj = w[j + c] as number;
          const grad = (c === 0 ? d0 : c === 1 ? d1 : d2) * v + l2 * wj;
          const acc = (g2[j + c] as number) + grad * grad;
          g2[j + c] = acc;
          w[j + c] = wj - (lr * grad) / Math.sqrt(acc);
        }
      }
    }
    o.onEpoch?.(epoch + 1, loss / rows.length);
  }
  return w;
}

/** Class probabilities [neg, pos, neu] of one row. */
export function predictRow(data: SparseRows, r: number, w: Float64Array, out: Float64Array): void {
  logits(data, r, w, out);
  softmax3(out);
}
