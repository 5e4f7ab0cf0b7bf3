import { Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { InvalidPointError, msToNs, toLine } from './line.ts';

describe('toLine', () => {
  it('escapes like the client library does', () => {
    const cases = [
      { m: 'post', tags: { topic: 'a b', source: 'x,y' }, fields: { score: 0.5, text: 'say "hi"\\ now' } },
      { m: 'my meas', tags: { k: 'v=1' }, fields: { f: -1.25 } },
      { m: 'price', tags: { symbol: 'BTC', quote: 'USD' }, fields: { price: 61234.5 } },
    ];
    for (const c of cases) {
      const ours = toLine({
        measurement: c.m,
        tags: c.tags,
        fields: c.fields,
        timeNs: '1700000000000000000',
      });
      const p = new Point(c.m).timestamp('1700000000000000000');
      for (const [k, v] of Object.entries(c.tags).sort()) p.tag(k, v);
      for (const [k, v] of Object.entries(c.fields)) {
        if (typeof v === 'number') p.floatField(k, v);
        else p.stringField(k, v);
      }
      expect(ours).toBe(p.toLineProtocol());
    }
  });

  it('writes integers with the i suffix and sorts tags', () => {
    expect(
      toLine({
        measurement: 'social',
        tags: { topic: 't', source: 's' },
        fields: { count: { int: 3 } },
        timeNs: 5n,
      }),
    ).toBe('social,source=s,topic=t count=3i 5');
  });

  it('never lets a newline split a line', () => {
    const line = toLine({
      measurement: 'post',
      tags: { topic: 'a\nb' },
      fields: { text: 'one\ntwo\r' },
      timeNs: '1',
    });
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('text="one\\ntwo"');
  });

  it('refuses non-finite numbers and empty field sets', () => {
    expect(() => toLine({ measurement: 'p', tags: {}, fields: { v: NaN }, timeNs: '1' })).toThrow(
      InvalidPointError,
    );
    expect(() => toLine({ measurement: 'p', tags: {}, fields: { v: Infinity }, timeNs: '1' })).toThrow(
      InvalidPointError,
    );
    expect(() => toLine({ measurement: 'p', tags: {}, fields: {}, timeNs: '1' })).toThrow(InvalidPointError);
    expect(() => toLine({ measurement: 'p', tags: {}, fields: { n: { int: 1.5 } }, timeNs: '1' })).toThrow(
      InvalidPointError,
    );
  });

  it('converts ms to ns exactly', () => {
    expect(msToNs(1700000000123)).toBe('1700000000123000000');
    expect(msToNs(1.5)).toBe('1500000');
  });
});
