// Realistic points for every measurement the dashboards and alert rules read, around a fixed `now`:
// two hours of one-minute rollups and prices, analytics results every five minutes, a cross-correlation
// run, Granger tests, sample posts and headlines, and anomalies (one fresh, one old).
import { toLine, msToNs } from '../../src/core/write/line.ts';

export interface SeedOptions {
  now: number;
  coin?: string;
  topic?: string;
  /** Fresh streaming anomaly (within the alert's 15-minute window) included? */
  freshAnomaly?: boolean;
  /**
   * Social rollups as a sharded, replicated collector writes them (issue 16): each count split over
   * `shards` shards (tag shard "i/n"), each shard written identically by `replicas` instances.
   * Combined, they must give exactly the single-process numbers.
   */
  shards?: number;
  replicas?: number;
  /** Scales the post volume (a second coin with fewer posts). */
  volumeFactor?: number;
  /** Also write the same two hours a week earlier, at `weekAgoFactor` times the volume. */
  weekAgoFactor?: number;
}

/** Splits an integer into `n` non-negative parts that add up to it (the first shards get the rest). */
function split(total: number, n: number): number[] {
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => base + (i < total - base * n ? 1 : 0));
}

export interface SeedLines {
  main: string[];
  raw: string[];
}

const MIN = 60_000;
/** Minutes of rollups and prices the seed writes, ending at the minute before `now`. */
export const SEED_MINUTES = 120;

/** Posts of source k (0: x, 1: bluesky) in the rollup `i` minutes before the end. */
export function seedCount(i: number, k: number, volumeFactor = 1): number {
  return Math.round((20 + k * 5 + Math.round(8 * (Math.sin(i / 9) + 1))) * volumeFactor);
}

/** USD or EUR price `i` minutes before the end. */
export function seedPrice(i: number, quote: 'USD' | 'EUR'): number {
  return (quote === 'USD' ? 64_000 : 59_000) * (1 + 0.01 * Math.sin(i / 9));
}

export function grafanaSeed(o: SeedOptions): SeedLines {
  const coin = o.coin ?? 'BTC';
  const topic = o.topic ?? 'bitcoin';
  const end = Math.floor(o.now / MIN) * MIN;
  const main: string[] = [];
  const raw: string[] = [];
  for (let i = SEED_MINUTES; i >= 1; i--) {
    const t = end - i * MIN;
    const wave = Math.sin(i / 9);
    for (const quote of ['USD', 'EUR']) {
      const price = seedPrice(i, quote as 'USD' | 'EUR');
      main.push(
        toLine({
          measurement: 'price',
          tags: { symbol: coin, quote, source: 'cryptocompare' },
          fields: { price, volume: 120 + 10 * wave },
          timeNs: msToNs(t),
        }),
      );
    }
    for (const [k, source] of ['x', 'bluesky'].entries()) {
      const count = seedCount(i, k, o.volumeFactor);
      socialLines(main, { t, source, topic, count, shards: o.shards ?? 1, replicas: o.replicas ?? 1 });
      if (o.weekAgoFactor !== undefined)
        socialLines(main, {
          t: t - 7 * 86_400_000,
          source,
          topic,
          count: Math.round(count * o.weekAgoFactor),
          shards: 1,
          replicas: 1,
        });
    }
    // Two posts a minute, with ids and timestamps unique per post (as the pipeline writes them).
    for (let j = 0; j < 2; j++) {
      const label = j === 0 ? 'pos' : i % 3 === 0 ? 'neg' : 'neu';
      raw.push(
        toLine({
          measurement: 'post',
          tags: { source: j === 0 ? 'x' : 'bluesky', topic, lang: 'en', label },
          fields: {
            score: label === 'pos' ? 0.6 : label === 'neg' ? -0.5 : 0,
            text: `post ${i}-${j} about $${coin}: "bullish" or not`,
            id: `${i}${j}`,
            author_id: `a${j}`,
          },
          timeNs: (BigInt(t + j * 17_000) * 1_000_000n + BigInt(i * 10 + j)).toString(),
        }),
      );
    }
  }
  for (let i = 24; i >= 1; i--) {
    const t = end - i * 5 * MIN;
    for (const signal of ['volume', 'sentiment', 'net']) {
      for (const window of ['1h', '6h', '24h']) {
        for (const method of ['pearson', 'spearman']) {
          const r = 0.3 + 0.1 * Math.sin(i / 3);
          main.push(
            toLine({
              measurement: 'correlation',
              tags: { symbol: coin, topic, signal, window, method },
              fields: { r, n: { int: 60 }, p_value: 0.01, ci_low: r - 0.2, ci_high: r + 0.2 },
              timeNs: msToNs(t),
            }),
          );
        }
      }
      main.push(
        toLine({
          measurement: 'lag',
          tags: { symbol: coin, topic, signal },
          fields: { lag_seconds: 600, r: 0.42, n: { int: 1440 }, band: 0.05, significant: true },
          timeNs: msToNs(t),
        }),
      );
      for (const direction of ['social_to_price', 'price_to_social']) {
        main.push(
          toLine({
            measurement: 'granger',
            tags: { symbol: coin, topic, signal, direction },
            fields: {
              f: direction === 'social_to_price' ? 6.2 : 0.8,
              p_value: direction === 'social_to_price' ? 0.001 : 0.55,
              df_num: { int: 5 },
              df_den: { int: 1400 },
              lags: { int: 5 },
              significant: direction === 'social_to_price',
            },
            timeNs: msToNs(t),
          }),
        );
      }
    }
  }
  const run = end - 2 * MIN;
  for (const signal of ['volume', 'sentiment', 'net']) {
    for (let lag = -60; lag <= 60; lag += 5) {
      main.push(
        toLine({
          measurement: 'xcorr',
          tags: { symbol: coin, topic, signal, lag_minutes: String(lag) },
          fields: { r: 0.42 * Math.exp(-(((lag - 10) / 20) ** 2)) },
          timeNs: msToNs(run),
        }),
      );
    }
  }
  const anomalies: {
    t: number;
    series: string;
    dir: string;
    method: string;
    tags: Record<string, string>;
  }[] = [
    { t: end - 90 * MIN, series: 'returns', dir: 'neg', method: 'shesd', tags: { symbol: coin } },
    { t: end - 80 * MIN, series: 'volume', dir: 'pos', method: 'streaming', tags: { topic } },
    { t: end - 5 * MIN, series: 'volume', dir: 'pos', method: 'shesd', tags: { topic } },
  ];
  if (o.freshAnomaly ?? true)
    anomalies.push({ t: end - 3 * MIN, series: 'volume', dir: 'pos', method: 'streaming', tags: { topic } });
  for (const a of anomalies) {
    const streaming = a.method === 'streaming';
    main.push(
      toLine({
        measurement: 'anomaly',
        tags: { ...a.tags, series: a.series, direction: a.dir, method: a.method },
        fields: {
          value: 95,
          expected: 30,
          score: streaming ? 0.97 : 4.2,
          ...(streaming ? { kind: 'spike', onset: true } : {}),
          text: `${a.series} ${a.dir}: 95 vs 30 expected`,
        },
        timeNs: msToNs(a.t),
      }),
    );
  }
  for (let i = 0; i < 3; i++) {
    raw.push(
      toLine({
        measurement: 'news',
        tags: { source: 'rss', topic, label: i === 1 ? 'neg' : 'pos' },
        fields: {
          title: `Headline ${i}: ${coin} moves`,
          url: `https://news.example/${i}`,
          score: i === 1 ? -0.4 : 0.3,
          guid: `g${i}`,
        },
        timeNs: msToNs(end - (20 + 30 * i) * MIN),
      }),
    );
  }
  return { main, raw };
}

/** One minute's social rollup of one source, as `shards` x `replicas` collectors write it. */
function socialLines(
  out: string[],
  o: { t: number; source: string; topic: string; count: number; shards: number; replicas: number },
): void {
  // Split the single-process totals, so the shards add up to exactly those numbers.
  const counts = split(o.count, o.shards);
  const poss = split(Math.round(o.count * 0.4), o.shards);
  const negs = split(Math.round(o.count * 0.2), o.shards);
  counts.forEach((count, i) => {
    const pos = poss[i]!;
    const neg = negs[i]!;
    const neu = count - pos - neg;
    const scoreSum = 0.5 * pos - 0.5 * neg;
    const fields = {
      count: { int: count },
      pos: { int: pos },
      neg: { int: neg },
      neu: { int: neu },
      score_sum: scoreSum,
      score_mean: count > 0 ? scoreSum / count : 0,
      net: count > 0 ? (pos - neg) / count : 0,
    };
    for (let r = 0; r < o.replicas; r++) {
      const sharded = o.shards > 1 || o.replicas > 1;
      out.push(
        toLine({
          measurement: 'social',
          tags: {
            source: o.source,
            topic: o.topic,
            ...(sharded ? { shard: `${i}/${o.shards}`, instance: `c${i}-${r}` } : {}),
          },
          fields,
          timeNs: msToNs(o.t),
        }),
      );
    }
  });
}
