import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAnomalies } from './anomalies.ts';
import { parseSeriesCsv } from './series-csv.ts';
import { RAW_DATA_CSV, haveSharedData } from '../../test/helpers/shared-data.ts';

const RAW_DATA = RAW_DATA_CSV;
const documented = { maxAnoms: 0.02, direction: 'both', alpha: 0.05 } as const;

describe.skipIf(!haveSharedData(RAW_DATA))('runAnomalies on raw_data.csv', () => {
  // Read when the tests run: a skipped block's body still runs at collection time.
  let text = '';
  beforeAll(() => {
    text = readFileSync(RAW_DATA, 'utf8');
  });

  it('finds the 131 documented anomalies of raw_data.csv with timestamps exactly as in the file', () => {
    const rows = runAnomalies(parseSeriesCsv(text), documented);
    expect(rows).toHaveLength(131);
    const thresholded = runAnomalies(parseSeriesCsv(text), { ...documented, threshold: 'med_max' });
    expect(thresholded.map((r) => [r.timestamp, r.value])).toEqual([
      ['1980-09-30 20:32:00', 203.901],
      ['1980-09-30 20:51:00', 203.231],
      ['1980-10-05 13:08:00', 210],
      ['1980-10-05 13:28:00', 250],
    ]);
    expect(thresholded[3]?.expected).toBeCloseTo(152.66026213685336, 9);
  });

  it('fills missing rows inside the file by interpolation and never reports a filled point', () => {
    const lines = text.trim().split('\n');
    // drop 30 rows around an anomaly at 1980-10-05 13:28 (line 14368) and blank one value
    const kept = lines
      .filter((_, i) => i < 14350 || i > 14379)
      .map((l, i) => (i === 500 ? l.replace(/,[^,]*$/, ',NA') : l));
    const series = parseSeriesCsv(kept.join('\n'));
    expect(series.report).toMatchObject({ missingSteps: 30, emptyValues: 1 });
    const rows = runAnomalies(series, { ...documented, onlyLast: 'day' });
    const fileTimestamps = new Set(kept.slice(1).map((l) => l.split(',')[1]));
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(fileTimestamps.has(row.timestamp), row.timestamp).toBe(true);
      expect(Number.isFinite(row.value)).toBe(true);
    }
    expect(rows.map((r) => r.timestamp)).not.toContain('1980-10-05 13:28:00');
  });

  it('uses the period given instead of the one implied by the granularity', () => {
    // 10 days of hourly data with a 24-step cycle and one spike
    const lines = ['time,value'];
    for (let i = 0; i < 240; i++) {
      const value =
        50 + 10 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7919) % 13) / 10 + (i === 200 ? 40 : 0);
      lines.push(`${new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString()},${value}`);
    }
    const series = parseSeriesCsv(lines.join('\n'));
    const rows = runAnomalies(series, { maxAnoms: 0.02, direction: 'pos', period: 24 });
    expect(rows.map((r) => r.timestamp)).toEqual(['2024-01-09T08:00:00.000Z']);
    expect(rows[0]?.value).toBeCloseTo(
      50 + 10 * Math.sin((2 * Math.PI * 200) / 24) + ((200 * 7919) % 13) / 10 + 40,
      9,
    );
  });
});
