/**
 * The learned sentiment model (`model: 'learned'` and `'blend'`): multinomial logistic regression
 * over the features of `features.ts`, trained by `npm run train:sentiment` into
 * `model/sentiment-model.json` (docs/sentiment.md says on what, and how it measures).
 *
 * The score is P(positive) - P(negative) in [-1, 1]; the label uses a neutral band chosen by
 * cross-validation on the training data. The blend averages that score with the lexicon scorer's,
 * with a weight and band also chosen by cross-validation.
 */
import { readFileSync } from 'node:fs';
import {
  DENSE_FEATURES,
  FEATURES_VERSION,
  createFeatureExtractor,
  createFeatureVector,
  featureRows,
} from './features.ts';
import type { FeatureConfig } from './features.ts';
import { DEFAULT_MAX_CHARS } from './options.ts';
import type { SentimentLabel, SentimentResult, SentimentScorer, SentimentScorerOptions } from './options.ts';
import { createTokenBuffer, tokenize, type TokenBuffer, type TokenSource } from './tokenize.ts';

export const MODEL_FORMAT = 'cryptocrawler-sentiment-logreg';
export const MODEL_URL = new URL('./model/sentiment-model.json', import.meta.url);

/** The committed model file. Everything but `weights` is provenance for people and tests. */
export interface SentimentModelFile {
  format: typeof MODEL_FORMAT;
  featuresVersion: number;
  classes: SentimentLabel[];
  features: FeatureConfig & { dense: string[] };
  hyperparameters: Record<string, number | string>;
  /** Neutral band half-widths: learned score, and the blend's weight of the learned score and band. */
  labels: { learnedThreshold: number; blendWeight: number; blendThreshold: number };
  training: Record<string, unknown>;
  /** int16 little-endian, base64; weight = q * scale; layout [feature * 3 + class]. */
  weights: { encoding: 'int16le-base64'; scale: number; rows: number; data: string };
}

/** The weights as stored: quantised to int16 (a quarter of float64's size; the error is < scale / 2). */
export function encodeWeights(w: Float64Array, rows: number): SentimentModelFile['weights'] {
  let max = 0;
  for (const x of w) max = Math.max(max, Math.abs(x));
  // A scale with few significant digits prints the same everywhere.
  const scale = Number((max / 32767 || 1).toPrecision(6));
  const q = new Int16Array(w.length);
  for (let i = 0; i < w.length; i++)
    q[i] = Math.max(-32767, Math.min(32767, Math.round((w[i] as number) / scale)));
  const data = Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64');
  return { encoding: 'int16le-base64', scale, rows, data };
}

/** Decoded to float32: exact for int16 x scale to 7 digits, and half the cache footprint of float64. */
export function decodeWeights(weights: SentimentModelFile['weights']): Float32Array {
  const bytes = Buffer.from(weights.data, 'base64');
  if (bytes.length !== weights.rows * 3 * 2) {
    throw new RangeError(
      `[sentiment] model weights: expected ${weights.rows * 3 * 2} bytes, got ${bytes.length}`,
    );
  }
  const out = new Float32Array(weights.rows * 3);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2) * weights.scale;
  return out;
}

export interface LoadedModel {
  file: SentimentModelFile;
  weights: Float32Array;
  /** Milliseconds spent reading and decoding. */
  loadMs: number;
}

/** Checks a parsed model file and decodes its weights; throws naming what is wrong. */
export function loadModel(file: SentimentModelFile, started = performance.now()): LoadedModel {
  if (file.format !== MODEL_FORMAT)
    throw new RangeError(`[sentiment] model format must be ${MODEL_FORMAT}, got ${String(file.format)}`);
  if (file.featuresVersion !== FEATURES_VERSION) {
    throw new RangeError(
      `[sentiment] model was trained on features v${file.featuresVersion}, this code extracts v${FEATURES_VERSION}: run npm run train:sentiment`,
    );
  }
  if (file.features.dense.join(',') !== DENSE_FEATURES.join(','))
    throw new RangeError('[sentiment] model dense features differ from features.ts');
  if (file.weights.rows !== featureRows(file.features))
    throw new RangeError('[sentiment] model weight rows do not match its feature config');
  return { file, weights: decodeWeights(file.weights), loadMs: performance.now() - started };
}

let defaultModel: LoadedModel | undefined;

/** The committed model, read once per process. */
export function defaultLearnedModel(): LoadedModel {
  if (defaultModel === undefined) {
    const started = performance.now();
    defaultModel = loadModel(JSON.parse(readFileSync(MODEL_URL, 'utf8')) as SentimentModelFile, started);
  }
  return defaultModel;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000 || 0;

/** A scorer over a loaded model; `blend` mixes in the lexicon score with the model's blend weight. */
export function createLearnedScorer(
  opts: SentimentScorerOptions & { blend?: boolean },
  model: LoadedModel = defaultLearnedModel(),
): SentimentScorer & TokenSource {
  const { file, weights } = model;
  const extractor = createFeatureExtractor(file.features);
  const buf = createTokenBuffer();
  const vec = createFeatureVector();
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const blend = opts.blend === true;
  const band = blend ? file.labels.blendThreshold : file.labels.learnedThreshold;
  const posThreshold = opts.posThreshold ?? band;
  const negThreshold = opts.negThreshold ?? -band;
  const a = file.labels.blendWeight;

  // The text whose tokens are in `buf` (lastTokens): only when it was tokenized whole.
  let last: string | undefined;

  return {
    lastTokens(text: string): TokenBuffer | undefined {
      return last !== undefined && last === text ? buf : undefined;
    },
    score(text: string): SentimentResult {
      let input = typeof text === 'string' ? text : '';
      last = input;
      if (input.length > maxChars) {
        input = input.slice(0, maxChars);
        last = undefined;
      }
      const n = tokenize(input, buf);
      const lexicon = extractor.fromTokens(buf, n, vec);
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      const { idx, val } = vec;
      for (let k = 0; k < vec.n; k++) {
        const j = (idx[k] as number) * 3;
        const v = val[k] as number;
        z0 += v * (weights[j] as number);
        z1 += v * (weights[j + 1] as number);
        z2 += v * (weights[j + 2] as number);
      }
      const m = Math.max(z0, z1, z2);
      const e0 = Math.exp(z0 - m);
      const e1 = Math.exp(z1 - m);
      const e2 = Math.exp(z2 - m);
      let s = (e1 - e0) / (e0 + e1 + e2);
      if (blend) s = a * s + (1 - a) * lexicon;
      const score = round4(Math.max(-1, Math.min(1, s)));
      return { score, label: score >= posThreshold ? 'pos' : score <= negThreshold ? 'neg' : 'neu' };
    },
  };
}
