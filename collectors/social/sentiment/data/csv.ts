/**
 * Labelled CSV files for training and evaluation: a header with `text` and `label` columns. Labels
 * may be 0/1/2 (bearish, bullish, neutral: the financial-tweets convention, also used by our own
 * files) or words (neg/pos/neu, negative/positive/neutral, bearish/bullish).
 */
import { readFileSync } from 'node:fs';
import type { SentimentLabel } from '../options.ts';

/** RFC 4180: quoted fields, doubled quotes, newlines inside quotes. */
export function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || (r[0] ?? '') !== '');
}

const LABEL_NAMES: Record<string, SentimentLabel> = {
  '0': 'neg',
  '1': 'pos',
  '2': 'neu',
  neg: 'neg',
  negative: 'neg',
  bearish: 'neg',
  pos: 'pos',
  positive: 'pos',
  bullish: 'pos',
  neu: 'neu',
  neutral: 'neu',
};

export interface LabelledText {
  text: string;
  label: SentimentLabel;
}

/** Parses a labelled CSV; throws naming the file and row of a missing column or unknown label. */
export function parseLabelledCsv(source: string, name: string): LabelledText[] {
  const [header, ...body] = parseCsv(source);
  const cols = (header ?? []).map((h) => h.trim().toLowerCase());
  const ti = cols.indexOf('text');
  const li = cols.indexOf('label');
  if (ti < 0 || li < 0)
    throw new Error(`[sentiment] ${name}: header must have text and label, got ${cols.join(',')}`);
  return body.map((r, n) => {
    const label = LABEL_NAMES[(r[li] ?? '').trim().toLowerCase()];
    if (label === undefined)
      throw new Error(`[sentiment] ${name}: row ${n + 2} has unknown label "${r[li]}"`);
    return { text: r[ti] ?? '', label };
  });
}

export function readLabelledCsv(path: string): LabelledText[] {
  return parseLabelledCsv(readFileSync(path, 'utf8'), path);
}
