/**
 * Labelled CSV files for training and evaluation: a header with `text` and `label` columns. Labels
 * may be 0/1/2 (bearish, bullish, neutral: the financial-tweets convention, also used by our own
 * files) or words (neg/pos/neu, negative/positive/neutral, bearish/bullish).
 */
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../../../src/core/csv.ts';
import type { SentimentLabel } from '../options.ts';

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
  const [header, ...body] = parseCsv(source, ',');
  const cols = (header?.cells ?? []).map((h) => h.trim().toLowerCase());
  const ti = cols.indexOf('text');
  const li = cols.indexOf('label');
  if (ti < 0 || li < 0)
    throw new Error(`[sentiment] ${name}: header must have text and label, got ${cols.join(',')}`);
  return body.map(({ cells, line }) => {
    const label = LABEL_NAMES[(cells[li] ?? '').trim().toLowerCase()];
    if (label === undefined)
      throw new Error(`[sentiment] ${name}: line ${line} has unknown label "${cells[li]}"`);
    return { text: cells[ti] ?? '', label };
  });
}

export function readLabelledCsv(path: string): LabelledText[] {
  return parseLabelledCsv(readFileSync(path, 'utf8'), path);
}
