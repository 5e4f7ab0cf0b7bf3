import { describe, expect, it } from 'vitest';
import {
  V,
  and,
  column,
  eq,
  exists,
  from,
  oneOf,
  or,
  raw,
  renderPred,
  tagIs,
  tagValues,
  variable,
} from './flux.ts';

describe('flux builder', () => {
  it('builds the range / filter / aggregateWindow pipeline Grafana expects', () => {
    const q = from('crypto')
      .range()
      .measurement('social')
      .filter(eq('topic', variable('topic')))
      .fields('count')
      .aggregateWindow('sum');
    expect(String(q)).toBe(
      [
        'from(bucket: "crypto")',
        '  |> range(start: v.timeRangeStart, stop: v.timeRangeStop)',
        '  |> filter(fn: (r) => r._measurement == "social")',
        '  |> filter(fn: (r) => r.topic == ${topic:json})',
        '  |> filter(fn: (r) => r._field == "count")',
        '  |> aggregateWindow(every: v.windowPeriod, fn: sum, createEmpty: false)',
      ].join('\n'),
    );
  });

  it('renders predicates with parentheses where precedence needs them', () => {
    expect(renderPred(or(tagIs('symbol', 'BTC'), tagIs('topic', variable('topic'))))).toBe(
      '(exists r.symbol and r.symbol == "BTC") or (exists r.topic and r.topic == ${topic:json})',
    );
    expect(renderPred(oneOf('_field', ['pos', 'neg']))).toBe('(r._field == "pos" or r._field == "neg")');
    expect(renderPred(oneOf('_field', ['r']))).toBe('r._field == "r"');
    expect(renderPred(and(exists('x'), eq('n', 3), eq('ok', true)))).toBe(
      'exists r.x and r.n == 3 and r.ok == true',
    );
  });

  it('renders a long oneOf as a balanced or-tree (a flat chain of 300 is "nested too deep" for Flux)', () => {
    const topics = Array.from({ length: 600 }, (_, i) => `t${i}`);
    const text = renderPred(oneOf('topic', topics));
    let depth = 0;
    let deepest = 0;
    for (const c of text) {
      if (c === '(') deepest = Math.max(deepest, ++depth);
      if (c === ')') depth--;
    }
    expect(deepest).toBe(Math.ceil(Math.log2(600)));
    expect(text.match(/r\.topic == "t\d+"/g)).toEqual(topics.map((t) => `r.topic == "${t}"`));
    // Short sets keep the flat chain the generated dashboards were written with.
    expect(renderPred(oneOf('x', ['a', 'b', 'c']))).toBe('(r.x == "a" or r.x == "b" or r.x == "c")');
  });

  it('quotes column names that are not identifiers', () => {
    expect(column('lag-minutes')).toBe('r["lag-minutes"]');
    expect(column('_value')).toBe('r._value');
  });

  it('rejects bad variable names, empty sets and bad limits', () => {
    expect(() => variable('a b')).toThrow();
    expect(() => renderPred(oneOf('x', []))).toThrow();
    expect(() => from('b').limit(0)).toThrow();
    expect(() => renderPred(eq('x', Number.NaN))).toThrow();
  });

  it('is immutable: a shared prefix is not changed by later steps', () => {
    const base = from('crypto').range(raw('-1h'), V.stop);
    const a = base.last();
    expect(String(base)).not.toContain('last()');
    expect(String(a)).toContain('|> last()');
  });

  it('builds schema.tagValues with its import', () => {
    expect(
      String(tagValues({ bucket: 'crypto', measurement: 'price', tag: 'symbol', start: raw('-30d') })),
    ).toBe(
      'import "influxdata/influxdb/schema"\n\nschema.tagValues(bucket: "crypto", tag: "symbol", predicate: (r) => r._measurement == "price", start: -30d)',
    );
  });
});
