// Finding and filling holes in the stored price series, e.g. after an outage. Detection reads
// InfluxDB with Flux, so it needs a token with read access: the collector's own token is
// write-only, hence the separate INFLUX_READ_TOKEN (see README.md).
import type { QueryApi } from '@influxdata/influxdb-client';
import { fluxString } from '../../../src/core/flux/string.ts';
import { runBackfill, SOURCE_TAG, type BackfillOptions, type BackfillResult, type Pair } from './run.ts';

export interface Gap {
  /** The last point before the hole (or the start of the search), ms. */
  startMs: number;
  /** The first point after the hole (or now), ms. */
  endMs: number;
}

/**
 * Holes in `price` (source=cryptocompare) for one pair since `since`: stretches where consecutive
 * points are more than 2 x expectedStepSeconds apart (one missed point is noise, two are a gap), plus
 * the stretch before the first point and after the last. No points at all: one gap [since, now].
 */
export async function findPriceGaps(
  queryApi: QueryApi,
  bucket: string,
  symbol: string,
  quote: string,
  since: Date | number,
  expectedStepSeconds: number,
  opts: { now?: number; source?: string } = {},
): Promise<Gap[]> {
  const sinceMs = typeof since === 'number' ? since : since.getTime();
  const nowMs = opts.now ?? Date.now();
  const threshold = 2 * expectedStepSeconds;
  const flux = `data = from(bucket: ${fluxString(bucket)})
  |> range(start: time(v: ${fluxString(new Date(sinceMs).toISOString())}), stop: time(v: ${fluxString(new Date(nowMs + 1000).toISOString())}))
  |> filter(fn: (r) => r._measurement == "price" and r._field == "price" and r.symbol == ${fluxString(symbol)} and r.quote == ${fluxString(quote)} and r.source == ${fluxString(opts.source ?? SOURCE_TAG)})
  |> keep(columns: ["_time", "_value"])
data |> elapsed(unit: 1s) |> filter(fn: (r) => r.elapsed > ${Math.floor(threshold)}) |> keep(columns: ["_time", "elapsed"]) |> yield(name: "gaps")
data |> first() |> keep(columns: ["_time"]) |> yield(name: "first")
data |> last() |> keep(columns: ["_time"]) |> yield(name: "last")`;
  const rows = await queryApi.collectRows<{ result: string; _time: string; elapsed?: number }>(flux);
  const first = rows.find((r) => r.result === 'first');
  const last = rows.find((r) => r.result === 'last');
  if (!first || !last) return [{ startMs: sinceMs, endMs: nowMs }];
  const gaps: Gap[] = [];
  const firstMs = Date.parse(first._time);
  const lastMs = Date.parse(last._time);
  if (firstMs - sinceMs > threshold * 1000) gaps.push({ startMs: sinceMs, endMs: firstMs });
  for (const r of rows) {
    if (r.result !== 'gaps' || typeof r.elapsed !== 'number') continue;
    const end = Date.parse(r._time);
    gaps.push({ startMs: end - r.elapsed * 1000, endMs: end });
  }
  if (nowMs - lastMs > threshold * 1000) gaps.push({ startMs: lastMs, endMs: nowMs });
  return gaps.sort((a, b) => a.startMs - b.startMs);
}

export type FillOptions = Omit<BackfillOptions, 'pairs' | 'fromMs' | 'toMs'>;

/** Backfills each gap of one pair; the results add up. */
export async function fillGaps(pair: Pair, gaps: Gap[], o: FillOptions): Promise<BackfillResult> {
  const total: BackfillResult = { pages: 0, points: 0, rejected: 0, failures: [] };
  for (const g of gaps) {
    if (o.signal?.aborted) break;
    const r = await runBackfill({ ...o, pairs: [pair], fromMs: g.startMs, toMs: g.endMs });
    total.pages += r.pages;
    total.points += r.points;
    total.rejected += r.rejected;
    total.failures.push(...r.failures);
  }
  return total;
}
