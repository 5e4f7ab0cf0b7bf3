// How to read what rollup.ts writes when several collectors write it (docs/scaling.md). Every
// `social` series is one (source, topic, shard, instance); combining them takes three steps:
//   1. per series, sum within each window (one rollup per interval; several if the window is longer);
//   2. replicas of one shard: the largest count per window, not the sum (they counted the same posts);
//   3. shards and sources add up (disjoint posts).
// Mean sentiment is derived after combining (score_sum / count), never averaged. Rollups written
// before the shard and instance tags existed have neither: they form one shard with one instance.

function columns(names: readonly string[]): string {
  return `[${names.map((n) => JSON.stringify(n)).join(', ')}]`;
}

/**
 * Flux stages (each a `|> ...` line) that turn `social` rows, straight from `range |> filter` to the
 * wanted fields, into float series per `by` columns and `_field`, with `_time` at the start of each
 * `every` window. `by` is what the result is grouped by, e.g. ["topic"]. The first stage follows the
 * filter directly so that InfluxDB can push it down to storage (a `toFloat()` before it would not).
 */
export function combineSocialStages(o: { every: string; by: readonly string[] }): string[] {
  const window = (fn: string): string =>
    `|> aggregateWindow(every: ${o.every}, fn: ${fn}, createEmpty: false, timeSrc: "_start")`;
  return [
    window('sum'),
    '|> toFloat()',
    `|> group(columns: ${columns([...o.by, '_field', 'source', 'shard'])})`,
    window('max'),
    `|> group(columns: ${columns([...o.by, '_field'])})`,
    window('sum'),
  ];
}

/**
 * The same combination done in TypeScript on rows of one window per writer (what
 * `perWriterStages` returns): Flux's aggregateWindow over every group costs about ten times the read
 * itself (measured in docs/scaling.md), while this is a map lookup a row. `add` returns how much the
 * combined value of (key, time) grows: the sum over shards and sources of the max over instances.
 */
export class SocialCombiner {
  private readonly best = new Map<string, number>();

  add(key: string, timeKey: string | number, source: string, shard: string, value: number): number {
    const k = `${key}\u0000${timeKey}\u0000${source}\u0000${shard}`;
    const prev = this.best.get(k);
    if (prev !== undefined && prev >= value) return 0;
    this.best.set(k, value);
    return value - (prev ?? 0);
  }
}

/** Flux stages: one sum per writer series and window (pushed down to storage), writer tags kept. */
export function perWriterStages(o: { every: string; by: readonly string[] }): string[] {
  return [
    `|> aggregateWindow(every: ${o.every}, fn: sum, createEmpty: false, timeSrc: "_start")`,
    `|> keep(columns: ${columns(['_time', '_field', '_value', 'source', 'shard', 'instance', ...o.by])})`,
  ];
}
