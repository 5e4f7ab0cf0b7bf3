import { describe, expect, it } from 'vitest';
import { fluxFrames, legendName, promFrames } from './frames.ts';
import { duration, fluxQuery, intervalSeconds, promQuery } from './macros.ts';

const t = (h: number) => ({
  start: new Date(Date.UTC(2026, 0, 1, 0)),
  stop: new Date(Date.UTC(2026, 0, 1, h)),
  vars: { coin: 'BTC', topic: 'a"b' },
});

describe('render macros: what Grafana substitutes', () => {
  it('windows the range into at most ~500 nice intervals, never below the datasource minimum', () => {
    expect(intervalSeconds(3 * 3600_000, 60)).toBe(60);
    expect(intervalSeconds(24 * 3600_000, 60)).toBe(300);
    expect(intervalSeconds(30 * 86_400_000, 60)).toBe(7200);
    expect(intervalSeconds(3 * 3600_000, 1)).toBe(30);
    expect([60, 300, 7200, 90].map(duration)).toEqual(['1m', '5m', '2h', '90s']);
  });

  it('fills Flux macros and json-formatted variables', () => {
    expect(
      fluxQuery(
        'range(start: v.timeRangeStart, stop: v.timeRangeStop) every: v.windowPeriod ${topic:json}',
        t(24),
      ),
    ).toBe('range(start: 2026-01-01T00:00:00.000Z, stop: 2026-01-02T00:00:00.000Z) every: 5m "a\\"b"');
  });

  it('gives PromQL its step, $__rate_interval (max(step + scrape, 4 scrapes)) and $__range', () => {
    const q = promQuery('rate(x[$__rate_interval]) + y[$__interval] + z[$__range]', t(3), 15);
    expect(q).toEqual({ expr: 'rate(x[1m]) + y[30s] + z[3h]', stepSeconds: 30 });
    // Over a day the step (5m) dominates: step + one scrape.
    expect(promQuery('rate(x[$__rate_interval])', t(24), 15)).toEqual({
      expr: 'rate(x[315s])',
      stepSeconds: 300,
    });
  });
});

describe('render frames', () => {
  it('names a Flux table by its group-key strings and keeps the rest as fields', () => {
    const rows = [0, 1].flatMap((table) =>
      [0, 1].map((i) => ({
        result: '_result',
        table,
        _start: 'x',
        _time: `2026-01-01T00:0${i}:00Z`,
        _value: 10 * table + i,
        source: table ? 'bluesky' : 'x',
      })),
    );
    const frames = fluxFrames(rows, 'A');
    expect(frames.map((f) => f.name)).toEqual(['x', 'bluesky']);
    expect(frames[1]!.fields.map((f) => [f.name, f.type])).toEqual([
      ['_time', 'time'],
      ['bluesky', 'number'],
      ['source', 'string'],
    ]);
    expect(frames[1]!.fields[0]!.values).toEqual([Date.UTC(2026, 0, 1, 0, 0), Date.UTC(2026, 0, 1, 0, 1)]);
  });

  it('names Prometheus series by the legend format and turns NaN into gaps', () => {
    expect(legendName('{{source}}: {{reason}}', { source: 'x', reason: 'rate' })).toBe('x: rate');
    const [f] = promFrames(
      [
        {
          metric: { job: 'a' },
          values: [
            [1, '2'],
            [2, 'NaN'],
          ],
        },
      ],
      'A',
      '{{job}}',
    );
    expect(f!.fields[1]).toEqual({ name: 'a', type: 'number', values: [2, null] });
  });
});
