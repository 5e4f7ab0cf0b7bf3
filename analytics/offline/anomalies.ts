// Offline S-H-ESD on a parsed CSV series (the `cryptocrawler anomalies` command).
// The series is laid on its regular grid first. Holes inside it (missing rows, empty cells) are
// filled by linear interpolation, as the R package advises (it refuses inner gaps), and an
// interpolated point is never reported as an anomaly. Leading and trailing holes are left out.

import {
  type AnomalyDetectionTsOptions,
  type TimedValue,
  anomalyDetectionTs,
} from '../math/anomaly-detection.ts';
import { interpolateInnerGaps, toGrid } from './grid.ts';
import type { ParsedSeries } from './series-csv.ts';

export type RunAnomaliesOptions = AnomalyDetectionTsOptions;

export interface AnomalyRow {
  /** As found in the file (an ISO minute when second data was summed per minute). */
  timestamp: string;
  value: number;
  expected: number;
}

export function runAnomalies(series: ParsedSeries, options: RunAnomaliesOptions = {}): AnomalyRow[] {
  const { points, report } = series;
  if (points.length < 2 || report.stepMs === null || !(report.stepMs > 0)) {
    throw new RangeError('need at least two points with distinct timestamps');
  }
  const first = points[0] as ParsedSeries['points'][number];
  const last = points[points.length - 1] as ParsedSeries['points'][number];
  const grid = toGrid(points, report.stepMs, first.timeMs, last.timeMs);
  const filled = Float64Array.from(grid.values);
  interpolateInnerGaps(filled);
  const timed: TimedValue[] = Array.from(filled, (value, i) => ({
    timeMs: grid.startMs + i * grid.stepMs,
    value: Number.isFinite(value) ? value : null,
  }));
  const { anomalies } = anomalyDetectionTs(timed, options);

  const bySlotTime = new Map<number, number>();
  grid.source.forEach((pointIndex, slot) => {
    if (pointIndex >= 0 && Number.isFinite(grid.values[slot] as number))
      bySlotTime.set(grid.startMs + slot * grid.stepMs, pointIndex);
  });
  const rows: AnomalyRow[] = [];
  for (const anomaly of anomalies) {
    const timeMs = anomaly.timeMs as number;
    const pointIndex = bySlotTime.get(timeMs);
    if (pointIndex !== undefined) {
      const point = points[pointIndex] as ParsedSeries['points'][number];
      rows.push({ timestamp: point.timestamp, value: point.value, expected: anomaly.expected });
    } else if (grid.stepMs < 60_000) {
      // Second data was summed per minute (as R does); that minute has no row of its own.
      rows.push({
        timestamp: new Date(timeMs).toISOString(),
        value: anomaly.value,
        expected: anomaly.expected,
      });
    }
  }
  return rows;
}
