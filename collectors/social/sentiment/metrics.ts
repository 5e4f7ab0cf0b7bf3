/**
 * Evaluation of a 3-class sentiment labelling: accuracy, per-class and macro F1, confusion, and a
 * reliability table for a score in [-1, 1] read as P(positive) - P(negative). Pure; used by the
 * training script (cross-validation) and the benchmark.
 */
import type { SentimentLabel } from './options.ts';

/** Class order everywhere in the learned model and its data: the financial set's 0 / 1 / 2. */
export const CLASSES: readonly SentimentLabel[] = ['neg', 'pos', 'neu'];

export interface LabelMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  f1: Record<SentimentLabel, number>;
  /** confusion[truth][predicted] */
  confusion: Record<SentimentLabel, Record<SentimentLabel, number>>;
}

export function labelMetrics(
  truth: readonly SentimentLabel[],
  predicted: readonly SentimentLabel[],
): LabelMetrics {
  const confusion = {} as Record<SentimentLabel, Record<SentimentLabel, number>>;
  for (const a of CLASSES) confusion[a] = { neg: 0, pos: 0, neu: 0 };
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as SentimentLabel;
    const p = predicted[i] as SentimentLabel;
    confusion[t][p]++;
    if (t === p) correct++;
  }
  const f1 = {} as Record<SentimentLabel, number>;
  for (const c of CLASSES) {
    const tp = confusion[c][c];
    const predictedC = CLASSES.reduce((s, a) => s + confusion[a][c], 0);
    const actual = CLASSES.reduce((s, p) => s + confusion[c][p], 0);
    const precision = predictedC === 0 ? 0 : tp / predictedC;
    const recall = actual === 0 ? 0 : tp / actual;
    f1[c] = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  return {
    n: truth.length,
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macroF1: (f1.neg + f1.pos + f1.neu) / 3,
    f1,
    confusion,
  };
}

/** The label of a score with a symmetric neutral band: pos >= t, neg <= -t, else neu. */
export function bandLabel(score: number, threshold: number): SentimentLabel {
  return score >= threshold ? 'pos' : score <= -threshold ? 'neg' : 'neu';
}

/**
 * The neutral band half-width in `candidates` that gives the best macro-F1 (the first of equals,
 * so the choice is deterministic).
 */
export function bestThreshold(
  scores: readonly number[],
  truth: readonly SentimentLabel[],
  candidates: readonly number[],
): { threshold: number; macroF1: number } {
  let best = { threshold: candidates[0] as number, macroF1: -1 };
  for (const t of candidates) {
    const m = labelMetrics(
      truth,
      scores.map((s) => bandLabel(s, t)),
    ).macroF1;
    if (m > best.macroF1 + 1e-12) best = { threshold: t, macroF1: m };
  }
  return best;
}

export interface ReliabilityBin {
  /** Score range [from, to) (the last bin includes 1). */
  from: number;
  to: number;
  n: number;
  /** Mean score in the bin. */
  meanScore: number;
  /** Mean of the truth coded pos = 1, neu = 0, neg = -1: what a calibrated score should equal. */
  observed: number;
}

/**
 * Reliability of a score read as P(pos) - P(neg): per score bin, the mean score beside the
 * observed mean of the truth coded +1 / 0 / -1. `error` is the bin-size-weighted mean absolute
 * gap (an expected calibration error for this reading of the score).
 */
export function reliabilityTable(
  scores: readonly number[],
  truth: readonly SentimentLabel[],
  bins = 10,
): { bins: ReliabilityBin[]; error: number } {
  const out: ReliabilityBin[] = [];
  const sums = Array.from({ length: bins }, () => ({ n: 0, s: 0, o: 0 }));
  for (let i = 0; i < scores.length; i++) {
    const s = Math.max(-1, Math.min(1, scores[i] as number));
    const b = Math.min(bins - 1, Math.floor(((s + 1) / 2) * bins));
    const t = truth[i];
    const bin = sums[b] as { n: number; s: number; o: number };
    bin.n++;
    bin.s += s;
    bin.o += t === 'pos' ? 1 : t === 'neg' ? -1 : 0;
  }
  let error = 0;
  for (let b = 0; b < bins; b++) {
    const { n, s, o } = sums[b] as { n: number; s: number; o: number };
    const bin = {
      from: -1 + (2 * b) / bins,
      to: -1 + (2 * (b + 1)) / bins,
      n,
      meanScore: n ? s / n : 0,
      observed: n ? o / n : 0,
    };
    out.push(bin);
    error += n * Math.abs(bin.meanScore - bin.observed);
  }
  return { bins: out, error: scores.length ? error / scores.length : 0 };
}
