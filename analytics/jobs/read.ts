// Reads `social` and `price` from InfluxDB into an AlignedSeries (I/O edge). The queries are in
// flux.ts; here rows are placed on the grid by their bucket start time.
import type { QueryApi } from '@influxdata/influxdb-client';
import { SocialCombiner } from '../../collectors/social/rollup-flux.ts';
import { priceQuery, socialQuery } from './flux.ts';
import type { JobOptions } from './options.ts';
import { type AlignedSeries, type TopicSeries, emptyTopicSeries, fillSocialGaps } from './series.ts';

/** Runs a query and hands each row (by column name) to `onRow`; rejects on abort. */
export function queryEach(
  queryApi: QueryApi,
  flux: string,
  columns: readonly string[],
  onRow: (values: (string | undefined)[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      subscription.unsubscribe();
      reject(signal?.reason as Error);
    };
    const subscription = queryApi.rows(flux).subscribe({
      next: ({ values, tableMeta }) => {
        onRow(
          columns.map((c) => {
            const col = tableMeta.column(c, false);
            return col ? values[col.index] : undefined;
          }),
        );
      },
      error: (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      },
      complete: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface ReadStats {
  socialRows: number;
  priceRows: number;
  /** Rows whose time is off the grid or whose value does not parse: counted, never placed. */
  badRows: number;
}

/**
 * Reads buckets [startMs, startMs + length * bucketMs); startMs must be bucket-aligned. `fillGaps`
 * false leaves missing social buckets NaN (the streaming job applies its own per-bucket rule).
 */
export async function readAlignedSeries(
  queryApi: QueryApi,
  o: JobOptions,
  startMs: number,
  length: number,
  signal?: AbortSignal,
  fillGaps = true,
): Promise<{ series: AlignedSeries; stats: ReadStats }> {
  const stopMs = startMs + length * o.bucketMs;
  const topics = new Map<string, TopicSeries>(o.topics.map((t) => [t, emptyTopicSeries(length)]));
  const prices = new Map<string, Float64Array>(o.symbols.map((s) => [s, new Float64Array(length).fill(NaN)]));
  const stats: ReadStats = { socialRows: 0, priceRows: 0, badRows: 0 };
  const slotOf = (time: string | undefined): number => {
    const ms = time === undefined ? NaN : Date.parse(time);
    const slot = (ms - startMs) / o.bucketMs;
    return Number.isInteger(slot) && slot >= 0 && slot < length ? slot : -1;
  };
  const fieldKey = { count: 'count', pos: 'pos', neg: 'neg', score_sum: 'scoreSum' } as const;

  if (o.topics.length > 0) {
    const combiner = new SocialCombiner();
    const flux = socialQuery({
      bucket: o.bucket,
      topics: o.topics,
      startMs,
      stopMs,
      bucketSeconds: o.bucketSeconds,
    });
    await queryEach(
      queryApi,
      flux,
      ['_time', 'topic', '_field', '_value', 'source', 'shard'],
      ([time, topic, field, value, source, shard]) => {
        const slot = slotOf(time);
        const series = topics.get(topic ?? '');
        const key = fieldKey[field as keyof typeof fieldKey];
        const v = Number(value);
        if (slot < 0 || !series || !key || value === undefined || value === '' || !Number.isFinite(v)) {
          stats.badRows++;
          return;
        }
        // Writers combined: shards and sources add up, replicas of a shard count once (docs/scaling.md).
        const grow = combiner.add(`${topic}\u0000${key}`, slot, source ?? '', shard ?? '', v);
        const cur = series[key][slot]!;
        series[key][slot] = (Number.isNaN(cur) ? 0 : cur) + grow;
        stats.socialRows++;
      },
      signal,
    );
  }
  if (fillGaps) fillSocialGaps(topics, length);

  if (o.symbols.length > 0) {
    const flux = priceQuery({
      bucket: o.bucket,
      symbols: o.symbols,
      quote: o.quote,
      source: o.priceSource,
      startMs,
      stopMs,
      bucketSeconds: o.bucketSeconds,
    });
    await queryEach(
      queryApi,
      flux,
      ['_time', 'symbol', '_value'],
      ([time, symbol, value]) => {
        const slot = slotOf(time);
        const series = prices.get(symbol ?? '');
        const v = Number(value);
        // A NaN or non-positive price is bad input: it would make a garbage return.
        if (slot < 0 || !series || value === undefined || value === '' || !(v > 0) || !Number.isFinite(v)) {
          stats.badRows++;
          return;
        }
        series[slot] = v;
        stats.priceRows++;
      },
      signal,
    );
  }
  return { series: { startMs, bucketMs: o.bucketMs, length, topics, prices }, stats };
}
