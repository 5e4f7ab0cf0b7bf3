// A small typed builder for the Flux our dashboards and alert rules send. The foundation SDK has no
// InfluxDB query type, and hand-written Flux strings drift: one builder keeps the range, the window
// aggregation and the escaping of values identical across every panel. Pure: it only builds text.

/** A Grafana dashboard variable, interpolated by Grafana before the script reaches InfluxDB. */
export interface FluxVar {
  kind: 'var';
  name: string;
}

/** Raw Flux (an identifier such as `v.timeRangeStart`, a duration, an expression): never quoted. */
export interface FluxRaw {
  kind: 'raw';
  text: string;
}

import { fluxString } from '../../src/core/flux/string.ts';

export type FluxValue = string | number | boolean | FluxVar | FluxRaw;

export const variable = (name: string): FluxVar => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a Grafana variable name: ${name}`);
  return { kind: 'var', name };
};
export const raw = (text: string): FluxRaw => ({ kind: 'raw', text });

/** The time-range and interval identifiers Grafana's InfluxDB (Flux) datasource substitutes. */
export const V = {
  start: raw('v.timeRangeStart'),
  stop: raw('v.timeRangeStop'),
  window: raw('v.windowPeriod'),
} as const;

export function renderValue(v: FluxValue): string {
  if (typeof v === 'string') return fluxString(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`Flux has no literal for ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // Grafana's json format writes the value as a JSON string: quotes, backslashes and control
  // characters escaped, so a value cannot end the literal early (a plain "${name}" could).
  if (v.kind === 'var') return `\${${v.name}:json}`;
  return v.text;
}

/** A record column reference: r.name when it is an identifier, r["name"] otherwise. */
export function column(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `r.${name}` : `r[${fluxString(name)}]`;
}

/** Predicates for filter(fn: (r) => ...). */
export type Pred =
  | { op: 'eq' | 'ne'; col: string; value: FluxValue }
  | { op: 'in'; col: string; values: FluxValue[] }
  | { op: 'exists'; col: string }
  | { op: 'and' | 'or'; preds: Pred[] };

export const eq = (col: string, value: FluxValue): Pred => ({ op: 'eq', col, value });
export const ne = (col: string, value: FluxValue): Pred => ({ op: 'ne', col, value });
export const oneOf = (col: string, values: FluxValue[]): Pred => ({ op: 'in', col, values });
export const exists = (col: string): Pred => ({ op: 'exists', col });
export const and = (...preds: Pred[]): Pred => ({ op: 'and', preds });
export const or = (...preds: Pred[]): Pred => ({ op: 'or', preds });
/** True when the tag is present and equal: rows without the tag are dropped, not compared to null. */
export const tagIs = (col: string, value: FluxValue): Pred => and(exists(col), eq(col, value));

/** Up to this many values, oneOf() renders a flat `or` chain; beyond it, a balanced tree. */
export const FLAT_OR_MAX = 16;

export function renderPred(p: Pred): string {
  switch (p.op) {
    case 'eq':
      return `${column(p.col)} == ${renderValue(p.value)}`;
    case 'ne':
      return `${column(p.col)} != ${renderValue(p.value)}`;
    case 'exists':
      return `exists ${column(p.col)}`;
    case 'in': {
      if (p.values.length === 0) throw new Error(`oneOf(${p.col}) needs at least one value`);
      const test = (v: FluxValue): string => `${column(p.col)} == ${renderValue(v)}`;
      if (p.values.length === 1) return test(p.values[0]!);
      if (p.values.length <= FLAT_OR_MAX) return `(${p.values.map(test).join(' or ')})`;
      // A flat chain of n `or`s is nested n deep: Flux refuses 300 ("Program is nested too deep", the
      // overview of 300 coins); a balanced tree is log2(n) deep and still pushed down to storage.
      const tree = (lo: number, hi: number): string => {
        if (hi - lo === 1) return test(p.values[lo]!);
        const mid = (lo + hi) >>> 1;
        return `(${tree(lo, mid)} or ${tree(mid, hi)})`;
      };
      return tree(0, p.values.length);
    }
    case 'and':
    case 'or': {
      if (p.preds.length === 0) throw new Error(`${p.op}() needs at least one predicate`);
      const parts = p.preds.map((q) =>
        q.op === 'and' || q.op === 'or' ? `(${renderPred(q)})` : renderPred(q),
      );
      return parts.join(` ${p.op} `);
    }
  }
}

export type AggregateFn = 'mean' | 'sum' | 'last' | 'first' | 'max' | 'min' | 'count' | 'median';

function strList(cols: readonly string[]): string {
  return `[${cols.map(fluxString).join(', ')}]`;
}

/** An immutable pipeline: every method returns a new query, so shared prefixes are safe to reuse. */
export class FluxQuery {
  private constructor(
    private readonly imports: readonly string[],
    private readonly steps: readonly string[],
  ) {}

  static from(bucket: FluxValue): FluxQuery {
    return new FluxQuery([], [`from(bucket: ${renderValue(bucket)})`]);
  }

  /** A script that does not start with from(), e.g. schema.tagValues(...). */
  static call(expr: string, imports: string[] = []): FluxQuery {
    return new FluxQuery(imports, [expr]);
  }

  /** A pipeline step the typed methods do not cover (Flux text, written by the caller). */
  add(step: string, imports: string[] = []): FluxQuery {
    const im = [...this.imports];
    for (const i of imports) if (!im.includes(i)) im.push(i);
    return new FluxQuery(im, [...this.steps, step]);
  }

  range(start: FluxValue = V.start, stop: FluxValue = V.stop): FluxQuery {
    return this.add(`range(start: ${renderValue(start)}, stop: ${renderValue(stop)})`);
  }
  filter(pred: Pred): FluxQuery {
    return this.add(`filter(fn: (r) => ${renderPred(pred)})`);
  }
  measurement(name: string): FluxQuery {
    return this.filter(eq('_measurement', name));
  }
  fields(...names: string[]): FluxQuery {
    return this.filter(oneOf('_field', names));
  }
  aggregateWindow(fn: AggregateFn, every: FluxValue = V.window, createEmpty = false): FluxQuery {
    return this.add(`aggregateWindow(every: ${renderValue(every)}, fn: ${fn}, createEmpty: ${createEmpty})`);
  }
  window(every: FluxValue = V.window): FluxQuery {
    return this.add(`window(every: ${renderValue(every)})`);
  }
  group(columns?: readonly string[]): FluxQuery {
    return this.add(columns ? `group(columns: ${strList(columns)})` : 'group()');
  }
  pivotFields(): FluxQuery {
    return this.add('pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")');
  }
  keep(columns: readonly string[]): FluxQuery {
    return this.add(`keep(columns: ${strList(columns)})`);
  }
  drop(columns: readonly string[]): FluxQuery {
    return this.add(`drop(columns: ${strList(columns)})`);
  }
  rename(map: Record<string, string>): FluxQuery {
    const body = Object.entries(map)
      .map(([from, to]) => `${from}: ${fluxString(to)}`)
      .join(', ');
    return this.add(`rename(columns: {${body}})`);
  }
  sort(columns: readonly string[], desc = false): FluxQuery {
    return this.add(`sort(columns: ${strList(columns)}, desc: ${desc})`);
  }
  limit(n: number): FluxQuery {
    if (!Number.isInteger(n) || n < 1) throw new Error(`limit needs a positive integer, got ${n}`);
    return this.add(`limit(n: ${n})`);
  }
  first(): FluxQuery {
    return this.add('first()');
  }
  last(): FluxQuery {
    return this.add('last()');
  }
  count(): FluxQuery {
    return this.add('count()');
  }
  sum(): FluxQuery {
    return this.add('sum()');
  }
  /** map(fn: (r) => <record>): the record expression is Flux, written by the caller. */
  map(record: string): FluxQuery {
    return this.add(`map(fn: (r) => ${record})`);
  }
  duplicate(col: string, as: string): FluxQuery {
    return this.add(`duplicate(column: ${fluxString(col)}, as: ${fluxString(as)})`);
  }
  yield(name: string): FluxQuery {
    return this.add(`yield(name: ${fluxString(name)})`);
  }

  /** filter(fn: (r) => <expr>) with a Flux expression written by the caller. */
  where(expr: string): FluxQuery {
    return this.add(`filter(fn: (r) => ${expr})`);
  }
  /** The same pipeline with these imports (for packages used inside a raw argument). */
  withImports(...names: string[]): FluxQuery {
    const im = [...this.imports];
    for (const i of names) if (!im.includes(i)) im.push(i);
    return new FluxQuery(im, this.steps);
  }
  importList(): readonly string[] {
    return this.imports;
  }
  /** The pipeline without its imports, for use inside a larger program. */
  pipeline(): string {
    return this.steps.join('\n  |> ');
  }

  toString(): string {
    const head = this.imports.map((i) => `import ${fluxString(i)}\n`).join('');
    return `${head}${head ? '\n' : ''}${this.steps.join('\n  |> ')}`;
  }
}

export const from = (bucket: FluxValue): FluxQuery => FluxQuery.from(bucket);

/** schema.tagValues over a fixed look-back, for dashboard variables. */
export function tagValues(o: {
  bucket: string;
  measurement: string;
  tag: string;
  start: FluxValue;
}): FluxQuery {
  const pred = renderPred(eq('_measurement', o.measurement));
  return FluxQuery.call(
    `schema.tagValues(bucket: ${fluxString(o.bucket)}, tag: ${fluxString(o.tag)}, predicate: (r) => ${pred}, start: ${renderValue(o.start)})`,
    ['influxdata/influxdb/schema'],
  );
}

/** Fields of the `social` rollups that add up across sources, shards and replicas. */
export type SocialSumField = 'count' | 'pos' | 'neg' | 'neu' | 'score_sum';

/**
 * The ONE way every query reads `social` (issue 16: shards and replicas). A rollup point carries
 * `source`, `topic` and, from sharded collectors, `shard` ("2/4") and `instance`. Replicas of one
 * shard count the same posts and shards add up, so, per window of `every`:
 *   1. sum each series (source, topic, shard, instance) over the window,
 *   2. max over `instance` (group without it; aggregateWindow fn: max): replicas are not added,
 *   3. sum over `shard` and `source` (group without them; aggregateWindow fn: sum),
 * keeping `topic`, `_field` and the columns in `keepSource` ('source' for a per-source panel). Mean
 * sentiment is score_sum / count after combining (socialMean), never an average of means. On points
 * without shard/instance (one process) steps 2 and 3 change nothing: the result equals today's
 * `aggregateWindow(fn: sum)` per topic (or per topic and source), with the same window-stop times.
 * Steps 1 and 2 stamp rows at the window start so each later window sees exactly one window's rows.
 */
export function combinedSocial(o: {
  bucket: FluxValue;
  fields: readonly SocialSumField[];
  topic?: Pred;
  every?: FluxValue;
  start?: FluxValue;
  stop?: FluxValue;
  keepSource?: boolean;
}): FluxQuery {
  const every = renderValue(o.every ?? V.window);
  let q = from(o.bucket)
    .range(o.start ?? V.start, o.stop ?? V.stop)
    .measurement('social');
  if (o.topic) q = q.filter(o.topic);
  const top = ['_measurement', '_field', 'topic', ...(o.keepSource ? ['source'] : [])];
  return q
    .fields(...o.fields)
    .add(`aggregateWindow(every: ${every}, fn: sum, createEmpty: false, timeSrc: "_start")`)
    .group([...top, ...(o.keepSource ? [] : ['source']), 'shard'])
    .add(`aggregateWindow(every: ${every}, fn: max, createEmpty: false, timeSrc: "_start")`)
    .group(top)
    .add(`aggregateWindow(every: ${every}, fn: sum, createEmpty: false)`);
}

/**
 * Mean sentiment (score_sum / count) and net sentiment ((pos - neg) / count) per window, from a
 * combinedSocial over count, score_sum, pos and neg: derived after combining, as the rollups do.
 */
export function socialMeans(combined: FluxQuery): FluxQuery {
  return (
    combined
      .group(['topic'])
      // pivot wants one type per column: counts are integers, score_sum a float.
      .map('({r with _value: float(v: r._value)})')
      .pivotFields()
      .where('r.count > 0.0')
      .map('({_time: r._time, topic: r.topic, mean: r.score_sum / r.count, net: (r.pos - r.neg) / r.count})')
  );
}

/** The topics of the selected coin, for the `topic` variable: a Flux table built from config pairs. */
export function coinTopics(pairs: readonly { coin: string; topic: string }[]): FluxQuery {
  const rows = pairs.map((p) => `{coin: ${fluxString(p.coin)}, _value: ${fluxString(p.topic)}}`).join(', ');
  return FluxQuery.call(`array.from(rows: [${rows}])`, ['array'])
    .filter(eq('coin', variable('coin')))
    .keep(['_value']);
}

/** A Flux expression mapping a topic column to its coin (config pairs); "" for a topic of no coin. */
export function topicToCoin(pairs: readonly { coin: string; topic: string }[], col = 'r.topic'): string {
  return pairs.reduceRight(
    (rest, p) => `if ${col} == ${fluxString(p.topic)} then ${fluxString(p.coin)} else ${rest}`,
    '""',
  );
}

/**
 * A whole Flux program: named streams, then a result expression. Imports of every part are merged
 * at the top (Flux wants them first).
 */
export function program(
  bindings: [string, FluxQuery | string][],
  result: FluxQuery | string,
  extraImports: string[] = [],
): string {
  const imports: string[] = [...extraImports];
  const parts: string[] = [];
  const take = (q: FluxQuery | string): string => {
    if (typeof q === 'string') return q;
    for (const i of q.importList()) if (!imports.includes(i)) imports.push(i);
    return q.pipeline();
  };
  for (const [name, q] of bindings) {
    if (!/^[a-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a Flux identifier: ${name}`);
    parts.push(`${name} = ${take(q)}`);
  }
  parts.push(take(result));
  const head = imports.map((i) => `import ${fluxString(i)}\n`).join('');
  return `${head}${head ? '\n' : ''}${parts.join('\n\n')}`;
}
