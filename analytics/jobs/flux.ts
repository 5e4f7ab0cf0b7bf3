// The two Flux queries the jobs read with. Both align on epoch-aligned buckets with aggregateWindow
// and label each bucket by its start (timeSrc "_start"), so bucket t holds [t, t + bucket).
//   social: count, pos, neg and score_sum per topic and writer (source, shard); read.ts sums shards
//           and sources and takes the max over a shard's replicas (SocialCombiner, docs/scaling.md);
//   price:  the last price per symbol in each bucket, in one quote (and one source if configured).
// Filters are written as `==` chains rather than contains(), so InfluxDB pushes them down to storage.
import { perWriterStages } from '../../collectors/social/rollup-flux.ts';
import { fluxString } from '../../src/core/flux/string.ts';

/**
 * `r.c == "a" or r.c == "b" or ...` as a balanced tree of parentheses: a flat chain of 300 topics is
 * nested 300 deep and Flux refuses it ("Program is nested too deep", measured at 300 topics); the
 * tree is log2(n) deep and still an `==` chain that InfluxDB pushes down to storage.
 */
function anyOf(column: string, values: readonly string[]): string {
  const tree = (lo: number, hi: number): string => {
    if (hi - lo === 1) return `r.${column} == ${fluxString(values[lo]!)}`;
    const mid = (lo + hi) >>> 1;
    return `(${tree(lo, mid)} or ${tree(mid, hi)})`;
  };
  return values.length === 0 ? 'false' : tree(0, values.length);
}

function rangeOf(startMs: number, stopMs: number): string {
  return `range(start: ${new Date(startMs).toISOString()}, stop: ${new Date(stopMs).toISOString()})`;
}

export const SOCIAL_FIELDS = ['count', 'pos', 'neg', 'score_sum'] as const;

export function socialQuery(o: {
  bucket: string;
  topics: readonly string[];
  startMs: number;
  stopMs: number;
  bucketSeconds: number;
}): string {
  return [
    `from(bucket: ${fluxString(o.bucket)})`,
    `  |> ${rangeOf(o.startMs, o.stopMs)}`,
    `  |> filter(fn: (r) => r._measurement == "social" and (${anyOf('_field', SOCIAL_FIELDS)}))`,
    `  |> filter(fn: (r) => ${anyOf('topic', o.topics)})`,
    // One row per writer series and bucket; read.ts combines them (SocialCombiner).
    ...perWriterStages({ every: `${o.bucketSeconds}s`, by: ['topic'] }).map((s) => `  ${s}`),
  ].join('\n');
}

export function priceQuery(o: {
  bucket: string;
  symbols: readonly string[];
  quote: string;
  source: string | null;
  startMs: number;
  stopMs: number;
  bucketSeconds: number;
}): string {
  const source = o.source === null ? '' : ` and r.source == ${fluxString(o.source)}`;
  return [
    `from(bucket: ${fluxString(o.bucket)})`,
    `  |> ${rangeOf(o.startMs, o.stopMs)}`,
    `  |> filter(fn: (r) => r._measurement == "price" and r._field == "price" and r.quote == ${fluxString(o.quote)}${source})`,
    `  |> filter(fn: (r) => ${anyOf('symbol', o.symbols)})`,
    `  |> toFloat()`,
    `  |> group(columns: ["symbol"])`,
    `  |> sort(columns: ["_time"])`,
    `  |> aggregateWindow(every: ${o.bucketSeconds}s, fn: last, createEmpty: false, timeSrc: "_start")`,
    `  |> keep(columns: ["_time", "symbol", "_value"])`,
  ].join('\n');
}
