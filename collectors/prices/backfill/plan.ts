// Which CryptoCompare history endpoint covers which part of a span, and how many pages that takes.
// Pure. The finest resolution the API keeps is used for each part: minute bars for the last
// `minuteHistoryDays`, hour bars back to `hourHistoryDays`, day bars beyond.
import { parseDurationSeconds } from '../../../src/core/config/duration.ts';

export type Resolution = 'minute' | 'hour' | 'day';

export const STEP_SECONDS: Record<Resolution, number> = { minute: 60, hour: 3600, day: 86_400 };
export const ENDPOINT: Record<Resolution, string> = {
  minute: '/data/v2/histominute',
  hour: '/data/v2/histohour',
  day: '/data/v2/histoday',
};
/** CryptoCompare's largest page: `limit=2000` returns 2001 bars. */
export const MAX_PAGE_LIMIT = 2000;

export interface Segment {
  resolution: Resolution;
  /** Inclusive bounds, seconds since the epoch, aligned to the resolution's step. */
  fromS: number;
  toS: number;
}

export interface PlanOptions {
  fromMs: number;
  toMs: number;
  nowMs: number;
  minuteHistoryDays: number;
  hourHistoryDays: number;
}

/** Segments from oldest to newest; empty when the span is empty. */
export function planBackfill(o: PlanOptions): Segment[] {
  const day = 86_400_000;
  const minuteStart = o.nowMs - o.minuteHistoryDays * day;
  const hourStart = o.nowMs - o.hourHistoryDays * day;
  const parts: Array<[Resolution, number, number]> = [
    ['day', o.fromMs, Math.min(o.toMs, hourStart)],
    ['hour', Math.max(o.fromMs, hourStart), Math.min(o.toMs, minuteStart)],
    ['minute', Math.max(o.fromMs, minuteStart), o.toMs],
  ];
  const out: Segment[] = [];
  for (const [resolution, a, b] of parts) {
    const step = STEP_SECONDS[resolution];
    // Bars are stamped at their open time: the first bar that starts at or after `a`, the last that
    // starts at or before `b`.
    const fromS = Math.ceil(a / 1000 / step) * step;
    const toS = Math.floor(b / 1000 / step) * step;
    if (toS >= fromS) out.push({ resolution, fromS, toS });
  }
  return out;
}

export function barsIn(s: Segment): number {
  return (s.toS - s.fromS) / STEP_SECONDS[s.resolution] + 1;
}

export function pagesFor(s: Segment, limit = MAX_PAGE_LIMIT): number {
  return Math.ceil(barsIn(s) / (limit + 1));
}

/**
 * A time argument: "now", an ISO 8601 date-time, or a relative duration before now ("7d", "12h",
 * "90m"). Undefined when it is none of these.
 */
export function parseTimeArg(text: string, nowMs: number): number | undefined {
  const t = text.trim();
  if (t === 'now') return nowMs;
  const rel = parseDurationSeconds(t);
  if (rel !== undefined) return nowMs - rel * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}
