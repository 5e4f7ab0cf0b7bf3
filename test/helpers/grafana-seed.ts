// Realistic points for every measurement the dashboards and alert rules read, around a fixed `now`:
// two hours of one-minute rollups and prices, analytics results every five minutes, a cross-correlation
// run, Granger tests, sample posts and headlines, and anomalies (one fresh, one old).
import { toLine, msToNs } from '../../src/core/write/line.ts';

export interface SeedOptions {
  now: number;
  coin?: string;
  topic?: string;
  /** Fresh anomaly (within the alert's 10-minute window) included? */
  freshAnomaly?: boolean;
}

export interface SeedLines {
  main: string[];
  raw: string[];
}

const MIN = 60_000;

export function grafanaSeed(o: SeedOptions): SeedLines {
  const coin = o.coin ?? 'BTC';
  const topic = o.topic ?? 'bitcoin';
  const end = Math.floor(o.now / MIN) * MIN;
  const main: string[] = [];
  const raw: string[] = [];
  for (let i = 120; i >= 1; i--) {
    const t = end - i * MIN;
    const wave = Math.sin(i / 9);
    for (const quote of ['USD', 'EUR']) {
      const price = (quote === 'USD' ? 64_000 : 59_000) * (1 + 0.01 * wave);
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
      const count = 20 + k * 5 + Math.round(8 * (wave + 1));
      const pos = Math.round(count * 0.4);
      const neg = Math.round(count * 0.2);
      const neu = count - pos - neg;
      const scoreSum = 0.5 * pos - 0.5 * neg;
      main.push(
        toLine({
          measurement: 'social',
          tags: { source, topic },
          fields: {
            count: { int: count },
            pos: { int: pos },
            neg: { int: neg },
            neu: { int: neu },
            score_sum: scoreSum,
            score_mean: scoreSum / count,
            net: (pos - neg) / count,
          },
          timeNs: msToNs(t),
        }),
      );
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
  const anomalies: { t: number; series: string; dir: string; tags: Record<string, string> }[] = [
    { t: end - 90 * MIN, series: 'returns', dir: 'neg', tags: { symbol: coin } },
  ];
  if (o.freshAnomaly ?? true)
    anomalies.push({ t: end - 3 * MIN, series: 'volume', dir: 'pos', tags: { topic } });
  for (const a of anomalies) {
    main.push(
      toLine({
        measurement: 'anomaly',
        tags: { ...a.tags, series: a.series, direction: a.dir, method: 'shesd' },
        fields: { value: 95, expected: 30, score: 4.2, text: `${a.series} ${a.dir}: 95 vs 30 expected` },
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
