// Offline run of the streaming detector over a parsed CSV series (`cryptocrawler anomalies
// --method streaming`): the file's rows are fed in time order, one at a time, exactly as the service
// feeds live buckets, so a flag never depends on a later row.
import {
  type StreamingAnomalyKind,
  type StreamingOptions,
  createStreamingDetector,
} from '../streaming/index.ts';
import type { ParsedSeries } from './series-csv.ts';

export interface StreamingAnomalyRow {
  /** As found in the file. */
  timestamp: string;
  value: number;
  expected: number | null;
  score: number;
  kind: StreamingAnomalyKind | null;
}

export function runStreamingAnomalies(
  series: ParsedSeries,
  options: Partial<StreamingOptions> = {},
): StreamingAnomalyRow[] {
  const detector = createStreamingDetector(options);
  const rows: StreamingAnomalyRow[] = [];
  for (const point of series.points) {
    const verdict = detector.update(point.timeMs, point.value);
    if (!verdict.flag) continue;
    rows.push({
      timestamp: point.timestamp,
      value: point.value,
      // JSON has no NaN: an expectation not known yet is null.
      expected: Number.isFinite(verdict.expected) ? verdict.expected : null,
      score: verdict.score,
      kind: verdict.kind,
    });
  }
  return rows;
}
