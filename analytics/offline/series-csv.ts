// Reads one time series (a time column and a value column) from CSV text, and reports everything it
// had to do with rows that do not fit: nothing is dropped without a line in the report.
//
//   "","timestamp","count"                     header: detected (no cell is a number or a date)
//   "1",1980-09-25 14:01:00,182.478            time column: one named time/timestamp/date/..., else
//   "2",1980-09-25 14:02:00,                   the first with an ISO date, else the first column;
//   "3",1980-09-25 14:04:00,183.917            value column: the first numeric one after the time.
//
// Missing values ("", NA, NaN, null) are kept as NaN; rows whose time or value does not parse and
// repeated timestamps are dropped and listed; rows out of order are sorted. The step is the most
// common spacing; missing steps (gaps) and spacings that are no multiple of it are reported.

import { type CsvRecord, parseCsv } from '../../src/core/csv.ts';
import {
  type TimeFormat,
  detectTimeFormat,
  isNumeric,
  parseIsoTimestamp,
  parseTimestamp,
} from './timestamps.ts';

export interface SeriesCsvOptions {
  /** Column name (with a header) or 0-based index. */
  timeColumn?: string | number;
  valueColumn?: string | number;
  /**
   * How errors name the two options to the person who set them: the API's names by default; the
   * command line passes its flags (`--value-column`), so a message never names an internal option.
   */
  optionNames?: { timeColumn: string; valueColumn: string };
}

const API_OPTION_NAMES = { timeColumn: 'timeColumn', valueColumn: 'valueColumn' } as const;

export interface SeriesPoint {
  /** The time cell exactly as found in the file (trimmed). */
  timestamp: string;
  timeMs: number;
  /** NaN when the cell was empty or NA. */
  value: number;
  line: number;
}

export interface RowProblem {
  line: number;
  reason: string;
}

export interface StepIssue {
  after: string;
  before: string;
  stepMs: number;
}

/** How many examples of each kind of problem the report lists (all are counted). */
export const REPORT_EXAMPLES_LIMIT = 20;

export interface SeriesCsvReport {
  header: string[] | null;
  timeColumn: string;
  valueColumn: string;
  timeFormat: TimeFormat;
  /** Data rows read (header excluded). */
  rows: number;
  /** Rows kept as points. */
  points: number;
  /** Kept rows whose value was empty or NA. */
  emptyValues: number;
  /** Rows dropped (unparsable time or value, or a repeated timestamp), with the reason. */
  invalidRows: RowProblem[];
  invalidRowCount: number;
  duplicates: number;
  /** Rows whose time was earlier than the row before them (the series is sorted). */
  outOfOrder: number;
  /** Most common spacing between consecutive points; null with fewer than two points. */
  stepMs: number | null;
  /** Grid steps with no row between the first and the last point. */
  missingSteps: number;
  gaps: (StepIssue & { missing: number })[];
  /** Spacings that are not a whole multiple of stepMs. */
  irregularSteps: number;
  irregular: StepIssue[];
}

export interface ParsedSeries {
  points: SeriesPoint[];
  report: SeriesCsvReport;
}

const TIME_NAMES = /^(time|timestamp|date|datetime|ts|_time|time_utc|timestamp_utc)$/i;
const MISSING = /^(|na|nan|null|none|n\/a)$/i;

function columnLabel(header: string[] | null, index: number): string {
  const name = header?.[index];
  return name ? name : `#${index}`;
}

function resolveColumn(spec: string | number, header: string[] | null, width: number, role: string): number {
  if (typeof spec === 'string' && header) {
    const index = header.indexOf(spec);
    if (index >= 0) return index;
  }
  const index = typeof spec === 'number' ? spec : /^\d+$/.test(spec) ? Number(spec) : -1;
  if (!Number.isInteger(index) || index < 0 || index >= width) {
    const known = header ? header.map((h, i) => h || `#${i}`).join(', ') : `0..${width - 1}`;
    throw new RangeError(`${role} column "${spec}" not found (columns: ${known})`);
  }
  return index;
}

function looksLikeHeader(record: CsvRecord): boolean {
  const cells = record.cells.map((c) => c.trim()).filter((c) => c !== '');
  return cells.length > 0 && cells.every((c) => !isNumeric(c) && parseIsoTimestamp(c) === null);
}

function chooseTimeColumn(header: string[] | null, sample: string[]): number {
  const named = header?.findIndex((h) => TIME_NAMES.test(h.trim())) ?? -1;
  if (named >= 0) return named;
  const iso = sample.findIndex((c) => parseIsoTimestamp(c) !== null);
  return iso >= 0 ? iso : 0;
}

function chooseValueColumn(timeColumn: number, sample: string[], optionName: string): number {
  for (let i = timeColumn + 1; i < sample.length; i++) if (isNumeric(sample[i] as string)) return i;
  for (let i = timeColumn - 1; i >= 0; i--) if (isNumeric(sample[i] as string)) return i;
  throw new RangeError(`no numeric value column found; name one with ${optionName}`);
}

/** Most common positive spacing (the smallest on ties). */
function modalStep(points: SeriesPoint[]): number | null {
  const counts = new Map<number, number>();
  for (let i = 1; i < points.length; i++) {
    const step = (points[i] as SeriesPoint).timeMs - (points[i - 1] as SeriesPoint).timeMs;
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best: number | null = null;
  let bestCount = 0;
  for (const [step, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && step < best)) {
      best = step;
      bestCount = count;
    }
  }
  return best;
}

export function parseSeriesCsv(text: string, options: SeriesCsvOptions = {}): ParsedSeries {
  const records = parseCsv(text);
  if (records.length === 0) throw new RangeError('the CSV has no rows');
  const first = records[0] as CsvRecord;
  const header = looksLikeHeader(first) ? first.cells.map((c) => c.trim()) : null;
  const data = header ? records.slice(1) : records;
  if (data.length === 0) throw new RangeError('the CSV has a header but no data rows');
  const width = Math.max(...records.map((r) => r.cells.length));
  const sample = (data[0] as CsvRecord).cells.map((c) => c.trim());

  const timeIndex =
    options.timeColumn !== undefined
      ? resolveColumn(options.timeColumn, header, width, 'time')
      : chooseTimeColumn(header, sample);
  const valueIndex =
    options.valueColumn !== undefined
      ? resolveColumn(options.valueColumn, header, width, 'value')
      : chooseValueColumn(timeIndex, sample, (options.optionNames ?? API_OPTION_NAMES).valueColumn);
  const firstTime = data.map((r) => (r.cells[timeIndex] ?? '').trim()).find((c) => c !== '') ?? '';
  const timeFormat = detectTimeFormat(firstTime);
  if (!timeFormat) {
    throw new RangeError(
      `time column ${columnLabel(header, timeIndex)}: "${firstTime}" is neither ISO nor epoch` +
        ` (name the time column with ${(options.optionNames ?? API_OPTION_NAMES).timeColumn})`,
    );
  }

  const invalid: RowProblem[] = [];
  let invalidCount = 0;
  const reject = (line: number, reason: string): void => {
    invalidCount++;
    if (invalid.length < REPORT_EXAMPLES_LIMIT) invalid.push({ line, reason });
  };
  let points: SeriesPoint[] = [];
  let emptyValues = 0;
  let outOfOrder = 0;
  for (const record of data) {
    const timeCell = (record.cells[timeIndex] ?? '').trim();
    const valueCell = (record.cells[valueIndex] ?? '').trim();
    const timeMs = parseTimestamp(timeCell, timeFormat);
    if (timeMs === null) {
      reject(record.line, `time "${timeCell}" is not a timestamp (${timeFormat} expected)`);
      continue;
    }
    let value = NaN;
    if (MISSING.test(valueCell)) emptyValues++;
    else if (isNumeric(valueCell)) value = Number(valueCell);
    else {
      reject(record.line, `value "${valueCell}" is not a number`);
      continue;
    }
    const previous = points[points.length - 1];
    if (previous && timeMs < previous.timeMs) outOfOrder++;
    points.push({ timestamp: timeCell, timeMs, value, line: record.line });
  }
  if (outOfOrder > 0) points = [...points].sort((a, b) => a.timeMs - b.timeMs || a.line - b.line);

  let duplicates = 0;
  const unique: SeriesPoint[] = [];
  for (const point of points) {
    const previous = unique[unique.length - 1];
    if (previous && previous.timeMs === point.timeMs) {
      duplicates++;
      if (!Number.isFinite(point.value)) emptyValues--;
      reject(point.line, `repeats the timestamp of line ${previous.line} (kept the first)`);
      continue;
    }
    unique.push(point);
  }

  const stepMs = modalStep(unique);
  let missingSteps = 0;
  let irregularSteps = 0;
  const gaps: SeriesCsvReport['gaps'] = [];
  const irregular: StepIssue[] = [];
  if (stepMs !== null && stepMs > 0) {
    for (let i = 1; i < unique.length; i++) {
      const a = unique[i - 1] as SeriesPoint;
      const b = unique[i] as SeriesPoint;
      const step = b.timeMs - a.timeMs;
      if (step === stepMs) continue;
      if (step % stepMs === 0) {
        const missing = step / stepMs - 1;
        missingSteps += missing;
        if (gaps.length < REPORT_EXAMPLES_LIMIT)
          gaps.push({ after: a.timestamp, before: b.timestamp, stepMs: step, missing });
      } else {
        irregularSteps++;
        if (irregular.length < REPORT_EXAMPLES_LIMIT)
          irregular.push({ after: a.timestamp, before: b.timestamp, stepMs: step });
      }
    }
  }

  return {
    points: unique,
    report: {
      header,
      timeColumn: columnLabel(header, timeIndex),
      valueColumn: columnLabel(header, valueIndex),
      timeFormat,
      rows: data.length,
      points: unique.length,
      emptyValues,
      invalidRows: invalid,
      invalidRowCount: invalidCount,
      duplicates,
      outOfOrder,
      stepMs,
      missingSteps,
      gaps,
      irregularSteps,
      irregular,
    },
  };
}
