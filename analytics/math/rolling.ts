// Pearson correlation over a sliding window of the last `windowSize` slots, updated in O(1) per step.
//
// Running sums (sum x, sum x^2, ...) lose every digit when prices sit near 60000 and move by cents,
// so the state is Welford's: means and co-moments about the current means, updated when a point
// enters and reversed when it leaves. Removing a point can cancel most of a co-moment (a level
// shift leaving the window: 1e9 becomes 1e3 while the round-off of 1e9 stays), so every update adds
// eps * (size of the numbers it touched) to a running error bound; once that bound exceeds 1e-12 of
// the co-moment, the moments are recomputed exactly from the window (two passes). Slow drift is
// also bounded by a periodic recompute every `resyncEverySteps` steps (default: once per window
// length). Either way the cost stays amortized O(1) per step on realistic series.
//
// A slot whose x or y is not finite still occupies the window (a 60-slot window stays one hour of
// 1-minute buckets) but adds nothing; it is reported as skipped.

import {
  type CorrelationOptions,
  type CorrelationResult,
  correlationFromMoments,
  resolveMinPoints,
} from './correlation.ts';

/** Relative round-off bound of the co-moments that triggers an exact recompute. */
const ERROR_BOUND_LIMIT = 1e-12;
const EPS = Number.EPSILON;

export interface RollingCorrelationOptions extends CorrelationOptions {
  /** Steps between exact recomputes of the moments; default windowSize; 0 disables them. */
  resyncEverySteps?: number;
}

/** Tracks, in O(1), whether every finite value in the window is the same (an exact zero variance). */
class ConstantRun {
  private last = NaN;
  private runStart = -1;
  /** Valid points in the window that belong to the current run of equal values. */
  private inWindow = 0;

  add(value: number, seq: number): void {
    if (value === this.last) {
      this.inWindow++;
    } else {
      this.last = value;
      this.runStart = seq;
      this.inWindow = 1;
    }
  }

  remove(seq: number): void {
    if (seq >= this.runStart) this.inWindow--;
  }

  isConstant(validInWindow: number): boolean {
    return validInWindow > 0 && this.inWindow === validInWindow;
  }
}

export class RollingCorrelation {
  readonly windowSize: number;
  private readonly minPoints: number;
  private readonly resyncEvery: number;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly valid: Uint8Array;
  private pushes = 0;
  private sinceResync = 0;
  private n = 0;
  private meanX = 0;
  private meanY = 0;
  private cxx = 0;
  private cyy = 0;
  private cxy = 0;
  /** Running bounds on the absolute round-off in cxx, cyy, cxy since the last exact recompute. */
  private errXX = 0;
  private errYY = 0;
  private errXY = 0;
  private readonly runX = new ConstantRun();
  private readonly runY = new ConstantRun();

  constructor(windowSize: number, options?: RollingCorrelationOptions) {
    if (!Number.isInteger(windowSize) || windowSize < 2) {
      throw new RangeError(`windowSize must be an integer >= 2, got ${windowSize}`);
    }
    this.windowSize = windowSize;
    this.minPoints = resolveMinPoints(options);
    this.resyncEvery = options?.resyncEverySteps ?? windowSize;
    if (!Number.isInteger(this.resyncEvery) || this.resyncEvery < 0) {
      throw new RangeError(`resyncEverySteps must be a non-negative integer, got ${this.resyncEvery}`);
    }
    this.xs = new Float64Array(windowSize);
    this.ys = new Float64Array(windowSize);
    this.valid = new Uint8Array(windowSize);
  }

  /** Slots currently in the window (valid or not). */
  get slots(): number {
    return Math.min(this.pushes, this.windowSize);
  }

  /** Finite pairs currently in the window. */
  get count(): number {
    return this.n;
  }

  /** Adds the newest pair, dropping the oldest once the window is full. */
  push(x: number, y: number): void {
    const slot = this.pushes % this.windowSize;
    if (this.pushes >= this.windowSize && this.valid[slot] === 1) {
      this.removePoint(this.xs[slot] as number, this.ys[slot] as number, this.pushes - this.windowSize);
    }
    const isValid = Number.isFinite(x) && Number.isFinite(y);
    this.xs[slot] = x;
    this.ys[slot] = y;
    this.valid[slot] = isValid ? 1 : 0;
    if (isValid) this.addPoint(x, y, this.pushes);
    this.pushes++;
    this.sinceResync++;
    if ((this.resyncEvery > 0 && this.sinceResync >= this.resyncEvery) || this.roundOffTooLarge())
      this.resync();
  }

  result(): CorrelationResult {
    const skipped = this.slots - this.n;
    if (this.n >= this.minPoints && (this.runX.isConstant(this.n) || this.runY.isConstant(this.n))) {
      return { kind: 'insufficient', reason: 'zero_variance', n: this.n, minPoints: this.minPoints, skipped };
    }
    return correlationFromMoments(this.cxy, this.cxx, this.cyy, this.n, skipped, this.minPoints);
  }

  private roundOffTooLarge(): boolean {
    return (
      this.errXX > ERROR_BOUND_LIMIT * this.cxx ||
      this.errYY > ERROR_BOUND_LIMIT * this.cyy ||
      this.errXY > ERROR_BOUND_LIMIT * Math.sqrt(this.cxx * this.cyy)
    );
  }

  /** Adds eps times the magnitudes an update touched to the error bounds. */
  private trackRoundOff(dxx: number, dyy: number, dxy: number): void {
    this.errXX += EPS * (this.cxx + Math.abs(dxx));
    this.errYY += EPS * (this.cyy + Math.abs(dyy));
    this.errXY += EPS * (Math.abs(this.cxy) + Math.abs(dxy));
  }

  private addPoint(x: number, y: number, seq: number): void {
    this.n++;
    const dx = x - this.meanX;
    const dy = y - this.meanY;
    this.meanX += dx / this.n;
    this.meanY += dy / this.n;
    const dxx = dx * (x - this.meanX);
    const dyy = dy * (y - this.meanY);
    const dxy = dx * (y - this.meanY);
    this.cxx += dxx;
    this.cyy += dyy;
    this.cxy += dxy;
    this.trackRoundOff(dxx, dyy, dxy);
    this.runX.add(x, seq);
    this.runY.add(y, seq);
  }

  private removePoint(x: number, y: number, seq: number): void {
    this.runX.remove(seq);
    this.runY.remove(seq);
    if (this.n === 1) {
      this.n = 0;
      this.meanX = this.meanY = this.cxx = this.cyy = this.cxy = 0;
      return;
    }
    // Inverse of addPoint: C_with = C_without + (x - mean_without) * (y - mean_with).
    const oldMeanX = this.meanX;
    const oldMeanY = this.meanY;
    this.n--;
    this.meanX = oldMeanX - (x - oldMeanX) / this.n;
    this.meanY = oldMeanY - (y - oldMeanY) / this.n;
    const dxx = (x - this.meanX) * (x - oldMeanX);
    const dyy = (y - this.meanY) * (y - oldMeanY);
    const dxy = (x - this.meanX) * (y - oldMeanY);
    this.trackRoundOff(dxx, dyy, dxy);
    this.cxx = Math.max(0, this.cxx - dxx);
    this.cyy = Math.max(0, this.cyy - dyy);
    this.cxy -= dxy;
  }

  /** Exact two-pass recompute of means and co-moments from the window's slots. */
  private resync(): void {
    this.sinceResync = 0;
    this.errXX = this.errYY = this.errXY = 0;
    const slots = this.slots;
    let n = 0;
    let sumX = 0;
    let sumY = 0;
    for (let i = 0; i < slots; i++) {
      if (this.valid[i] === 1) {
        n++;
        sumX += this.xs[i] as number;
        sumY += this.ys[i] as number;
      }
    }
    if (n === 0) {
      this.meanX = this.meanY = this.cxx = this.cyy = this.cxy = 0;
      return;
    }
    const meanX = sumX / n;
    const meanY = sumY / n;
    let cxx = 0;
    let cyy = 0;
    let cxy = 0;
    for (let i = 0; i < slots; i++) {
      if (this.valid[i] === 1) {
        const dx = (this.xs[i] as number) - meanX;
        const dy = (this.ys[i] as number) - meanY;
        cxx += dx * dx;
        cyy += dy * dy;
        cxy += dx * dy;
      }
    }
    this.meanX = meanX;
    this.meanY = meanY;
    this.cxx = cxx;
    this.cyy = cyy;
    this.cxy = cxy;
  }
}

/** Rolling Pearson for every end position: element i covers slots max(0, i - windowSize + 1) .. i. */
export function rollingPearson(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  windowSize: number,
  options?: RollingCorrelationOptions,
): CorrelationResult[] {
  if (x.length !== y.length) throw new RangeError(`x and y differ in length (${x.length} vs ${y.length})`);
  const rolling = new RollingCorrelation(windowSize, options);
  const out: CorrelationResult[] = new Array(x.length);
  for (let i = 0; i < x.length; i++) {
    rolling.push(x[i] as number, y[i] as number);
    out[i] = rolling.result();
  }
  return out;
}
