import { describe, expect, it } from 'vitest';
import { detectTimeFormat, parseIsoTimestamp, parseTimestamp } from './timestamps.ts';

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
