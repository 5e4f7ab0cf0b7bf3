import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSeriesCsv } from './series-csv.ts';
import { RAW_DATA_CSV, haveSharedData } from '../../test/helpers/shared-data.ts';

const RAW_DATA = RAW_DATA_CSV;

describe('parseSeriesCsv', () => {
  it.skipIf(!haveSharedData(RAW_DATA))(
    "reads AnomalyDetection's raw_data.csv: header, time and value columns found by themselves",
    () => {
      const { points, report } = parseSeriesCsv(readFileSync(RAW_DATA, 'utf8'));
      expect(report).toMatchObject({
        header: ['', 'timestamp', 'count'],
        timeColumn: 'timestamp',
        valueColumn: 'count',
        timeFormat: 'iso',
        rows: 14398,
        points: 14398,
        emptyValues: 0,
        invalidRowCount: 0,
        stepMs: 60_000,
        missingSteps: 0,
        irregularSteps: 0,
      });
      expect(points[0]).toEqual({
        timestamp: '1980-09-25 14:01:00',
        timeMs: Date.UTC(1980, 8, 25, 14, 1),
        value: 182.478,
        line: 2,
      });
    },
  );

  it('reports gaps, irregular steps, duplicates, disorder, empty and invalid rows instead of dropping them silently', () => {
    const csv = [
      'time,price,volume',
      '2024-01-01T00:00:00Z,100,5',
      '2024-01-01T00:01:00Z,101,NA',
      '2024-01-01T00:03:00Z,103,7', // one minute missing before
      '2024-01-01T00:02:00Z,102,6', // out of order
      '2024-01-01T00:04:00Z,104,8',
      '2024-01-01T00:04:00Z,999,9', // repeated timestamp
      '2024-01-01T00:05:30Z,105,9', // not on the minute grid
      'not a time,106,10',
      '2024-01-01T00:07:00Z,abc,11',
      '2024-01-01T00:08:00Z,108,12',
      '2024-01-01T00:09:00Z,109,13',
    ].join('\n');
    const { points, report } = parseSeriesCsv(csv, { valueColumn: 'volume' });
    expect(points.map((p) => p.value)).toEqual([5, NaN, 6, 7, 8, 9, 11, 12, 13]);
    expect(report).toMatchObject({
      timeColumn: 'time',
      valueColumn: 'volume',
      rows: 11,
      points: 9,
      emptyValues: 1,
      duplicates: 1,
      outOfOrder: 1,
      stepMs: 60_000,
      invalidRowCount: 2,
      missingSteps: 0,
      irregularSteps: 2,
    });
    expect(report.invalidRows).toEqual([
      { line: 9, reason: 'time "not a time" is not a timestamp (iso expected)' },
      { line: 7, reason: 'repeats the timestamp of line 6 (kept the first)' },
    ]);
    expect(report.irregular).toEqual([
      { after: '2024-01-01T00:04:00Z', before: '2024-01-01T00:05:30Z', stepMs: 90_000 },
      { after: '2024-01-01T00:05:30Z', before: '2024-01-01T00:07:00Z', stepMs: 90_000 },
    ]);
  });

  it('counts missing grid steps in gaps', () => {
    const csv = 'ts,v\n1700000000,1\n1700000060,2\n1700000300,3\n1700000360,4\n';
    const { report } = parseSeriesCsv(csv);
    expect(report).toMatchObject({ timeFormat: 'epoch_s', stepMs: 60_000, missingSteps: 3 });
    expect(report.gaps).toEqual([{ after: '1700000060', before: '1700000300', stepMs: 240_000, missing: 3 }]);
  });

  it('reads a file without header by column index, epoch milliseconds', () => {
    const csv = '1700000000000,3.5,7\n1700000060000,4.5,8\n';
    const { points, report } = parseSeriesCsv(csv, { timeColumn: 0, valueColumn: '2' });
    expect(report).toMatchObject({
      header: null,
      timeColumn: '#0',
      valueColumn: '#2',
      timeFormat: 'epoch_ms',
    });
    expect(points.map((p) => [p.timestamp, p.value])).toEqual([
      ['1700000000000', 7],
      ['1700000060000', 8],
    ]);
  });

  it('names the option as the caller knows it: the flag on the command line, never an internal name', () => {
    const text = 'timestamp,comment\n2024-01-01 00:00:00,up\n2024-01-01 00:01:00,down\n';
    expect(() => parseSeriesCsv(text)).toThrow(/name one with valueColumn$/);
    expect(() =>
      parseSeriesCsv(text, { optionNames: { timeColumn: '--time-column', valueColumn: '--value-column' } }),
    ).toThrow(/name one with --value-column$/);
  });

  it('says which column is missing and which exist', () => {
    expect(() => parseSeriesCsv('time,value\n2024-01-01,1\n', { valueColumn: 'price' })).toThrow(
      'value column "price" not found (columns: time, value)',
    );
    expect(() => parseSeriesCsv('a,b\nx,y\n')).toThrow(/neither ISO nor epoch|no numeric/);
  });
});
