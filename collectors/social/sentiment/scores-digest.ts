/**
 * Bit-identity check for speed work on the scorers: prints one line per text and model (score as its
 * float64 bits, label) plus the learned model's feature vectors (indices and float64 bits, in order),
 * over the held-out crypto set, both training CSVs and a few edge cases, and a SHA-256 of it all.
 *
 *   npx tsx collectors/social/sentiment/scores-digest.ts --write /tmp/before.txt   # before a change
 *   npx tsx collectors/social/sentiment/scores-digest.ts --compare /tmp/before.txt # after: must print IDENTICAL
 *
 * Only for changes that must not change results: a retrained model or new features change it all.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readLabelledCsv } from './data/csv.ts';
import { REPO_ROOT, TRAINING_FILES } from './data/sources.ts';
import { createSentimentScorer } from './create.ts';
import { createFeatureExtractor, createFeatureVector } from './features.ts';
import { defaultLearnedModel } from './learned.ts';
import { SENTIMENT_MODELS } from './options.ts';
import { createTokenBuffer } from './tokenize.ts';

const EDGE_CASES = [
  '',
  ' ',
  'a',
  "isn't",
  'NOT BULLISH!!! 🚀🚀',
  'x'.repeat(20_000),
  'not only bullish but very bearish?? :) <3 www.x.com @Bob +5% -8% 3%',
  'Bull run - httpx café e\u0301x rock’n’roll BTC:D x² $80 #HODL',
];

function lines(): string[] {
  const texts: string[] = [];
  for (const path of ['bench/data/crypto-posts-labelled.csv', ...TRAINING_FILES.map((f) => f.path)])
    for (const row of readLabelledCsv(resolve(REPO_ROOT, path))) texts.push(row.text);
  texts.push(...EDGE_CASES);
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  const bits = (x: number): string => {
    f64[0] = x;
    return `${u32[0]}:${u32[1]}`;
  };
  const out: string[] = [];
  for (const model of SENTIMENT_MODELS) {
    const scorer = createSentimentScorer({ model });
    for (const t of texts) {
      const r = scorer.score(t);
      out.push(`${model}\t${bits(r.score)}\t${r.label}`);
    }
  }
  const extractor = createFeatureExtractor(defaultLearnedModel().file.features);
  const buf = createTokenBuffer();
  const vec = createFeatureVector();
  for (const t of texts) {
    const parts = [bits(extractor.fromText(t, buf, vec))];
    for (let k = 0; k < vec.n; k++) parts.push(`${vec.idx[k]}=${bits(vec.val[k] as number)}`);
    out.push(`features\t${parts.join(' ')}`);
  }
  return out;
}

const args = process.argv.slice(2);
const current = lines();
console.log(
  `${current.length} lines, sha256 ${createHash('sha256').update(current.join('\n')).digest('hex')}`,
);
const write = args.indexOf('--write');
const compare = args.indexOf('--compare');
if (write >= 0) writeFileSync(args[write + 1] as string, current.join('\n'));
if (compare >= 0) {
  const before = readFileSync(args[compare + 1] as string, 'utf8').split('\n');
  let differ = 0;
  for (let i = 0; i < Math.max(before.length, current.length); i++) {
    if (before[i] === current[i]) continue;
    if (differ++ < 5) console.log(`line ${i + 1}:\n  before ${before[i]}\n  after  ${current[i]}`);
  }
  console.log(differ === 0 ? 'IDENTICAL' : `${differ} lines differ`);
  process.exitCode = differ === 0 ? 0 : 1;
}
