import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random.ts';
import { fitLogisticRegression, predictRow, softmax3 } from './train.ts';
import type { SparseRows } from './train.ts';

/** Rows with feature 0 = bias and one of features 1 (neg), 2 (pos), 3 (neu) plus noise features. */
function synthetic(n: number, seed: number): { x: SparseRows; y: Uint8Array } {
  const rnd = mulberry32(seed);
  const rowPtr = [0];
  const idx: number[] = [];
  const val: number[] = [];
  const y: number[] = [];
  for (let r = 0; r < n; r++) {
    const c = r % 3;
    idx.push(0, 1 + c, 4 + Math.floor(rnd() * 16));
    val.push(1, 1, 1);
    rowPtr.push(idx.length);
    y.push(c);
  }
  return {
    x: {
      rowPtr: Int32Array.from(rowPtr),
      idx: Int32Array.from(idx),
      val: Float64Array.from(val),
      features: 20,
    },
    y: Uint8Array.from(y),
  };
}

describe('logistic regression by AdaGrad', () => {
  const { x, y } = synthetic(300, 1);
  const opts = {
    l2: 1e-4,
    unpenalizedFrom: 20,
    sampleWeight: new Float64Array(300).fill(1),
    seed: 7,
    epochs: 10,
  };

  it('learns a separable 3-class problem, with calibrated-looking probabilities', () => {
    const w = fitLogisticRegression(x, y, opts);
    const p = new Float64Array(3);
    let correct = 0;
    for (let r = 0; r < 300; r++) {
      predictRow(x, r, w, p);
      expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 12);
      if (p.indexOf(Math.max(...p)) === y[r]) correct++;
    }
    expect(correct).toBe(300);
  });

  it('is deterministic: same data, seed and settings give identical weights; another seed differs', () => {
    const a = fitLogisticRegression(x, y, opts);
    const b = fitLogisticRegression(x, y, opts);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const c = fitLogisticRegression(x, y, { ...opts, seed: 8 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('fits only the rows given, and a row weight of 0 removes a row', () => {
    const rows = Int32Array.from({ length: 200 }, (_, i) => i);
    const a = fitLogisticRegression(x, y, { ...opts, rows });
    const sw = new Float64Array(300).fill(1).fill(0, 200);
    const b = fitLogisticRegression(x, y, {
      ...opts,
      rows: Int32Array.from({ length: 300 }, (_, i) => i),
      sampleWeight: sw,
    });
    expect(Array.from(a)).not.toEqual(Array.from(new Float64Array(a.length)));
    // Same rows contribute, though the shuffle order differs: predictions agree.
    const pa = new Float64Array(3);
    const pb = new Float64Array(3);
    for (let r = 0; r < 30; r++) {
      predictRow(x, r, a, pa);
      predictRow(x, r, b, pb);
      expect(pa.indexOf(Math.max(...pa))).toBe(pb.indexOf(Math.max(...pb)));
    }
  });

  it('a larger L2 penalty gives smaller weights', () => {
    const norm = (w: Float64Array): number => Math.hypot(...w);
    expect(norm(fitLogisticRegression(x, y, { ...opts, l2: 1e-1 }))).toBeLessThan(
      norm(fitLogisticRegression(x, y, opts)),
    );
  });

  it('rejects a fit with no weighted rows', () => {
    expect(() => fitLogisticRegression(x, y, { ...opts, sampleWeight: new Float64Array(300) })).toThrow(
      /no training rows/,
    );
  });

  it('softmax is stable for large logits', () => {
    const z = [1000, 0, -1000];
    softmax3(z);
    expect(z[0]).toBeCloseTo(1, 12);
    expect(z.every(Number.isFinite)).toBe(true);
  });
});
