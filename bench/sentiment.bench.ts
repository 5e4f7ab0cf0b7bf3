/**
 * Sentiment benchmark, side by side in one run: our three models (lexicon, learned, blend) against
 * AFINN (`sentiment`), VADER (`vader-sentiment`) and wink-nlp's own document sentiment.
 *
 *   npx tsx bench/sentiment.bench.ts [--json] [--no-cv] [--no-speed] [CSV_PATH ...]
 *
 * Without paths it evaluates
 *   1. the validation split, ../shared/data/sentiment-dev/financial-tweets-valid.csv (skipped with a
 *      printed reason when absent; never used for training or tuning),
 *   2. the held-out crypto set, bench/data/crypto-posts-labelled.csv (never used for training),
 *   3. 5-fold cross-validation on the training data in the repository: the learned model and the
 *      blend are refitted per fold with the committed model's hyperparameters and scored out of fold;
 *      the untrained methods are scored on the same rows.
 * Prints accuracy, macro-F1, per-class F1, calibration error (score read as P(pos) - P(neg)) and
 * throughput per method, and reliability tables for our models.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import winkNLP from 'wink-nlp';
import winkModel from 'wink-eng-lite-web-model';
import { createTopicRouter } from '../collectors/social/routing/index.ts';
import { readLabelledCsv } from '../collectors/social/sentiment/data/csv.ts';
import type { LabelledText } from '../collectors/social/sentiment/data/csv.ts';
import { readTrainingSources } from '../collectors/social/sentiment/data/sources.ts';
import { createSentimentScorer, defaultLearnedModel } from '../collectors/social/sentiment/index.ts';
import type { SentimentLabel, SentimentModel } from '../collectors/social/sentiment/index.ts';
import { bandLabel, labelMetrics, reliabilityTable } from '../collectors/social/sentiment/metrics.ts';
import type { LabelMetrics, ReliabilityBin } from '../collectors/social/sentiment/metrics.ts';
import {
  TRAINING_FOLDS,
  TRAINING_SEED,
  buildDataset,
  foldOf,
  outOfFold,
} from '../collectors/social/sentiment/training.ts';
import type { Hyperparameters } from '../collectors/social/sentiment/training.ts';

interface Method {
  name: string;
  /** Label and, where the method has one, a score in [-1, 1]. */
  classify(text: string): { label: SentimentLabel; score?: number };
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// The two baselines ship without types; these are the parts used.
interface AfinnAnalyzer {
  analyze(text: string): { score: number };
}
interface VaderModule {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}
const AfinnCtor = require('sentiment') as new () => AfinnAnalyzer;
const vader = require('vader-sentiment') as VaderModule;

const sign = (x: number, eps: number): SentimentLabel => (x >= eps ? 'pos' : x <= -eps ? 'neg' : 'neu');

const OURS: ReadonlyArray<[SentimentModel, string]> = [
  ['lexicon', 'ours: lexicon (wink + crypto layer)'],
  ['learned', 'ours: learned (logistic regression)'],
  ['blend', 'ours: blend (learned + lexicon)'],
];

function methods(): Method[] {
  const afinn = new AfinnCtor();
  const nlp = winkNLP(winkModel, ['sbd', 'negation', 'sentiment']);
  const its = nlp.its;
  return [
    ...OURS.map(([model, name]): Method => {
      const scorer = createSentimentScorer({ model });
      return { name, classify: (t) => scorer.score(t) };
    }),
    { name: 'AFINN (`sentiment`, sign)', classify: (t) => ({ label: sign(afinn.analyze(t).score, 1) }) },
    {
      name: 'VADER (`vader-sentiment`, ±0.05)',
      classify: (t) => {
        const score = vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;
        return { label: sign(score, 0.05), score };
      },
    },
    {
      name: 'wink-nlp alone (`readDoc`, sign)',
      classify: (t) => {
        const score = nlp.readDoc(t).out(its.sentiment) as number;
        return { label: sign(score, 1e-9), score };
      },
    },
  ];
}

interface Row extends LabelMetrics {
  method: string;
  calibrationError?: number;
  reliability?: ReliabilityBin[];
  postsPerSec?: number;
}

/**
 * Posts per CPU-second of this process over at least `minMs` of work, after a warm-up pass. CPU
 * time, not wall time: on the shared machine wall time mostly measures waiting for the core.
 */
function throughput(texts: string[], fn: (t: string) => unknown, minMs = 800): number {
  let sink = 0;
  for (const t of texts) if (fn(t)) sink++;
  let n = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  do {
    for (const t of texts) if (fn(t)) sink++;
    n += texts.length;
  } while (performance.now() - start < minMs);
  const cpu = process.cpuUsage(cpu0);
  if (sink < 0) console.log(sink); // keep the calls observable
  return n / ((cpu.user + cpu.system) / 1e6);
}

function evaluate(
  name: string,
  truth: SentimentLabel[],
  out: Array<{ label: SentimentLabel; score?: number }>,
): Row {
  const row: Row = {
    method: name,
    ...labelMetrics(
      truth,
      out.map((o) => o.label),
    ),
  };
  if (out.every((o) => o.score !== undefined)) {
    const rel = reliabilityTable(
      out.map((o) => o.score as number),
      truth,
    );
    row.calibrationError = rel.error;
    row.reliability = rel.bins;
  }
  return row;
}

const pct = (x: number): string => (x * 100).toFixed(1) + '%';
const num = (x: number): string => Math.round(x).toLocaleString('en-US');

function printTable(title: string, rows: Row[]): void {
  console.log(`\n### ${title}\n`);
  console.log(
    '| method | accuracy | macro-F1 | F1 neg | F1 pos | F1 neu | calibration error | posts/s (1 core) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const cal = r.calibrationError === undefined ? 'n/a' : r.calibrationError.toFixed(3);
    const speed = r.postsPerSec === undefined ? '' : num(r.postsPerSec);
    console.log(
      `| ${r.method} | ${pct(r.accuracy)} | ${pct(r.macroF1)} | ${pct(r.f1.neg)} | ${pct(r.f1.pos)} | ${pct(r.f1.neu)} | ${cal} | ${speed} |`,
    );
  }
  for (const r of rows) {
    if (!r.method.startsWith('ours: learned') && !r.method.startsWith('ours: blend')) continue;
    console.log(`\nReliability of ${r.method} (score bin: n, mean score, observed P(pos) - P(neg)):`);
    console.log(
      '  ' +
        (r.reliability ?? [])
          .filter((b) => b.n > 0)
          .map(
            (b) =>
              `[${b.from.toFixed(1)},${b.to.toFixed(1)}): ${b.n}, ${b.meanScore.toFixed(2)}, ${b.observed.toFixed(2)}`,
          )
          .join('\n  '),
    );
  }
  const lex = rows.find((r) => r.method.startsWith('ours: lexicon'));
  const best = rows.find((r) => r.method.startsWith('ours: blend'));
  if (lex && best) {
    const c = best.confusion;
    console.log(
      `\nblend confusion (rows truth, columns predicted neg/pos/neu): neg ${c.neg.neg} ${c.neg.pos} ${c.neg.neu}, pos ${c.pos.neg} ${c.pos.pos} ${c.pos.neu}, neu ${c.neu.neg} ${c.neu.pos} ${c.neu.neu}`,
    );
  }
}

function evaluateFile(path: string, ms: Method[], speed: boolean): Row[] {
  const rows = readLabelledCsv(path);
  const truth = rows.map((r) => r.label);
  const texts = rows.map((r) => r.text);
  return ms.map((m) => {
    const row = evaluate(
      m.name,
      truth,
      texts.map((t) => m.classify(t)),
    );
    if (speed) row.postsPerSec = throughput(texts, (t) => m.classify(t).label);
    return row;
  });
}

/** 5-fold CV on the training data: learned and blend out of fold, the rest on the same rows. */
function crossValidation(ms: Method[]): { financial: Row[]; crypto: Row[] } {
  const sources = readTrainingSources();
  const model = defaultLearnedModel().file;
  const h = model.hyperparameters as unknown as Hyperparameters;
  const { dense: _dense, ...features } = model.features;
  const ds = buildDataset(sources, features);
  const fold = foldOf(ds.labels.length, TRAINING_FOLDS, TRAINING_SEED);
  const oof = outOfFold(ds, h, { seed: TRAINING_SEED, folds: TRAINING_FOLDS }, fold);
  const rows: LabelledText[] = sources.flatMap((s) => s.rows);
  const { learnedThreshold, blendWeight, blendThreshold } = model.labels;
  const part = (crypto: 0 | 1): Row[] => {
    const idx = rows.map((_, i) => i).filter((i) => ds.crypto[i] === crypto);
    const truth = idx.map((i) => ds.truth[i] as SentimentLabel);
    return ms.map((m) => {
      if (m.name.startsWith('ours: learned') || m.name.startsWith('ours: blend')) {
        const blend = m.name.startsWith('ours: blend');
        const out = idx.map((i) => {
          const s = blend
            ? blendWeight * (oof[i] as number) + (1 - blendWeight) * (ds.lexicon[i] as number)
            : (oof[i] as number);
          return { score: s, label: bandLabel(s, blend ? blendThreshold : learnedThreshold) };
        });
        return evaluate(`${m.name}, out of fold`, truth, out);
      }
      return evaluate(
        m.name,
        truth,
        idx.map((i) => m.classify((rows[i] as LabelledText).text)),
      );
    });
  };
  return { financial: part(0), crypto: part(1) };
}

function main(): void {
  const args = process.argv.slice(2);
  // Start-up cost, measured first (nothing is cached yet): the model file, then a whole scorer.
  const t0 = performance.now();
  const modelMs = defaultLearnedModel().loadMs;
  createSentimentScorer().score('warm up: the lexicons compile on first use');
  const buildMs = performance.now() - t0;
  const json = args.includes('--json');
  const speed = !args.includes('--no-speed');
  let paths = args.filter((a) => !a.startsWith('--'));
  const results: Record<string, Row[]> = {};
  const ms = methods();
  if (paths.length === 0) {
    const valid = resolve(
      process.env.CRYPTOCRAWLER_SHARED_DATA ?? resolve(here, '..', '..', 'shared', 'data'),
      'sentiment-dev',
      'financial-tweets-valid.csv',
    );
    if (existsSync(valid)) paths.push(valid);
    else console.log(`validation split skipped: ${valid} not found (a fresh clone has no ../shared/data)`);
    paths.push(resolve(here, 'data/crypto-posts-labelled.csv'));
  }
  paths = paths.filter((p) => existsSync(p));
  for (const path of paths) {
    const rows = evaluateFile(path, ms, speed);
    results[basename(path)] = rows;
    if (!json) printTable(`${basename(path)} (${rows[0]?.n ?? 0} rows)`, rows);
  }
  if (!args.includes('--no-cv')) {
    const cv = crossValidation(ms);
    results['cv-financial-train'] = cv.financial;
    results['cv-crypto-train'] = cv.crypto;
    if (!json) {
      printTable(`5-fold CV, financial training rows (${cv.financial[0]?.n ?? 0})`, cv.financial);
      printTable(`5-fold CV, crypto training posts (${cv.crypto[0]?.n ?? 0})`, cv.crypto);
    }
  }
  if (speed && !json) {
    const router = createTopicRouter([
      { name: 'bitcoin', keywords: ['bitcoin', 'btc', 'sats'], coin: 'BTC' },
      { name: 'ethereum', keywords: ['ethereum', 'eth', 'ether'], coin: 'ETH' },
      { name: 'market', keywords: ['crypto', 'altcoins', 'buy the dip', 'bull run'] },
    ]);
    const texts = readLabelledCsv(resolve(here, 'data/crypto-posts-labelled.csv')).map((r) => r.text);
    console.log('\nroute + score, posts per CPU-second, crypto set:');
    for (const [model] of OURS) {
      const scorer = createSentimentScorer({ model });
      console.log(
        `  ${model}: ${num(throughput(texts, (t) => router.route(t).length + scorer.score(t).score))} posts/s`,
      );
    }
  }
  if (!json) {
    console.log(
      `\nlearned model file load: ${modelMs.toFixed(0)} ms; default scorer ready (model, wink lexicon, compiled lexicons, first score) in ${buildMs.toFixed(0)} ms`,
    );
  }
  if (json) console.log(JSON.stringify(results, null, 2));
}

main();
