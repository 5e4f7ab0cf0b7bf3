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

describe('fluxString against a real influxd', () => {
  it('reads every value back unchanged', async () => {
    const rows = NASTY.map((s, i) => `{i: ${i}, v: ${fluxString(s)}}`).join(', ');
    const got = await queryRows<{ i: number; v: string }>(`import "array"\narray.from(rows: [${rows}])`);
    expect(got.map((r) => r.v)).toEqual(NASTY);
  });
});
