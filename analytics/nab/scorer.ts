// NAB's scoring rules (standard profile), as written in shared/data/anomaly-dev/README.md. Pure:
// row counts, window row ranges and flagged row indices in; scores out.
//
// - Probation: flags in the first min(floor(0.15 n), 750) rows are ignored; a window wholly inside it
//   does not count.
// - A window scores its earliest flag: sigma(y) / sigma(-1) with y = -(right - i + 1) / width; no flag
//   scores -1 (the FN weight).
// - A flag outside every window costs FP_WEIGHT * sigma(d), d = (i - prevRight) / (prevWidth - 1)
//   (sigma = -1 above 3), or a flat -FP_WEIGHT before the first window.

export interface NabProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export const STANDARD_PROFILE: NabProfile = Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 1 });

/** A labelled window as row indices, both ends included. */
export interface RowWindow {
  left: number;
  right: number;
}

export interface FileScore {
  score: number;
  /** Flagged rows inside windows, flagged rows outside, window rows never flagged (as NAB counts). */
  tp: number;
  fp: number;
  fn: number;
  /** Windows that count and how many of them had a flag. */
  windows: number;
  detected: number;
}

/** sigma(x) = 2 / (1 + e^(5x)) - 1, taken as -1 above 3 (NAB's scaled sigmoid). */
export function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

export function probationRows(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/**
 * Scores one file. `flags` are row indices (any order, duplicates ignored); `windows` sorted,
 * disjoint row ranges.
 */
export function scoreFile(
  rows: number,
  windows: readonly RowWindow[],
  flags: Iterable<number>,
  profile: NabProfile = STANDARD_PROFILE,
): FileScore {
  const probation = probationRows(rows);
  const flagged = new Uint8Array(rows);
  for (const i of flags) if (i >= probation && i < rows) flagged[i] = 1;
  const counted = windows.filter((w) => w.right >= probation);
  const windowOf = new Int32Array(rows).fill(-1);
  counted.forEach((w, k) => {
    for (let i = Math.max(0, w.left); i <= Math.min(rows - 1, w.right); i++) windowOf[i] = k;
  });

  let score = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let detected = 0;
  const scored = new Uint8Array(counted.length);
  let prev: RowWindow | null = null;
  // Windows before the probation's end still set the distance of later false positives.
  for (const w of windows) if (w.right < probation) prev = w;
  for (let i = probation; i < rows; i++) {
    const k = windowOf[i] as number;
    if (k >= 0) {
      const w = counted[k] as RowWindow;
      if (flagged[i]) {
        tp++;
        if (!scored[k]) {
          scored[k] = 1;
          detected++;
          const width = w.right - w.left + 1;
          const y = -(w.right - i + 1) / width;
          score += (profile.tpWeight * scaledSigmoid(y)) / scaledSigmoid(-1);
        }
      } else fn++;
      if (i === w.right) prev = w;
    } else if (flagged[i]) {
      fp++;
      if (prev === null) score -= profile.fpWeight;
      else {
        const d = (i - prev.right) / (prev.right - prev.left);
        score += profile.fpWeight * scaledSigmoid(d);
      }
    }
  }
  score -= profile.fnWeight * (counted.length - detected);
  return { score, tp, fp, fn, windows: counted.length, detected };
}

/** 100 (S - S_null) / (S_perfect - S_null) with S_perfect = windows, S_null = -windows. */
export function normalisedScore(
  total: number,
  windows: number,
  profile: NabProfile = STANDARD_PROFILE,
): number {
  const perfect = profile.tpWeight * windows;
  const nul = -profile.fnWeight * windows;
  return (100 * (total - nul)) / (perfect - nul);
}
