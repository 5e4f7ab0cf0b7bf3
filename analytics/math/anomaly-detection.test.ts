import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PIECEWISE_MEDIAN_PERIOD_WEEKS,
  DEFAULT_THRESHOLD,
  type TimedValue,
  anomalyDetectionTs,
  anomalyDetectionVec,
  granularityOf,
} from './anomaly-detection.ts';
import { DEFAULT_ALPHA, DEFAULT_DIRECTION, DEFAULT_MAX_ANOMS } from './shesd.ts';
import { reference } from './testdata/reference.ts';
import { RAW_DATA_CSV, haveSharedData } from '../../test/helpers/shared-data.ts';

// The AnomalyDetection package's own example data: 14,398 one-minute counts (1980-09-25 .. 10-05).
const RAW_DATA = RAW_DATA_CSV;

function loadRawData(): TimedValue[] {
  const lines = readFileSync(RAW_DATA, 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [, timestamp, count] = line.split(',');
    return { timeMs: Date.parse(`${(timestamp as string).replace(' ', 'T')}Z`), value: Number(count) };
  });
}

const HAVE_RAW = haveSharedData(RAW_DATA);
const raw = HAVE_RAW ? loadRawData() : [];
const values = raw.map((p) => p.value);
const documented = { maxAnoms: 0.02, direction: 'both', alpha: 0.05 } as const;

describe.skipIf(!HAVE_RAW)(
  'reproduces the counts documented by AnomalyDetection (tests/testthat) on raw_data',
  () => {
    it('AnomalyDetectionTs, only_last = "day": 25', () => {
      expect(anomalyDetectionTs(raw, { ...documented, onlyLast: 'day' }).anomalies).toHaveLength(25);
    });

    it('AnomalyDetectionTs, longterm = TRUE: 131', () => {
      expect(anomalyDetectionTs(raw, { ...documented, longterm: true }).anomalies).toHaveLength(131);
    });

    it('AnomalyDetectionTs, threshold = "med_max": 4', () => {
      const result = anomalyDetectionTs(raw, { ...documented, threshold: 'med_max' });
      expect(result.anomalies.map((a) => [new Date(a.timeMs as number).toISOString(), a.value])).toEqual([
        ['1980-09-30T20:32:00.000Z', 203.901],
        ['1980-09-30T20:51:00.000Z', 203.231],
        ['1980-10-05T13:08:00.000Z', 210],
        ['1980-10-05T13:28:00.000Z', 250],
      ]);
    });

    it('AnomalyDetectionVec, period 1440, only_last: 25', () => {
      expect(anomalyDetectionVec(values, { ...documented, period: 1440, onlyLast: true })).toHaveLength(25);
    });

    it('AnomalyDetectionVec, period 1440, longterm_period 1440 * 14: 131', () => {
      expect(
        anomalyDetectionVec(values, { ...documented, period: 1440, longtermPeriod: 1440 * 14 }),
      ).toHaveLength(131);
    });

    it('AnomalyDetectionVec, period 1440, threshold = "med_max": 6', () => {
      expect(anomalyDetectionVec(values, { ...documented, period: 1440, threshold: 'med_max' })).toHaveLength(
        6,
      );
    });

    it('finds the same 131 points as a Python transcription of detect_anoms with statsmodels STL', () => {
      const expected = reference.rawData?.anomalies;
      expect(expected).toHaveLength(131);
      const result = anomalyDetectionTs(raw, documented);
      expect(result.period).toBe(1440);
      expect(result.granularity).toBe('min');
      expect(result.anomalies.map((a) => a.index)).toEqual(expected);
    });
  },
);

describe.skipIf(!HAVE_RAW)('missing values (tests/testthat/test-NAs.R)', () => {
  it('accepts leading and trailing gaps and still finds 131', () => {
    const withGaps = raw.map((p, i) => (i < 10 || i === raw.length - 1 ? { ...p, value: null } : p));
    expect(anomalyDetectionTs(withGaps, documented).anomalies).toHaveLength(131);
    const vec = values.map((v, i) => (i < 10 || i === values.length - 1 ? NaN : v));
    expect(anomalyDetectionVec(vec, { ...documented, period: 1440 })).toHaveLength(131);
  });

  it('rejects a gap in the middle', () => {
    const middle = values.map((v, i) => (i === Math.floor(values.length / 2) - 1 ? NaN : v));
    expect(() => anomalyDetectionVec(middle, { ...documented, period: 1440 })).toThrow(
      /missing value at index 7198/,
    );
  });
});

describe('options and outputs', () => {
  it("pins R's defaults", () => {
    expect(DEFAULT_MAX_ANOMS).toBe(0.1);
    expect(DEFAULT_DIRECTION).toBe('pos');
    expect(DEFAULT_ALPHA).toBe(0.05);
    expect(DEFAULT_THRESHOLD).toBe('None');
    expect(DEFAULT_PIECEWISE_MEDIAN_PERIOD_WEEKS).toBe(2);
  });

  it.skipIf(!HAVE_RAW)(
    'reports value and expected (trend + seasonal) per anomaly, with the index and time',
    () => {
      const [first] = anomalyDetectionTs(raw, { ...documented, threshold: 'med_max' }).anomalies;
      expect(first).toMatchObject({ index: 7591, value: 203.901 });
      expect(first?.timeMs).toBe(raw[7591]?.timeMs);
      // R reports trunc(trend + seasonal) = 100 for this point
      expect(Math.trunc(first?.expected as number)).toBe(100);
    },
  );

  it.skipIf(!HAVE_RAW)('only_last = "hr" keeps anomalies of the last hour only', () => {
    const all = anomalyDetectionTs(raw, documented).anomalies;
    const lastHour = anomalyDetectionTs(raw, { ...documented, onlyLast: 'hr' }).anomalies;
    const cutoff = (raw[raw.length - 1]?.timeMs as number) - 3_600_000;
    expect(lastHour).toEqual(all.filter((a) => (a.timeMs as number) > cutoff));
    expect(lastHour.length).toBeGreaterThan(0);
  });

  it.skipIf(!HAVE_RAW)('pos finds only points above their expected value, neg only points below', () => {
    const pos = anomalyDetectionVec(values, { maxAnoms: 0.02, direction: 'pos', period: 1440 });
    const neg = anomalyDetectionVec(values, { maxAnoms: 0.02, direction: 'neg', period: 1440 });
    expect(pos.every((a) => a.value > a.expected)).toBe(true);
    expect(neg.every((a) => a.value < a.expected)).toBe(true);
  });

  it('tells granularity from the last step, as R does', () => {
    expect(granularityOf([0, 60_000, 120_000])).toBe('min');
    expect(granularityOf([0, 3_600_000])).toBe('hr');
    expect(granularityOf([0, 86_400_000])).toBe('day');
    expect(granularityOf([0, 1000])).toBe('sec');
    expect(granularityOf([0, 10])).toBe('ms');
  });

  it.skipIf(!HAVE_RAW)('rejects bad options with the key and the reason', () => {
    expect(() => anomalyDetectionVec(values, { period: 1440, maxAnoms: 0.6 })).toThrow(/maxAnoms/);
    expect(() => anomalyDetectionVec(values, { period: 1440, threshold: 'p50' as never })).toThrow(
      /threshold/,
    );
    expect(() => anomalyDetectionVec(values.slice(0, 2000), { period: 1440 })).toThrow(/2 periods/);
    expect(() => anomalyDetectionTs([...raw].reverse(), documented)).toThrow(/increasing/);
  });
});
