import { describe, expect, it } from 'vitest';
import { detectSeparator, parseCsv } from './csv.ts';
import { detectTimeFormat, parseIsoTimestamp, parseTimestamp } from './timestamps.ts';

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

describe('timestamps', () => {
  it('reads ISO forms as UTC unless an offset is given', () => {
    expect(parseIsoTimestamp('1980-09-25 14:01:00')).toBe(Date.UTC(1980, 8, 25, 14, 1, 0));
    expect(parseIsoTimestamp('2024-05-17T09:30Z')).toBe(Date.UTC(2024, 4, 17, 9, 30));
    expect(parseIsoTimestamp('2024-05-17T11:30:00.250+02:00')).toBe(Date.UTC(2024, 4, 17, 9, 30, 0, 250));
    expect(parseIsoTimestamp('2024-05-17T04:30:00-0500')).toBe(Date.UTC(2024, 4, 17, 9, 30));
    expect(parseIsoTimestamp('2024-05-17')).toBe(Date.UTC(2024, 4, 17));
  });

  it('rejects impossible dates and other text', () => {
    expect(parseIsoTimestamp('2024-02-30 00:00:00')).toBeNull();
    expect(parseIsoTimestamp('2024-01-01 24:00:00')).toBeNull();
    expect(parseIsoTimestamp('yesterday')).toBeNull();
  });

  it('tells epoch seconds from milliseconds by magnitude', () => {
    expect(detectTimeFormat('1715938200')).toBe('epoch_s');
    expect(detectTimeFormat('1715938200000')).toBe('epoch_ms');
    expect(detectTimeFormat('2024-05-17T09:30:00Z')).toBe('iso');
    expect(detectTimeFormat('count')).toBeNull();
    expect(parseTimestamp('1715938200.5', 'epoch_s')).toBe(1715938200500);
    expect(parseTimestamp('1715938200000', 'epoch_ms')).toBe(1715938200000);
    expect(parseTimestamp('abc', 'epoch_s')).toBeNull();
  });
});
