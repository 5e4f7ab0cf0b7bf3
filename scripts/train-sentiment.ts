/**
 * Trains the learned sentiment model from the data in the repository and writes
 * collectors/social/sentiment/model/sentiment-model.json (progress on stderr).
 *
 *   npm run train:sentiment [-- --out PATH]
 *
 * Inputs: collectors/social/sentiment/data/financial-tweets-train.csv (MIT, see NOTICE there) and
 * collectors/social/sentiment/data/crypto-posts-train.csv (ours). The validation split and the
 * held-out crypto set (bench/data/) are never read here. Same inputs, same bytes out.
 */
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrainingSources } from '../collectors/social/sentiment/data/sources.ts';
import { MODEL_URL } from '../collectors/social/sentiment/learned.ts';
import {
  FEATURE_GRID,
  HYPERPARAMETER_GRID,
  TRAINING_FOLDS,
  TRAINING_SEED,
  modelFileText,
  trainModel,
} from '../collectors/social/sentiment/training.ts';

function main(): void {
  const args = process.argv.slice(2);
  const outArg = args.indexOf('--out');
  const out = outArg >= 0 ? resolve(args[outArg + 1] ?? '') : fileURLToPath(MODEL_URL);
  const started = performance.now();
  const log = (m: string): void => {
    process.stderr.write(`[train-sentiment ${((performance.now() - started) / 1000).toFixed(1)}s] ${m}\n`);
  };
  const sources = readTrainingSources();
  for (const s of sources) log(`${s.path}: ${s.rows.length} rows`);
  const model = trainModel(sources, {
    features: [...FEATURE_GRID],
    seed: TRAINING_SEED,
    folds: TRAINING_FOLDS,
    grid: [...HYPERPARAMETER_GRID],
    onProgress: log,
  });
  const text = modelFileText(model);
  writeFileSync(out, text);
  log(`wrote ${relative(process.cwd(), out)} (${(text.length / 1024).toFixed(0)} KiB)`);
}

main();
