// The one Flux string literal, checked where it matters: a real influxd must read every value back
// exactly, whatever quotes, backslashes, `${`, newlines or non-ASCII it holds.
import { describe, expect, it } from 'vitest';
import { fluxString } from '../src/core/flux/string.ts';
import { queryRows } from './helpers/influx.ts';

const NASTY = [
  'bitcoin',
  'say "hi"',
  'back\\slash',
  'trailing\\',
  '${v.timeRangeStart}',
  '$BTC and $ETH',
  'line\nbreak\r\ttab',
  '\\"\\${',
  'émoji 🚀 ünïcode',
  '',
];

/** Control characters made visible: the annotated-CSV answer itself rewrites CR and LF. */
const visible = (s: string): string =>
  s.replace(/\n/g, '<LF>').replace(/\r/g, '<CR>').replace(/\t/g, '<TAB>');

describe('fluxString against a real influxd', () => {
  it('reads every value back unchanged', async () => {
    const rows = NASTY.map((s, i) => `{i: ${i}, v: ${fluxString(s)}}`).join(', ');
    const mark = (v: string, ch: string, name: string): string =>
      `strings.replaceAll(v: ${v}, t: ${fluxString(ch)}, u: "<${name}>")`;
    const got = await queryRows<{ i: number; v: string; n: number }>(
      [
        'import "array"',
        'import "strings"',
        `array.from(rows: [${rows}])`,
        `  |> map(fn: (r) => ({i: r.i, n: strings.strlen(v: r.v), v: ${mark(mark(mark('r.v', '\n', 'LF'), '\r', 'CR'), '\t', 'TAB')}}))`,
      ].join('\n'),
    );
    expect(got.map((r) => r.v)).toEqual(NASTY.map(visible));
    // strlen counts Unicode code points.
    expect(got.map((r) => Number(r.n))).toEqual(NASTY.map((s) => [...s].length));
  });
});
