// Figures for the analytics jobs (docs/performance.md, "Analytics"). Run: npx tsx bench/analytics-jobs.bench.ts
// A full job cycle on 7 days of 1-minute data: 7 coins x 3 signals = 21 series pairs, windows 1h/6h/24h,
// cross-correlation over +-360 lags across the 7 days, Granger both ways, and S-H-ESD on 21 series
// (volume and negative posts per topic, returns per coin), timed apart:
//   (a) math only, on one core, from arrays in memory (the job code the service runs);
//   (b) the same cycle end to end against a local influxd: Flux read (aggregateWindow), math, write.
// Data is the seeded planted generator of the tests, so runs are comparable. Prints markdown.
import { InfluxDB } from '@influxdata/influxdb-client';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { type AnomalyTask, runAnomalyTask } from '../analytics/jobs/anomaly-task.ts';
import { inProcessEsd } from '../analytics/jobs/esd-runner.ts';
import { evaluatePairsAt, pairSignals } from '../analytics/jobs/evaluate-pairs.ts';
import { jobOptionsFromConfig } from '../analytics/jobs/options.ts';
import { readAlignedSeries } from '../analytics/jobs/read.ts';
import { runAnalyticsRange } from '../analytics/jobs/run.ts';
import { logReturns } from '../analytics/jobs/series.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { InfluxWriter } from '../src/core/write/writer.ts';
import { startLocalInfluxd } from '../src/influx/local-server.ts';
import { setupInflux } from '../src/influx/setup.ts';
import { type PlantedCoin, plantedConfigYaml, plantedSeries } from '../test/helpers/planted-series.ts';

const DAYS = 7;
const BUCKETS = DAYS * 1440 + 1;
const START = Date.UTC(2024, 0, 1);
const END = START + BUCKETS * 60_000;
const SYMBOLS = ['BTC', 'ETH', 'IOTA', 'SOL', 'ADA', 'XRP', 'DOGE'];
const COINS: PlantedCoin[] = SYMBOLS.map((symbol, i) => ({
  topic: symbol.toLowerCase(),
  symbol,
  lagBuckets: 3 + i,
  rho: 0.3,
  lambda: 0.4,
}));

function configFor(url: string, org: string, main: string) {
  const yaml = plantedConfigYaml({ url, org, main, raw: `${main}_raw`, coins: COINS, anomalyLookback: '7d' })
    .replace('maxLagMinutes: 60', 'maxLagMinutes: 360')
    .replace('lookback: 24h', 'lookback: 7d');
  return parseConfig(yaml, SOURCE_SCHEMAS);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

const { lines } = plantedSeries({ seed: 1, startMs: START, buckets: BUCKETS, coins: COINS });

// (a) Math only: parse the generated lines into the aligned arrays the reader would give.
const options = jobOptionsFromConfig(configFor('http://127.0.0.1:1', 'bench', 'bench'));
const series = {
  startMs: START,
  bucketMs: 60_000,
  length: BUCKETS,
  topics: new Map(
    COINS.map((c) => [
      c.topic,
      {
        count: new Float64Array(BUCKETS),
        pos: new Float64Array(BUCKETS),
        neg: new Float64Array(BUCKETS),
        scoreSum: new Float64Array(BUCKETS),
      },
    ]),
  ),
  prices: new Map(SYMBOLS.map((s) => [s, new Float64Array(BUCKETS).fill(NaN)])),
};
for (const line of lines) {
  const time = Number(BigInt(line.slice(line.lastIndexOf(' ') + 1)) / 1_000_000n);
  const slot = Math.floor((time - START) / 60_000);
  const tag = (k: string): string => new RegExp(`${k}=([^, ]+)`).exec(line)![1]!;
  const num = (k: string): number => Number(new RegExp(`[ ,]${k}=([-\\d.e+]+)`).exec(line)![1]);
  if (line.startsWith('social')) {
    const t = series.topics.get(tag('topic'))!;
    t.count[slot] = num('count');
    t.pos[slot] = num('pos');
    t.neg[slot] = num('neg');
    t.scoreSum[slot] = num('score_sum');
  } else series.prices.get(tag('symbol'))![slot] = num('price');
}

const pairRuns: number[] = [];
const esdRuns: number[] = [];
let pairCount = 0;
for (let i = 0; i < 3; i++) {
  let t0 = performance.now();
  const { pairs } = pairSignals(series, options);
  pairCount = pairs.length;
  evaluatePairsAt(series, pairs, BUCKETS, options);
  pairRuns.push(performance.now() - t0);
  t0 = performance.now();
  const base = {
    startMs: START,
    bucketMs: 60_000,
    period: 1440,
    maxAnoms: 0.02,
    alpha: 0.05,
    direction: 'both' as const,
    minPoints: 30,
  };
  const tasks: AnomalyTask[] = [];
  for (const [topic, t] of series.topics) {
    tasks.push({ ...base, series: 'volume', key: topic, values: t.count });
    tasks.push({ ...base, series: 'negative_posts', key: topic, values: t.neg });
  }
  for (const [symbol, p] of series.prices)
    tasks.push({ ...base, series: 'returns', key: symbol, values: logReturns(p) });
  tasks.forEach(runAnomalyTask);
  esdRuns.push(performance.now() - t0);
}

// (b) End to end against a local influxd.
const server = await startLocalInfluxd();
let io: { write: number; read: number; cycle: number; rows: number; points: number } | undefined;
try {
  const org = 'bench';
  const token = 'bench-admin-token-0123456789';
  await setupInflux({
    url: server.url,
    org,
    adminToken: token,
    onboarding: { username: 'admin', password: 'bench-password-0123456789' },
    buckets: [
      { role: 'main', name: 'bench', retention: 'forever' },
      { role: 'raw', name: 'bench_raw', retention: 'forever' },
    ],
  });
  const config = configFor(server.url, org, 'bench');
  const writer = new InfluxWriter({
    url: server.url,
    token,
    org,
    buckets: { main: 'bench', raw: 'bench_raw' },
    ...config.influx.write,
    metrics: createServiceRegistry('bench', { defaultMetrics: false }),
  });
  let t0 = performance.now();
  writer.write('main', lines);
  await writer.flush();
  const write = performance.now() - t0;
  const queryApi = new InfluxDB({ url: server.url, token, timeout: 120_000 }).getQueryApi(org);
  const o = jobOptionsFromConfig(config);
  t0 = performance.now();
  const { stats } = await readAlignedSeries(queryApi, o, START, BUCKETS, undefined);
  const read = performance.now() - t0;
  t0 = performance.now();
  const summary = await runAnalyticsRange({
    options: o,
    queryApi,
    writer,
    esd: inProcessEsd,
    fromMs: END - 60_000,
    toMs: END,
  });
  await writer.flush();
  const cycle = performance.now() - t0;
  await writer.close();
  const points = Object.values(summary.points).reduce((a, b) => a + b, 0);
  io = { write, read, cycle, rows: stats.socialRows + stats.priceRows, points };
} finally {
  await server.stop();
}

const f = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
process.stdout.write(
  [
    `| analytics job cycle (${DAYS} days of 1-min data, ${pairCount} pairs, lags +-360, node ${process.version}) | time |`,
    '| --- | --- |',
    `| correlation (3 windows, Pearson + Spearman) + lag (+-360 over 7 days) + Granger, math only, one core (median of 3) | ${f(median(pairRuns))} |`,
    `| S-H-ESD on 21 series of 10,081 points, math only, one core (median of 3) | ${f(median(esdRuns))} |`,
    `| write ${lines.length.toLocaleString('en')} input points (line protocol, local influxd) | ${f(io!.write)} |`,
    `| Flux read: aggregateWindow of ${io!.rows.toLocaleString('en')} rows into the aligned series | ${f(io!.read)} |`,
    `| full cycle end to end: read + pairs + ESD + write ${io!.points.toLocaleString('en')} result points + flush | ${f(io!.cycle)} |`,
  ].join('\n') + '\n',
);
