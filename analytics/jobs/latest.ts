// Reads back the newest results per coin/topic, for reports and the CLI: the latest correlation per
// (symbol, topic, signal, window, method), the latest lag per (symbol, topic, signal) and the anomalies
// of a recent span.
import type { QueryApi } from '@influxdata/influxdb-client';
import { fluxString } from '../../src/core/flux/string.ts';

export interface LatestCorrelation {
  time: string;
  symbol: string;
  topic: string;
  signal: string;
  window: string;
  method: string;
  r: number;
  n: number;
  p_value: number;
  ci_low: number;
  ci_high: number;
}

export interface LatestLag {
  time: string;
  symbol: string;
  topic: string;
  signal: string;
  lag_seconds: number;
  r: number;
  n: number;
  band: number;
  significant: boolean;
}

export interface RecentAnomaly {
  time: string;
  series: string;
  symbol?: string;
  topic?: string;
  direction: string;
  value: number;
  expected: number;
  score?: number;
  text: string;
}

type Raw = Record<string, unknown>;

/**
 * Fields come back one table each (and of different types, so Flux cannot merge them in one column):
 * rows are joined here by time and tags into one object per point.
 */
async function points<T>(queryApi: QueryApi, flux: string, tags: readonly string[]): Promise<T[]> {
  const rows = await queryApi.collectRows<Raw>(flux);
  const byKey = new Map<string, Raw>();
  for (const row of rows) {
    const key = JSON.stringify([row._time, ...tags.map((t) => row[t] ?? '')]);
    let point = byKey.get(key);
    if (!point) {
      point = { time: row._time };
      for (const t of tags) if (row[t] !== undefined && row[t] !== '') point[t] = row[t];
      byKey.set(key, point);
    }
    point[String(row._field)] = row._value;
  }
  return [...byKey.values()].sort(
    (a, b) =>
      String(a.time).localeCompare(String(b.time)) || JSON.stringify(a).localeCompare(JSON.stringify(b)),
  ) as T[];
}

function query(bucket: string, measurement: string, since: string, latest: boolean): string {
  return [
    `from(bucket: ${fluxString(bucket)})`,
    `  |> range(start: ${since})`,
    `  |> filter(fn: (r) => r._measurement == ${fluxString(measurement)})`,
    ...(latest ? ['  |> last()'] : []),
  ].join('\n');
}

const PAIR_TAGS = ['symbol', 'topic', 'signal'] as const;

/** `since` is a Flux duration or time, e.g. "-1d". */
export function readLatestCorrelations(
  queryApi: QueryApi,
  bucket: string,
  since = '-1d',
): Promise<LatestCorrelation[]> {
  return points(queryApi, query(bucket, 'correlation', since, true), [...PAIR_TAGS, 'window', 'method']);
}

export function readLatestLags(queryApi: QueryApi, bucket: string, since = '-1d'): Promise<LatestLag[]> {
  return points(queryApi, query(bucket, 'lag', since, true), PAIR_TAGS);
}

export function readRecentAnomalies(
  queryApi: QueryApi,
  bucket: string,
  since = '-1d',
): Promise<RecentAnomaly[]> {
  return points(queryApi, query(bucket, 'anomaly', since, false), [
    'series',
    'symbol',
    'topic',
    'direction',
    'method',
  ]);
}
