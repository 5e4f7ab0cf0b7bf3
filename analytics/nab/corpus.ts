// Reads a folder of NAB-format series (`<category>/<name>.csv` with `timestamp,value`) and a windows
// file (`{"<category>/<name>.csv": [["start", "end"], ...]}`). I/O lives here; scoring is pure.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RowWindow } from './scorer.ts';

export interface NabFile {
  /** `<category>/<name>.csv`, the key in the windows file. */
  key: string;
  category: string;
  timestamps: string[];
  timesMs: Float64Array;
  values: Float64Array;
  windows: RowWindow[];
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` (or with a T) as UTC milliseconds; NaN if it does not parse. */
export function parseNabTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + ms;
}

/** Rows of one `timestamp,value` CSV text (header required). */
export function parseNabCsv(text: string, name: string): Pick<NabFile, 'timestamps' | 'timesMs' | 'values'> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const ti = header.indexOf('timestamp');
  const vi = header.indexOf('value');
  if (ti < 0 || vi < 0) throw new Error(`${name}: header must have timestamp and value, got "${lines[0]}"`);
  const timestamps: string[] = [];
  const timesMs: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = (lines[i] as string).split(',');
    const ts = (cells[ti] ?? '').trim().replace(/^"|"$/g, '');
    const t = parseNabTimestamp(ts);
    if (!Number.isFinite(t)) throw new Error(`${name}:${i + 1}: bad timestamp "${ts}"`);
    const cell = (cells[vi] ?? '').trim();
    timestamps.push(ts);
    timesMs.push(t);
    values.push(cell === '' ? Number.NaN : Number(cell));
  }
  return { timestamps, timesMs: Float64Array.from(timesMs), values: Float64Array.from(values) };
}

/** Labelled windows as row ranges: first row at or after the start, last row at or before the end. */
export function windowRows(
  timesMs: Float64Array,
  windows: readonly (readonly [string, string])[],
): RowWindow[] {
  const out: RowWindow[] = [];
  for (const [start, end] of windows) {
    const s = parseNabTimestamp(start);
    const e = parseNabTimestamp(end);
    let left = 0;
    while (left < timesMs.length && (timesMs[left] as number) < s) left++;
    let right = timesMs.length - 1;
    while (right >= 0 && (timesMs[right] as number) > e) right--;
    if (right >= left) out.push({ left, right });
  }
  return out.sort((a, b) => a.left - b.left);
}

export function readWindowsFile(file: string): Record<string, [string, string][]> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, [string, string][]>;
}

/** Every `<category>/<name>.csv` under `dataDir`, sorted, with its windows (none if not listed). */
export function loadNabCorpus(dataDir: string, windowsFile: string): NabFile[] {
  const windows = readWindowsFile(windowsFile);
  const files: NabFile[] = [];
  for (const category of readdirSync(dataDir).sort()) {
    const dir = join(dataDir, category);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.csv')) continue;
      const key = `${category}/${name}`;
      const parsed = parseNabCsv(readFileSync(join(dir, name), 'utf8'), key);
      files.push({ key, category, ...parsed, windows: windowRows(parsed.timesMs, windows[key] ?? []) });
    }
  }
  if (files.length === 0) throw new Error(`no <category>/<name>.csv files under ${dataDir}`);
  return files;
}

/** `detector,file,...,score,...` rows: per-detector, per-file published scores. */
export function readPublishedScores(file: string): Map<string, Map<string, number>> {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  const di = header.indexOf('detector');
  const fi = header.indexOf('file');
  const si = header.indexOf('score');
  if (di < 0 || fi < 0 || si < 0) throw new Error(`${file}: header needs detector, file and score`);
  const out = new Map<string, Map<string, number>>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const detector = cells[di] as string;
    if (!out.has(detector)) out.set(detector, new Map());
    out.get(detector)!.set(cells[fi] as string, Number(cells[si]));
  }
  return out;
}
