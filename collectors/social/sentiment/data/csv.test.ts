import { describe, expect, it } from 'vitest';
import { parseLabelledCsv } from './csv.ts';

describe('labelled CSV', () => {
  it('reads quotes, doubled quotes, commas and newlines inside fields, CRLF (the core CSV reader)', () => {
    expect(parseLabelledCsv('text,label\r\n"x, ""y""\nz",1\n', 't.csv')).toEqual([
      { text: 'x, "y"\nz', label: 'pos' },
    ]);
  });

  it('maps numeric and word labels; the financial convention is 0 bearish, 1 bullish, 2 neutral', () => {
    const rows = parseLabelledCsv('label,text\n0,a\n1,b\n2,c\nbullish,d\nnegative,e\n', 't.csv');
    expect(rows.map((r) => r.label)).toEqual(['neg', 'pos', 'neu', 'pos', 'neg']);
    expect(rows[0]?.text).toBe('a');
  });

  it('names the file and row of a bad label or a missing column', () => {
    expect(() => parseLabelledCsv('text,label\na,7\n', 'x.csv')).toThrow(
      /x\.csv: line 2 has unknown label "7"/,
    );
    expect(() => parseLabelledCsv('body,label\na,1\n', 'x.csv')).toThrow(
      /x\.csv: header must have text and label/,
    );
  });
});
