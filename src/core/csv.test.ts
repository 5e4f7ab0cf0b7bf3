import { describe, expect, it } from 'vitest';
import { detectSeparator, parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks inside', () => {
    const text = 'time,"note, long",value\r\n2024-01-01,"say ""hi""\nthere",1.5\r\n\r\n2024-01-02,,2\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, cells: ['time', 'note, long', 'value'] },
      { line: 2, cells: ['2024-01-01', 'say "hi"\nthere', '1.5'] },
      { line: 5, cells: ['2024-01-02', '', '2'] },
    ]);
  });

  it('guesses semicolon and tab separators from the first line', () => {
    expect(detectSeparator('a;b;c\n1;2;3')).toBe(';');
    expect(detectSeparator('a\tb\n1,5\t2')).toBe('\t');
    expect(detectSeparator('"a;b",c\n')).toBe(',');
    expect(parseCsv('t;v\n1;2,5').map((r) => r.cells)).toEqual([
      ['t', 'v'],
      ['1', '2,5'],
    ]);
  });

  it('refuses an unterminated quote with its line', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3')).toThrow(/line 2/);
  });
});
