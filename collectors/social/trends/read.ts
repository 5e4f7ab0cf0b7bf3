// Reading trend points back from InfluxDB (`cryptocrawler trends --since 1h`): the same JSON lines
// the file mode prints. The Flux is the one documented in docs/schema.md.
import { InfluxDB } from '@influxdata/influxdb-client';
import { fluxString } from '../../../src/core/flux/string.ts';
import { durationMs } from './options.ts';
import type { TrendJson } from './file.ts';

export interface TrendReadSource {
  url: string;
  token: string;
  org: string;
  bucket: string;
}

/** Flux: trend rows of one interval size since `-<seconds>s`, one row per point with its fields. */
export function trendsFlux(bucket: string, sinceSeconds: number, interval: string, topic?: string): string {
  const topicFilter = topic ? ` and r.topic == ${fluxString(topic)}` : '';
  return `from(bucket: ${fluxString(bucket)})
  |> range(start: -${sinceSeconds}s)
  |> filter(fn: (r) => r._measurement == "trend" and r.interval == ${fluxString(interval)}${topicFilter})
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> group()
  |> sort(columns: ["_time", "topic", "rank"])`;
}

export function rowToTrendJson(r: Record<string, unknown>, interval: string): TrendJson {
  const start = Date.parse(String(r._time));
  return {
    interval_end: new Date(start + durationMs(interval)).toISOString(),
    topic: String(r.topic),
    rank: Number(r.rank),
    term: String(r.term),
    count: Number(r.count),
    baseline_count: Number(r.baseline_count),
    score: Number(r.score),
    emerging: r.emerging === true || r.emerging === 'true',
  };
}

export async function readTrends(
  s: TrendReadSource,
  sinceSeconds: number,
  interval: string,
  topic?: string,
): Promise<TrendJson[]> {
  const q = new InfluxDB({ url: s.url, token: s.token }).getQueryApi(s.org);
  const rows = await q.collectRows<Record<string, unknown>>(
    trendsFlux(s.bucket, sinceSeconds, interval, topic),
  );
  // Rank is a tag, so a string: sort numerically here rather than in Flux.
  return rows
    .map((r) => rowToTrendJson(r, interval))
    .sort(
      (a, b) =>
        a.interval_end.localeCompare(b.interval_end) || a.topic.localeCompare(b.topic) || a.rank - b.rank,
    );
}
