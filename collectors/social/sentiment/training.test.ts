import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTrainingSources } from './data/sources.ts';
import { DEFAULT_FEATURE_CONFIG } from './features.ts';
import { MODEL_URL, encodeWeights, loadModel } from './learned.ts';
import type { SentimentModelFile } from './learned.ts';
import {
  TRAINING_FOLDS,
  TRAINING_SEED,
  buildDataset,
  foldOf,
  inputsHash,
  modelFileText,
  sampleWeights,
  trainModel,
  trainWeights,
} from './training.ts';
import type { Hyperparameters, TrainingSource } from './training.ts';

const sources = readTrainingSources();
const committed = JSON.parse(readFileSync(fileURLToPath(MODEL_URL), 'utf8')) as SentimentModelFile;

/** About n evenly spaced rows of each file (the files are sorted by label): fast enough to train twice. */
function subset(n: number): TrainingSource[] {
  return sources.map((s) => {
    const step = Math.ceil(s.rows.length / n);
    return { ...s, content: `${s.path}:${n}`, rows: s.rows.filter((_, i) => i % step === 0) };
  });
}

describe('training the learned model', () => {
  it('is deterministic: the same data and seed give a byte-identical model file', () => {
    const grid: Hyperparameters[] = [
      { l2: 1e-4, classWeight: 'balanced', cryptoWeight: 5, epochs: 3, learningRate: 0.15 },
      { l2: 1e-3, classWeight: 'balanced', cryptoWeight: 2, epochs: 3, learningRate: 0.15 },
    ];
    const options = { features: [{ ...DEFAULT_FEATURE_CONFIG }], seed: 11, folds: 3, grid };
    const a = modelFileText(trainModel(subset(150), options));
    const b = modelFileText(trainModel(subset(150), options));
    expect(a).toBe(b);
    const model = JSON.parse(a) as SentimentModelFile;
    expect(model.training).toMatchObject({ rows: subset(150).reduce((n, s) => n + s.rows.length, 0) });
    // The file it writes loads, and another seed changes the folds and so the file.
    expect(loadModel(model).weights.length).toBe(model.weights.rows * 3);
    expect(modelFileText(trainModel(subset(150), { ...options, seed: 12 }))).not.toBe(a);
  });

  it('folds are a seeded partition of equal sizes', () => {
    const f = foldOf(103, 5, 1);
    const sizes = [0, 0, 0, 0, 0];
    for (const k of f) sizes[k]!++;
    expect(sizes).toEqual([21, 21, 21, 20, 20]);
    expect(Array.from(foldOf(103, 5, 1))).toEqual(Array.from(f));
    expect(Array.from(foldOf(103, 5, 2))).not.toEqual(Array.from(f));
  });

  it('balanced sample weights give each class the same total weight, crypto rows their multiple', () => {
    const ds = buildDataset(subset(60), DEFAULT_FEATURE_CONFIG);
    const rows = Int32Array.from({ length: ds.labels.length }, (_, i) => i);
    const w = sampleWeights(ds, rows, {
      l2: 0,
      classWeight: 'balanced',
      cryptoWeight: 5,
      epochs: 1,
      learningRate: 0.1,
    });
    const perClass = [0, 0, 0];
    for (const r of rows) perClass[ds.labels[r]!]! += w[r]!;
    expect(perClass[0]).toBeCloseTo(perClass[1]!, 9);
    expect(perClass[1]).toBeCloseTo(perClass[2]!, 9);
    expect(perClass[0]! + perClass[1]! + perClass[2]!).toBeCloseTo(rows.length, 9);
    const unbalanced = sampleWeights(ds, rows, {
      l2: 0,
      classWeight: 'none',
      cryptoWeight: 5,
      epochs: 1,
      learningRate: 0.1,
    });
    const fin = rows.find((r) => ds.crypto[r] === 0)!;
    const cry = rows.find((r) => ds.crypto[r] === 1)!;
    expect(unbalanced[cry]! / unbalanced[fin]!).toBeCloseTo(5, 9);
  });

  it('the committed model is what training on the committed data produces (drift check)', () => {
    const h = committed.hyperparameters as unknown as Hyperparameters;
    const { dense: _dense, ...features } = committed.features;
    const options = { features, seed: TRAINING_SEED, folds: TRAINING_FOLDS };
    expect(committed.training.inputsSha256).toBe(
      inputsHash(sources, options, {
        l2: h.l2,
        classWeight: h.classWeight,
        cryptoWeight: h.cryptoWeight,
        epochs: h.epochs,
        learningRate: h.learningRate,
      }),
    );
    const ds = buildDataset(sources, features);
    const weights = encodeWeights(trainWeights(ds, h, TRAINING_SEED), ds.x.features);
    expect(weights.scale).toBe(committed.weights.scale);
    expect(weights.data === committed.weights.data).toBe(true);
  });

  it('the committed model file is small and records its provenance', () => {
    const bytes = readFileSync(fileURLToPath(MODEL_URL)).length;
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const inputs = committed.training.inputs as Array<{ path: string; rows: number }>;
    expect(inputs.map((i) => [i.path, i.rows])).toEqual(sources.map((s) => [s.path, s.rows.length]));
    // The validation split and the held-out crypto set are never training inputs.
    expect(JSON.stringify(inputs)).not.toMatch(/valid|crypto-posts-labelled/);
  });
});
