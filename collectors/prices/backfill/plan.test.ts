import { describe, expect, it } from 'vitest';
import { barsIn, pagesFor, parseTimeArg, planBackfill } from './plan.ts';
import { formatEta, progressLine } from './progress.ts';

const NOW = Date.parse('2025-01-06T10:00:30Z');
const DAY = 86_400_000;

describe('backfill plan', () => {
  it('uses minute bars for the last 7 days, hours back to 90 days, days beyond, without overlap', () => {
    const segs = planBackfill({
      fromMs: NOW - 100 * DAY,
      toMs: NOW,
      nowMs: NOW,
      minuteHistoryDays: 7,
      hourHistoryDays: 90,
    });
    expect(segs.map((s) => s.resolution)).toEqual(['day', 'hour', 'minute']);
    const [d, h, m] = segs;
    expect(new Date(d!.fromS * 1000).toISOString()).toBe('2024-09-29T00:00:00.000Z');
    expect(new Date(d!.toS * 1000).toISOString()).toBe('2024-10-08T00:00:00.000Z');
    expect(new Date(h!.fromS * 1000).toISOString()).toBe('2024-10-08T11:00:00.000Z');
    expect(new Date(m!.fromS * 1000).toISOString()).toBe('2024-12-30T10:01:00.000Z');
    expect(new Date(m!.toS * 1000).toISOString()).toBe('2025-01-06T10:00:00.000Z');
    expect(barsIn(m!)).toBe(7 * 1440);
    expect(pagesFor(m!)).toBe(6);
    expect(h!.fromS).toBeGreaterThan(d!.toS);
    expect(m!.fromS).toBeGreaterThan(h!.toS);
  });

  it('a span inside the last days is minute bars only; an empty span plans nothing', () => {
    expect(
      planBackfill({
        fromMs: NOW - 3600_000,
        toMs: NOW,
        nowMs: NOW,
        minuteHistoryDays: 7,
        hourHistoryDays: 90,
      }).map((s) => [s.resolution, barsIn(s)]),
    ).toEqual([['minute', 60]]);
    expect(
      planBackfill({ fromMs: NOW, toMs: NOW - 1, nowMs: NOW, minuteHistoryDays: 7, hourHistoryDays: 90 }),
    ).toEqual([]);
  });

  it('parses ISO, relative and "now" time arguments', () => {
    expect(parseTimeArg('now', NOW)).toBe(NOW);
    expect(parseTimeArg('7d', NOW)).toBe(NOW - 7 * DAY);
    expect(parseTimeArg('90m', NOW)).toBe(NOW - 90 * 60_000);
    expect(parseTimeArg('2025-01-01T00:00:00Z', NOW)).toBe(Date.parse('2025-01-01T00:00:00Z'));
    expect(parseTimeArg('yesterday', NOW)).toBeUndefined();
    expect(parseTimeArg('2025-13-45', NOW)).toBeUndefined();
  });

  it('progress lines show pages, share, points and ETA', () => {
    const p = { pagesDone: 3, pagesTotal: 12, points: 6003, elapsedMs: 3000 };
    expect(progressLine(p, false)).toBe('backfill: 3/12 pages (25%), 6003 points, ETA 9s');
    expect(progressLine(p, true)).toBe(
      `[${'#'.repeat(8)}${'.'.repeat(22)}] 3/12 pages (25%), 6003 points, ETA 9s`,
    );
    expect(formatEta(3_725_000)).toBe('1h02m');
  });
});
