// The Flux behind `cryptocrawler report` and the demo's closing report. Each query reads the
// pre-aggregated measurements (rollups, analytics results), never raw posts, so it stays fast.
import { InfluxDB } from '@influxdata/influxdb-client';
import { perWriterStages, SocialCombiner } from '../../collectors/social/rollup-flux.ts';
import { fluxString } from '../core/flux/string.ts';

export interface ReportSource {
  url: string;
  token: string;
  org: string;
  buckets: { main: string; raw: string };
  /** rollup.intervalSeconds: replicas are combined per rollup interval (default 60). */
  rollupSeconds?: number;
}

export interface TopicActivity {
  topic: string;
  posts: number;
  pos: number;
  neg: number;
  neu: number;
  meanScore: number;
}
export interface PriceChange {
  symbol: string;
  quote: string;
  first: number;
  last: number;
  changePct: number;
}
export interface CorrelationRow {
  symbol: string;
  topic: string;
  signal: string;
  window: string;
  r: number;
  n: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
}
export interface LagRow {
  symbol: string;
  topic: string;
  signal: string;
  lagSeconds: number;
  r: number;
  significant: boolean;
}
export interface AnomalyRow {
  time: string;
  series: string;
  target: string;
  direction: string;
  value: number;
  expected: number;
  text: string;
}

export interface ReportData {
  since: string;
  topics: TopicActivity[];
  prices: PriceChange[];
  correlations: CorrelationRow[];
  lags: LagRow[];
  anomalies: AnomalyRow[];
}

export async function readReport(src: ReportSource, sinceFlux: string, quote?: string): Promise<ReportData> {
  const q = new InfluxDB({ url: src.url, token: src.token, timeout: 60_000 }).getQueryApi(src.org);
  const main = fluxString(src.buckets.main);
  const range = `range(start: ${sinceFlux})`;
  type Row = Record<string, unknown>;
  const rows = (flux: string): Promise<Row[]> => q.collectRows<Row>(flux);

  const [social, prices, corr, lags, anoms] = await Promise.all([
    rows(`from(bucket: ${main}) |> ${range}
      |> filter(fn: (r) => r._measurement == "social" and (r._field == "count" or r._field == "pos" or r._field == "neg" or r._field == "neu" or r._field == "score_sum"))
      ${perWriterStages({ every: `${src.rollupSeconds ?? 60}s`, by: ['topic'] }).join('\n      ')}`),
    rows(`from(bucket: ${main}) |> ${range}
      |> filter(fn: (r) => r._measurement == "price" and r._field == "price"${quote ? ` and r.quote == ${fluxString(quote)}` : ''})
      |> group(columns: ["symbol", "quote"])
      |> reduce(identity: {first: 0.0, last: 0.0, n: 0}, fn: (r, accumulator) => ({
           first: if accumulator.n == 0 then r._value else accumulator.first, last: r._value, n: accumulator.n + 1}))`),
    rows(`from(bucket: ${main}) |> ${range}
      |> filter(fn: (r) => r._measurement == "correlation" and (not exists r.method or r.method == "pearson"))
      |> group(columns: ["symbol", "topic", "signal", "window", "_field"]) |> last()
      |> pivot(rowKey: ["symbol", "topic", "signal", "window"], columnKey: ["_field"], valueColumn: "_value")`),
    rows(`from(bucket: ${main}) |> ${range}
      |> filter(fn: (r) => r._measurement == "lag")
      |> group(columns: ["symbol", "topic", "signal", "_field"]) |> last()
      |> pivot(rowKey: ["symbol", "topic", "signal"], columnKey: ["_field"], valueColumn: "_value")`),
    rows(`from(bucket: ${main}) |> ${range}
      |> filter(fn: (r) => r._measurement == "anomaly")
      |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
      |> group() |> sort(columns: ["_time"])`),
  ]);

  const byTopic = new Map<string, TopicActivity>();
  // One row per writer and rollup interval: shards and sources add up, a shard's replicas count once.
  const combiner = new SocialCombiner();
  for (const r of social) {
    const topic = String(r.topic);
    const t = byTopic.get(topic) ?? { topic, posts: 0, pos: 0, neg: 0, neu: 0, meanScore: 0 };
    const prior =
      r._field === 'count'
        ? t.posts
        : r._field === 'pos'
          ? t.pos
          : r._field === 'neg'
            ? t.neg
            : r._field === 'neu'
              ? t.neu
              : t.meanScore;
    const v =
      prior +
      combiner.add(
        `${topic}\u0000${String(r._field)}`,
        String(r._time),
        String(r.source ?? ''),
        String(r.shard ?? ''),
        Number(r._value),
      );
    if (r._field === 'count') t.posts = v;
    else if (r._field === 'pos') t.pos = v;
    else if (r._field === 'neg') t.neg = v;
    else if (r._field === 'neu') t.neu = v;
    else if (r._field === 'score_sum') t.meanScore = v;
    byTopic.set(topic, t);
  }
  for (const t of byTopic.values()) t.meanScore = t.posts ? t.meanScore / t.posts : 0;

  return {
    since: sinceFlux,
    topics: [...byTopic.values()].sort((a, b) => b.posts - a.posts),
    prices: prices.map((r) => {
      const first = Number(r.first);
      const last = Number(r.last);
      return {
        symbol: String(r.symbol),
        quote: String(r.quote),
        first,
        last,
        changePct: first ? ((last - first) / first) * 100 : 0,
      };
    }),
    correlations: corr.map((r) => ({
      symbol: String(r.symbol),
      topic: String(r.topic),
      signal: String(r.signal),
      window: String(r.window),
      r: Number(r.r),
      n: Number(r.n),
      ciLow: Number(r.ci_low),
      ciHigh: Number(r.ci_high),
      pValue: Number(r.p_value),
    })),
    lags: lags.map((r) => ({
      symbol: String(r.symbol),
      topic: String(r.topic),
      signal: String(r.signal),
      lagSeconds: Number(r.lag_seconds),
      r: Number(r.r),
      significant: r.significant === true || r.significant === 'true',
    })),
    anomalies: anoms.map((r) => ({
      time: String(r._time),
      series: String(r.series),
      target: String((r.topic as string | undefined) || (r.symbol as string | undefined) || ''),
      direction: String(r.direction),
      value: Number(r.value),
      expected: Number(r.expected),
      text: String(r.text ?? ''),
    })),
  };
}
