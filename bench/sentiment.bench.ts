/**
 * Sentiment benchmark: our scorer against AFINN (`sentiment`) and VADER (`vader-sentiment`), with
 * wink-nlp's own document sentiment for reference, on labelled CSV files.
 *
 *   npx tsx bench/sentiment.bench.ts [--json] [CSV_PATH ...]
 *
 * Each CSV needs a header with `text` and `label` columns. Labels may be 0/1/2 (bearish, bullish,
 * neutral: the convention of the financial-tweets set and of bench/data/) or words
 * (neg/pos/neu, negative/positive/neutral, bearish/bullish). Without paths it runs
 * bench/data/crypto-posts-labelled.csv and ../shared/data/sentiment-dev/financial-tweets-valid.csv
 * when present. Prints accuracy, macro-F1 (3 classes) and throughput per method and file.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import winkNLP from 'wink-nlp';
import winkModel from 'wink-eng-lite-web-model';
import { createSentimentScorer } from '../collectors/social/sentiment/index.ts';
import { createTopicRouter } from '../collectors/social/routing/index.ts';

type Label = 'pos' | 'neg' | 'neu';
const LABELS: readonly Label[] = ['neg', 'pos', 'neu'];

interface Method {
  name: string;
  classify(text: string): Label;
}

interface Row {
  text: string;
  label: Label;
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

/** RFC 4180: quoted fields, doubled quotes, newlines inside quotes. */
export function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || (r[0] ?? '') !== '');
}

const LABEL_NAMES: Record<string, Label> = {
  '0': 'neg',
  '1': 'pos',
  '2': 'neu',
  neg: 'neg',
  negative: 'neg',
  bearish: 'neg',
  pos: 'pos',
  positive: 'pos',
  bullish: 'pos',
  neu: 'neu',
  neutral: 'neu',
};

function loadRows(path: string): Row[] {
  const [header, ...body] = parseCsv(readFileSync(path, 'utf8'));
  const cols = (header ?? []).map((h) => h.trim().toLowerCase());
  const ti = cols.indexOf('text');
  const li = cols.indexOf('label');
  if (ti < 0 || li < 0)
    throw new Error(`[bench] ${path}: header must have text and label, got ${cols.join(',')}`);
  return body.map((r, n) => {
    const label = LABEL_NAMES[(r[li] ?? '').trim().toLowerCase()];
    if (label === undefined) throw new Error(`[bench] ${path}: row ${n + 2} has unknown label "${r[li]}"`);
    return { text: r[ti] ?? '', label };
  });
}

function methods(): Method[] {
  const ours = createSentimentScorer();
  const afinn = new AfinnCtor();
  const nlp = winkNLP(winkModel, ['sbd', 'negation', 'sentiment']);
  const its = nlp.its;
  const sign = (x: number, eps: number): Label => (x >= eps ? 'pos' : x <= -eps ? 'neg' : 'neu');
  return [
    { name: 'ours (wink lexicon + crypto layer)', classify: (t) => ours.score(t).label },
    { name: 'AFINN (`sentiment`)', classify: (t) => sign(afinn.analyze(t).score, 1) },
    {
      name: 'VADER (`vader-sentiment`, ±0.05)',
      classify: (t) => sign(vader.SentimentIntensityAnalyzer.polarity_scores(t).compound, 0.05),
    },
    {
      name: 'wink-nlp alone (`readDoc`, sign)',
      classify: (t) => sign(nlp.readDoc(t).out(its.sentiment) as number, 1e-9),
    },
  ];
}

/** Ours with one setting changed: what the crypto layer and the thresholds each contribute. */
function variants(): Method[] {
  const make = (name: string, opts: Parameters<typeof createSentimentScorer>[0]): Method => {
    const scorer = createSentimentScorer(opts);
    return { name, classify: (t) => scorer.score(t).label };
  };
  return [
    make('defaults (threshold ±0.2, generalWeight 0.75)', {}),
    make('crypto layer only (generalWeight 0)', { generalWeight: 0 }),
    make('general lexicon at full weight (generalWeight 1)', { generalWeight: 1 }),
    make('threshold ±0.1', { posThreshold: 0.1, negThreshold: -0.1 }),
    make('threshold ±0.3', { posThreshold: 0.3, negThreshold: -0.3 }),
    make('threshold ±0.4', { posThreshold: 0.4, negThreshold: -0.4 }),
  ];
}

interface Metrics {
  accuracy: number;
  macroF1: number;
  f1: Record<Label, number>;
  confusion: Record<Label, Record<Label, number>>;
}

function evaluate(rows: Row[], method: Method): Metrics {
  const confusion = {} as Record<Label, Record<Label, number>>;
  for (const a of LABELS) confusion[a] = { neg: 0, pos: 0, neu: 0 };
  let correct = 0;
  for (const row of rows) {
    const got = method.classify(row.text);
    confusion[row.label][got]++;
    if (got === row.label) correct++;
  }
  const f1 = {} as Record<Label, number>;
  for (const c of LABELS) {
    const tp = confusion[c][c];
    const predicted = LABELS.reduce((s, a) => s + confusion[a][c], 0);
    const actual = LABELS.reduce((s, p) => s + confusion[c][p], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = actual === 0 ? 0 : tp / actual;
    f1[c] = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  const macroF1 = (f1.neg + f1.pos + f1.neu) / 3;
  return { accuracy: correct / rows.length, macroF1, f1, confusion };
}

/** Posts per second over at least `minMs` of work, after a warm-up pass. */
function throughput(texts: string[], fn: (t: string) => unknown, minMs = 1500): number {
  let sink = 0;
  for (const t of texts) if (fn(t)) sink++;
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (const t of texts) if (fn(t)) sink++;
    n += texts.length;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  if (sink < 0) console.log(sink); // keep the calls observable
  return (n / elapsed) * 1000;
}

const pct = (x: number): string => (x * 100).toFixed(1) + '%';
const num = (x: number): string => Math.round(x).toLocaleString('en-US');

function main(): void {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  let paths = args.filter((a) => a !== '--json');
  if (paths.length === 0) {
    paths = [
      resolve(here, 'data/crypto-posts-labelled.csv'),
      resolve(here, '..', '..', 'shared', 'data', 'sentiment-dev', 'financial-tweets-valid.csv'),
    ].filter((p) => existsSync(p));
  }
  const ms = methods();
  const router = createTopicRouter([
    { name: 'bitcoin', keywords: ['bitcoin', 'btc', 'sats'], coin: 'BTC' },
    { name: 'ethereum', keywords: ['ethereum', 'eth', 'ether'], coin: 'ETH' },
    { name: 'solana', keywords: ['solana', 'sol'], coin: 'SOL' },
    { name: 'market', keywords: ['crypto', 'altcoins', 'buy the dip', 'bull run'] },
  ]);
  const ours = createSentimentScorer();
  const results: unknown[] = [];
  for (const path of paths) {
    const rows = loadRows(path);
    const texts = rows.map((r) => r.text);
    const counts = LABELS.map((l) => `${l} ${rows.filter((r) => r.label === l).length}`).join(', ');
    const table: Array<{
      method: string;
      accuracy: number;
      macroF1: number;
      f1: Record<Label, number>;
      postsPerSec: number;
    }> = [];
    for (const m of ms) {
      const metrics = evaluate(rows, m);
      table.push({ method: m.name, ...metrics, postsPerSec: throughput(texts, m.classify) });
    }
    const routeAndScore = throughput(texts, (t) => router.route(t).length + ours.score(t).score);
    const oursMetrics = evaluate(rows, ms[0] as Method);
    results.push({
      file: basename(path),
      rows: rows.length,
      table,
      routeAndScore,
      confusion: oursMetrics.confusion,
    });
    if (json) continue;
    console.log(`\n### ${basename(path)} (${rows.length} rows: ${counts})\n`);
    console.log('| method | accuracy | macro-F1 | F1 neg | F1 pos | F1 neu | posts/s (1 core) |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of table) {
      console.log(
        `| ${r.method} | ${pct(r.accuracy)} | ${pct(r.macroF1)} | ${pct(r.f1.neg)} | ${pct(r.f1.pos)} | ${pct(r.f1.neu)} | ${num(r.postsPerSec)} |`,
      );
    }
    console.log('\nSensitivity of ours (informational; the defaults were fixed before any run):\n');
    console.log('| variant | accuracy | macro-F1 |');
    console.log('| --- | ---: | ---: |');
    for (const v of variants()) {
      const m = evaluate(rows, v);
      console.log(`| ${v.name} | ${pct(m.accuracy)} | ${pct(m.macroF1)} |`);
    }
    console.log(`\nours, route + score per post: ${num(routeAndScore)} posts/s`);
    console.log('ours, confusion (rows = truth, columns = predicted neg/pos/neu):');
    for (const a of LABELS)
      console.log(`  ${a}: ${LABELS.map((p) => oursMetrics.confusion[a][p]).join(' ')}`);
  }
  if (json) console.log(JSON.stringify(results, null, 2));
}

main();
