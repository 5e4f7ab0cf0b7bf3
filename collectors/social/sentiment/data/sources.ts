/**
 * The training files of the learned model, read from the repository (never from ../shared: a fresh
 * clone must train the same model). The validation split and the held-out crypto set
 * (bench/data/crypto-posts-labelled.csv) are deliberately not listed.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainingSource } from '../training.ts';
import { parseLabelledCsv } from './csv.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

export const TRAINING_FILES: ReadonlyArray<{ path: string; kind: TrainingSource['kind'] }> = [
  { path: 'collectors/social/sentiment/data/financial-tweets-train.csv', kind: 'financial' },
  { path: 'collectors/social/sentiment/data/crypto-posts-train.csv', kind: 'crypto' },
];

export function readTrainingSources(): TrainingSource[] {
  return TRAINING_FILES.map(({ path, kind }) => {
    const content = readFileSync(resolve(REPO_ROOT, path), 'utf8');
    return { path, kind, content, rows: parseLabelledCsv(content, path) };
  });
}
