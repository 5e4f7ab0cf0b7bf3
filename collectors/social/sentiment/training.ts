/**
 * Training of the learned sentiment model, from labelled texts to a model file: feature matrix,
 * sample weights, 5-fold cross-validation over a small hyperparameter grid, the neutral band and
 * the blend weight from the out-of-fold scores, and the final fit on all training rows.
 * Deterministic: folds come from a seeded generator, everything else has a fixed order.
 * File reading and writing are in scripts/train-sentiment.ts.
 */
import { createHash } from 'node:crypto';
import { mulberry32 } from '../../../src/core/random.ts';
import type { LabelledText } from './data/csv.ts';
import {
  DENSE_FEATURES,
  FEATURES_VERSION,
  createFeatureExtractor,
  createFeatureVector,
  featureRows,
} from './features.ts';
import type { FeatureConfig } from './features.ts';
import { MODEL_FORMAT, encodeWeights } from './learned.ts';
import type { SentimentModelFile } from './learned.ts';
import { CLASSES, bandLabel, labelMetrics } from './metrics.ts';
import type { SentimentLabel } from './options.ts';
import { createLexiconScorer } from './scorer.ts';
import { createTokenBuffer } from './tokenize.ts';
import { fitLogisticRegression, predictRow } from './train.ts';
import type { SparseRows } from './train.ts';

/** One training file: financial tweets or our crypto posts (weighted separately). */
export interface TrainingSource {
  /** Path relative to the repository, as recorded in the model file. */
  path: string;
  kind: 'financial' | 'crypto';
  /** The file's bytes, for the provenance hash. */
  content: string;
  rows: LabelledText[];
}

export interface Hyperparameters {
  /** L2 penalty on the mean weighted cross-entropy. */
  l2: number;
  /** 'balanced': each class weighs the same in total (macro-F1 is the goal); 'none': each row 1. */
  classWeight: 'balanced' | 'none';
  /** Each crypto row counts this many times a financial row (they are few, and they are the domain). */
  cryptoWeight: number;
  /** Passes over the data. */
  epochs: number;
  /** AdaGrad's base step. */
  learningRate: number;
}

export interface TrainingOptions {
  /** Feature settings searched (each with the whole hyperparameter grid). */
  features: FeatureConfig[];
  /** Seed of the fold assignment (and, plus the fold number, of each fit's row order). */
  seed: number;
  folds: number;
  grid: Hyperparameters[];
  onProgress?: (message: string) => void;
}

export const TRAINING_SEED = 20_261_128;
export const TRAINING_FOLDS = 5;
/**
 * The grid searched by cross-validation (documented in docs/sentiment.md). Classes are always
 * balanced: the goal is macro-F1, and the financial set is two thirds neutral.
 */
export const HYPERPARAMETER_GRID: readonly Hyperparameters[] = [1e-4, 1e-3, 1e-2].flatMap((l2) =>
  [5, 10, 20].map((cryptoWeight) => ({
    l2,
    classWeight: 'balanced' as const,
    cryptoWeight,
    epochs: 15,
    learningRate: 0.15,
  })),
);
/**
 * Feature settings searched: words only, and words plus character 3- and 4-grams (which let unseen
 * spellings such as "rekkt" or "moooon" share weight with known ones, at about twice the scoring cost).
 */
export const FEATURE_GRID: readonly FeatureConfig[] = [
  { hashBits: 16, charNgramMin: 0, charNgramMax: 0 },
  { hashBits: 16, charNgramMin: 3, charNgramMax: 4 },
];
/** Neutral band half-widths tried for the learned score and the blend. */
export const BAND_CANDIDATES: readonly number[] = Array.from({ length: 27 }, (_, i) =>
  round(0.05 + i * 0.025, 3),
);
/** Weights of the learned score in the blend tried. */
export const BLEND_CANDIDATES: readonly number[] = Array.from({ length: 11 }, (_, i) => round(i / 10, 1));
/** The lexicon scorer's own band (DEFAULT_POS_THRESHOLD); not tuned. */
const LEXICON_BAND = 0.2;

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

export interface Dataset {
  x: SparseRows;
  labels: Uint8Array;
  crypto: Uint8Array;
  truth: SentimentLabel[];
  lexicon: Float64Array;
}

/** Features of every row of every source, in file order. */
export function buildDataset(sources: readonly TrainingSource[], cfg: FeatureConfig): Dataset {
  const extractor = createFeatureExtractor(cfg);
  const buf = createTokenBuffer();
  const vec = createFeatureVector();
  const lexicon = createLexiconScorer();
  const rowPtr: number[] = [0];
  const idx: number[] = [];
  const val: number[] = [];
  const labels: number[] = [];
  const crypto: number[] = [];
  const truth: SentimentLabel[] = [];
  const lex: number[] = [];
  for (const source of sources) {
    for (const row of source.rows) {
      extractor.fromText(row.text, buf, vec);
      for (let k = 0; k < vec.n; k++) {
        idx.push(vec.idx[k] as number);
        val.push(vec.val[k] as number);
      }
      rowPtr.push(idx.length);
      labels.push(CLASSES.indexOf(row.label));
      crypto.push(source.kind === 'crypto' ? 1 : 0);
      truth.push(row.label);
      lex.push(lexicon.score(row.text).score);
    }
  }
  return {
    x: {
      rowPtr: Int32Array.from(rowPtr),
      idx: Int32Array.from(idx),
      val: Float64Array.from(val),
      features: featureRows(cfg),
    },
    labels: Uint8Array.from(labels),
    crypto: Uint8Array.from(crypto),
    truth,
    lexicon: Float64Array.from(lex),
  };
}

/** Row weights for `rows` (others 0), normalised so the weights of `rows` sum to their count. */
export function sampleWeights(ds: Dataset, rows: Int32Array, h: Hyperparameters): Float64Array {
  const w = new Float64Array(ds.labels.length);
  const classTotal = [0, 0, 0];
  for (const r of rows) {
    w[r] = ds.crypto[r] === 1 ? h.cryptoWeight : 1;
    classTotal[ds.labels[r] as number]! += w[r] as number;
  }
  let sum = 0;
  for (const r of rows) {
    if (h.classWeight === 'balanced') {
      const total = classTotal[ds.labels[r] as number] as number;
      w[r] = (w[r] as number) / (3 * total);
    }
    sum += w[r] as number;
  }
  for (const r of rows) w[r] = ((w[r] as number) * rows.length) / sum;
  return w;
}

export function fit(ds: Dataset, rows: Int32Array, h: Hyperparameters, seed: number): Float64Array {
  return fitLogisticRegression(ds.x, ds.labels, {
    l2: h.l2,
    unpenalizedFrom: ds.x.features - DENSE_FEATURES.length,
    sampleWeight: sampleWeights(ds, rows, h),
    rows,
    seed,
    epochs: h.epochs,
    learningRate: h.learningRate,
  });
}

/** P(pos) - P(neg) of row r. */
export function learnedScore(ds: Dataset, r: number, w: Float64Array, p = new Float64Array(3)): number {
  predictRow(ds.x, r, w, p);
  return (p[1] as number) - (p[0] as number);
}

/** Deterministic fold of each row: a seeded shuffle, then round robin. */
export function foldOf(n: number, folds: number, seed: number): Uint8Array {
  const order = Array.from({ length: n }, (_, i) => i);
  const rnd = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const fold = new Uint8Array(n);
  order.forEach((row, k) => (fold[row] = k % folds));
  return fold;
}

/** The selection criterion: mean of macro-F1 on the financial rows and on the crypto rows. */
export function criterion(
  ds: Dataset,
  labels: readonly SentimentLabel[],
): { financial: number; crypto: number; mean: number } {
  const part = (crypto: number): number => {
    const t: SentimentLabel[] = [];
    const p: SentimentLabel[] = [];
    for (let r = 0; r < ds.truth.length; r++) {
      if (ds.crypto[r] !== crypto) continue;
      t.push(ds.truth[r] as SentimentLabel);
      p.push(labels[r] as SentimentLabel);
    }
    return t.length === 0 ? 0 : labelMetrics(t, p).macroF1;
  };
  const financial = part(0);
  const crypto = part(1);
  return { financial, crypto, mean: (financial + crypto) / 2 };
}

function bestBand(ds: Dataset, scores: Float64Array): { threshold: number; score: number } {
  let best = { threshold: BAND_CANDIDATES[0] as number, score: -1 };
  for (const t of BAND_CANDIDATES) {
    const m = criterion(
      ds,
      Array.from(scores, (s) => bandLabel(s, t)),
    ).mean;
    if (m > best.score + 1e-12) best = { threshold: t, score: m };
  }
  return best;
}

export interface CvResult {
  features: FeatureConfig;
  hyperparameters: Hyperparameters;
  threshold: number;
  financialMacroF1: number;
  cryptoMacroF1: number;
  criterion: number;
}

/** Out-of-fold learned scores of every row for one setting. */
export function outOfFold(
  ds: Dataset,
  h: Hyperparameters,
  o: { seed: number; folds: number },
  fold: Uint8Array,
): Float64Array {
  const n = ds.labels.length;
  const scores = new Float64Array(n);
  const p = new Float64Array(3);
  for (let f = 0; f < o.folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let r = 0; r < n; r++) (fold[r] === f ? test : train).push(r);
    const w = fit(ds, Int32Array.from(train), h, o.seed + f + 1);
    for (const r of test) scores[r] = learnedScore(ds, r, w, p);
  }
  return scores;
}

/** Inputs hash: the files' bytes and everything that shapes training, so drift is visible. */
export function inputsHash(
  sources: readonly TrainingSource[],
  o: { features: FeatureConfig; seed: number; folds: number },
  extra: unknown,
): string {
  const h = createHash('sha256');
  for (const s of sources) h.update(`${s.path}\n${createHash('sha256').update(s.content).digest('hex')}\n`);
  h.update(
    JSON.stringify({ featuresVersion: FEATURES_VERSION, ...o.features, seed: o.seed, folds: o.folds, extra }),
  );
  return h.digest('hex');
}

const r4 = (x: number): number => round(x, 4);

/** Cross-validates the grid, picks the best setting, band and blend, fits on all rows. */
export function trainModel(sources: readonly TrainingSource[], o: TrainingOptions): SentimentModelFile {
  const log = o.onProgress ?? ((): void => {});
  const cv: CvResult[] = [];
  let best: { result: CvResult; scores: Float64Array; ds: Dataset; features: FeatureConfig } | undefined;
  for (const features of o.features) {
    const ds = buildDataset(sources, features);
    const n = ds.labels.length;
    log(
      `features ${JSON.stringify(features)}: ${n} rows, ${ds.x.idx.length} non-zeros, ${ds.x.features} feature rows`,
    );
    const fold = foldOf(n, o.folds, o.seed);
    for (const h of o.grid) {
      const scores = outOfFold(ds, h, o, fold);
      const band = bestBand(ds, scores);
      const c = criterion(
        ds,
        Array.from(scores, (s) => bandLabel(s, band.threshold)),
      );
      const result = {
        features,
        hyperparameters: h,
        threshold: band.threshold,
        financialMacroF1: r4(c.financial),
        cryptoMacroF1: r4(c.crypto),
        criterion: r4(c.mean),
      };
      cv.push(result);
      log(
        `cv ${JSON.stringify(h)}: band ±${band.threshold}, financial ${c.financial.toFixed(4)}, crypto ${c.crypto.toFixed(4)}, mean ${c.mean.toFixed(4)}`,
      );
      if (best === undefined || c.mean > best.result.criterion + 1e-12) {
        best = { result: { ...result, criterion: c.mean }, scores, ds, features };
      }
    }
  }
  if (best === undefined) throw new RangeError('[sentiment] empty hyperparameter grid');
  const { ds, features } = best;
  const n = ds.labels.length;

  // Blend weight and band, on the chosen setting's out-of-fold scores.
  let blend = { weight: 1, threshold: best.result.threshold, score: -1 };
  for (const a of BLEND_CANDIDATES) {
    const mixed = best.scores.map((s, r) => a * s + (1 - a) * (ds.lexicon[r] as number));
    const band = bestBand(ds, mixed);
    if (band.score > blend.score + 1e-12) blend = { weight: a, threshold: band.threshold, score: band.score };
  }
  const lexicon = criterion(
    ds,
    Array.from(ds.lexicon, (s) => bandLabel(s, LEXICON_BAND)),
  );
  log(
    `lexicon alone: mean ${lexicon.mean.toFixed(4)}; blend: weight ${blend.weight}, band ±${blend.threshold}, mean ${blend.score.toFixed(4)}`,
  );

  const h = best.result.hyperparameters;
  const weights = trainWeights(ds, h, o.seed);
  return {
    format: MODEL_FORMAT,
    featuresVersion: FEATURES_VERSION,
    classes: [...CLASSES],
    features: { ...features, dense: [...DENSE_FEATURES] },
    hyperparameters: { ...h, optimizer: 'AdaGrad, zeros start, seeded row order', seed: o.seed },
    labels: {
      learnedThreshold: best.result.threshold,
      blendWeight: blend.weight,
      blendThreshold: blend.threshold,
    },
    training: {
      inputs: sources.map((s) => ({
        path: s.path,
        kind: s.kind,
        rows: s.rows.length,
        sha256: createHash('sha256').update(s.content).digest('hex'),
      })),
      inputsSha256: inputsHash(sources, { features, seed: o.seed, folds: o.folds }, h),
      rows: n,
      crossValidation: {
        folds: o.folds,
        seed: o.seed,
        criterion: 'mean of macro-F1 on financial rows and on crypto rows, out of fold',
        lexiconAlone: {
          band: LEXICON_BAND,
          financialMacroF1: r4(lexicon.financial),
          cryptoMacroF1: r4(lexicon.crypto),
          criterion: r4(lexicon.mean),
        },
        blend: { weight: blend.weight, band: blend.threshold, criterion: r4(blend.score) },
        grid: cv,
      },
    },
    weights: encodeWeights(weights, ds.x.features),
  };
}

/** The model file's bytes: fixed key order (as built above) and JSON's shortest float printing. */
export function modelFileText(model: SentimentModelFile): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

/** The final fit on every row (what the drift test repeats). */
export function trainWeights(ds: Dataset, h: Hyperparameters, seed: number): Float64Array {
  return fit(
    ds,
    Int32Array.from({ length: ds.labels.length }, (_, i) => i),
    h,
    seed,
  );
}
