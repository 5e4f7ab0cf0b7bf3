// Timestamps as they appear in CSV exports: ISO 8601 (with "T" or a space, optional seconds and
// fraction, optional "Z" or +hh:mm offset; without an offset they are taken as UTC, as R's
// AnomalyDetection does) or Unix epoch numbers in seconds or milliseconds.
//
//   2024-05-17T09:30:00Z   2024-05-17 09:30:00   2024-05-17 09:30   2024-05-17T11:30:00+02:00
//   1715938200             1715938200000          1715938200.5

export type TimeFormat = 'iso' | 'epoch_s' | 'epoch_ms';

/** Epoch values at or above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
export const EPOCH_MS_THRESHOLD = 1e11;

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Epoch milliseconds of an ISO timestamp, or null when the text is not one (or not a real date). */
export function parseIsoTimestamp(text: string): number | null {
  const match = ISO_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2024-02-30 over into March; refuse instead.
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null;
  }
  if (!zone || zone === 'Z' || zone === 'z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return utc - sign * offsetMinutes * 60_000;
}

export function isNumeric(text: string): boolean {
  return NUMBER_PATTERN.test(text.trim());
}

/** Which format a column uses, judged from one sample cell; null if it is no timestamp at all. */
export function detectTimeFormat(sample: string): TimeFormat | null {
  const text = sample.trim();
  if (isNumeric(text)) return Math.abs(Number(text)) >= EPOCH_MS_THRESHOLD ? 'epoch_ms' : 'epoch_s';
  return parseIsoTimestamp(text) === null ? null : 'iso';
}

/** Epoch milliseconds of a cell in the given format, or null when it does not parse. */
export function parseTimestamp(text: string, format: TimeFormat): number | null {
  if (format === 'iso') return parseIsoTimestamp(text);
  const trimmed = text.trim();
  if (!isNumeric(trimmed)) return null;
  const value = Number(trimmed);
  return format === 'epoch_ms' ? value : Math.round(value * 1000);
}
