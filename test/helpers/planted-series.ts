// A seeded generator of `social` rollups and `price` points with known truths, for the analytics
// end-to-end tests: per coin, post-volume change leads the price's log returns by a planted lag,
// mean sentiment correlates with returns at lag 0 with a planted correlation, and spikes in post
// volume, negative posts and returns sit at known times.
//
// Construction (t = bucket index, z = standard normal draws, all from one seed):
//   count*[t] = round(base + amp * sin(2 pi t / 1440) + noise * z)          (no spikes)
//   v*[t]     = log1p(count*[t]) - log1p(count*[t-1]),   v~ = v* standardised over the series
//   s~[t]     = z,   mean sentiment s[t] = 0.1 + 0.2 s~[t]
//   ret[t]    = sigma (rho s~[t] + lambda v~[t - lag] + sqrt(1 - rho^2 - lambda^2) e[t])
// so corr(sentiment, ret) = rho at lag 0 and corr(v*[t], ret[t + lag]) = lambda: volume leads by `lag`.
// Spikes change only what is observed (count x4, negative share 0.85, a return jump of 12 sigma),
// never the relationship above.
import { msToNs, toLine } from '../../src/core/write/line.ts';
import { mulberry32 } from '../../src/core/random.ts';

export interface PlantedCoin {
  topic: string;
  symbol: string;
  lagBuckets: number;
  rho: number;
  lambda: number;
}

export interface PlantedOptions {
  seed: number;
  /** Bucket-aligned start, epoch ms. */
  startMs: number;
  buckets: number;
  bucketMs?: number;
  coins: PlantedCoin[];
  /** Topics with no coin: social series only. */
  controlTopics?: string[];
  /** Spikes per topic/symbol and kind. */
  spikes?: { volume: number; negative: number; returns: number };
  /** Return spikes only before this bucket index, so correlation windows at the end stay clean. */
  returnSpikesBefore?: number;
}

export interface PlantedTruth {
  startMs: number;
  endMs: number;
  bucketMs: number;
  coins: PlantedCoin[];
  /** Anomaly times (epoch ms) by `${series}/${key}`; key = topic for volume and negative_posts, symbol for returns. */
  anomalies: Map<string, number[]>;
}

const rng = mulberry32;

function normal(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

/** `count` distinct indices in [lo, hi), at least `gap` apart, in ascending order. */
function spikeTimes(next: () => number, count: number, lo: number, hi: number, gap = 30): number[] {
  const out: number[] = [];
  for (let attempts = 0; out.length < count && attempts < 10_000; attempts++) {
    const t = lo + Math.floor(next() * (hi - lo));
    if (out.every((u) => Math.abs(u - t) >= gap)) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

export function plantedSeries(o: PlantedOptions): { lines: string[]; truth: PlantedTruth } {
  const next = rng(o.seed);
  const z = normal(next);
  const n = o.buckets;
  const bucketMs = o.bucketMs ?? 60_000;
  const spikes = o.spikes ?? { volume: 6, negative: 4, returns: 3 };
  const edge = 120; // keep spikes off the ends, where the decomposition is least sure
  const lines: string[] = [];
  const anomalies = new Map<string, number[]>();
  const timeOf = (t: number): number => o.startMs + t * bucketMs;

  const socialTopic = (topic: string, base: number): Float64Array => {
    const clean = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      clean[t] = Math.max(
        1,
        Math.round(base + 0.3 * base * Math.sin((2 * Math.PI * t) / 1440) + 0.1 * base * z()),
      );
    }
    const volumeAt = spikeTimes(next, spikes.volume, edge, n - edge);
    const negativeAt = spikeTimes(next, spikes.negative, edge, n - edge).filter((t) => !volumeAt.includes(t));
    anomalies.set(`volume/${topic}`, volumeAt.map(timeOf));
    anomalies.set(`negative_posts/${topic}`, negativeAt.map(timeOf));
    for (let t = 0; t < n; t++) {
      const c0 = clean[t] as number;
      const count = volumeAt.includes(t) ? c0 * 4 : c0;
      // Negative posts follow the clean volume, so a volume spike is not also a negative-post spike.
      const neg = negativeAt.includes(t) ? Math.round(c0 * 0.85) : Math.round(c0 * 0.2);
      const pos = negativeAt.includes(t) ? Math.round(c0 * 0.05) : Math.round(c0 * 0.3);
      const s = Math.max(-0.95, Math.min(0.95, 0.1 + 0.2 * sentimentDraw(t)));
      lines.push(
        toLine({
          measurement: 'social',
          tags: { source: 'planted', topic },
          fields: {
            count: { int: count },
            pos: { int: pos },
            neg: { int: neg },
            neu: { int: count - pos - neg },
            score_sum: s * count,
            score_mean: s,
          },
          timeNs: msToNs(timeOf(t)),
        }),
      );
    }
    return clean;
  };

  // Sentiment draws are made per topic before its counts are used, so they are kept per call.
  let sentimentValues = new Float64Array(n);
  const sentimentDraw = (t: number): number => sentimentValues[t] as number;

  for (const coin of o.coins) {
    sentimentValues = Float64Array.from({ length: n }, () => z());
    const sTilde = sentimentValues;
    const clean = socialTopic(coin.topic, 200);
    const v = new Float64Array(n);
    for (let t = 1; t < n; t++) v[t] = Math.log1p(clean[t] as number) - Math.log1p(clean[t - 1] as number);
    let mean = 0;
    for (let t = 1; t < n; t++) mean += v[t] as number;
    mean /= n - 1;
    let sd = 0;
    for (let t = 1; t < n; t++) sd += ((v[t] as number) - mean) ** 2;
    sd = Math.sqrt(sd / (n - 2));
    const sigma = 1e-3;
    const rest = Math.sqrt(1 - coin.rho ** 2 - coin.lambda ** 2);
    const returnAt = spikeTimes(
      next,
      spikes.returns,
      edge,
      Math.min(n - edge, o.returnSpikesBefore ?? n - edge),
    );
    anomalies.set(`returns/${coin.symbol}`, returnAt.map(timeOf));
    let logPrice = Math.log(30_000);
    for (let t = 0; t < n; t++) {
      const lagged = t - coin.lagBuckets >= 1 ? ((v[t - coin.lagBuckets] as number) - mean) / sd : z();
      let ret = sigma * (coin.rho * (sTilde[t] as number) + coin.lambda * lagged + rest * z());
      if (returnAt.includes(t)) ret += (next() < 0.5 ? -12 : 12) * sigma;
      if (t > 0) logPrice += ret;
      lines.push(
        toLine({
          measurement: 'price',
          tags: { symbol: coin.symbol, quote: 'USD', source: 'planted' },
          fields: { price: Math.exp(logPrice) },
          // Mid-bucket, so the bucket's last price is this one.
          timeNs: msToNs(timeOf(t) + bucketMs / 2),
        }),
      );
    }
  }
  for (const topic of o.controlTopics ?? []) {
    sentimentValues = Float64Array.from({ length: n }, () => z());
    socialTopic(topic, 50);
  }
  return { lines, truth: { startMs: o.startMs, endMs: timeOf(n), bucketMs, coins: o.coins, anomalies } };
}

/** A config.yaml for the analytics tests, pointed at the test InfluxDB and buckets. */
export function plantedConfigYaml(o: {
  url: string;
  org: string;
  main: string;
  raw: string;
  coins: PlantedCoin[];
  controlTopics?: string[];
  metricsPort?: number;
  extraAnalytics?: string;
  anomalyLookback?: string;
}): string {
  const topics = [
    ...o.coins.map((c) => `  - { name: ${c.topic}, keywords: [${c.topic}], coin: ${c.symbol} }`),
    ...(o.controlTopics ?? []).map((t) => `  - { name: ${t}, keywords: [${t}] }`),
  ];
  return [
    'influx:',
    `  url: ${o.url}`,
    `  org: ${o.org}`,
    '  buckets:',
    `    main: { name: ${o.main} }`,
    `    raw: { name: ${o.raw} }`,
    'topics:',
    ...topics,
    `coins: [${o.coins.map((c) => c.symbol).join(', ')}]`,
    'quotes: [USD]',
    'analytics:',
    '  windows: [1h, 6h, 24h]',
    '  maxLagMinutes: 60',
    '  lookback: 24h',
    '  priceSource: planted',
    `  anomalies: { maxAnoms: 0.02, alpha: 0.05, direction: both, period: 1d, lookback: ${o.anomalyLookback ?? '3d'} }`,
    ...(o.extraAnalytics ? [o.extraAnalytics] : []),
    'services:',
    `  collector: { host: 127.0.0.1, port: 0 }`,
    `  analytics: { host: 127.0.0.1, port: ${o.metricsPort ?? 0} }`,
    'log: { level: silent }',
  ].join('\n');
}
