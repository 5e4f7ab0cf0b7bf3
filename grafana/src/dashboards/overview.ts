// Overview: what an analyst opens first. One row per coin (config topics with a coin): price, its
// 24-hour change, post volume and its change against the same hours a week earlier, mean sentiment,
// share of voice, the latest r with its interval, the lag and today's anomalies; each row links to the
// coin's drill-down. One Flux program computes the whole table (a union of small per-metric streams
// pivoted on the coin), so the panel needs no Grafana transformation.
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DASHBOARD_UIDS, INTEGER, baseDashboard, currencyUnit } from '../common.ts';
import {
  FluxQuery,
  V,
  and,
  combinedSocial,
  eq,
  from,
  or,
  oneOf,
  program,
  raw,
  topicToCoin,
} from '../flux.ts';
import { fluxString } from '../../../src/core/flux/string.ts';
import type { GrafanaSettings } from '../settings.ts';
import { influx } from '../targets.ts';

/** Columns of the overview table, in display order. */
export const OVERVIEW_COLUMNS = [
  'coin',
  'topic',
  'price',
  'change_24h_pct',
  'posts',
  'posts_change_pct',
  'sentiment',
  'share_of_voice_pct',
  'r',
  'ci_low',
  'ci_high',
  'lag_seconds',
  'anomalies_today',
] as const;

/** One topic per coin: the first config topic that names it. */
export function overviewPairs(s: GrafanaSettings): { coin: string; topic: string }[] {
  const seen = new Set<string>();
  return s.pairs.filter((p) => !seen.has(p.coin) && seen.add(p.coin));
}

/** Anomaly points (one per flagged bucket: field `score`) since midnight UTC of the range's end. */
function anomaliesToday(bucket: string): FluxQuery {
  return from(bucket)
    .range(raw('date.truncate(t: v.timeRangeStop, unit: 1d)'))
    .measurement('anomaly')
    .filter(eq('_field', 'score'));
}

/** `{coin, _field: name, _value: float}` rows: the shape every stream of the union has. */
function asMetric(q: FluxQuery, name: string, coinExpr: string): FluxQuery {
  return q.group().map(`({coin: ${coinExpr}, _field: ${fluxString(name)}, _value: float(v: r._value)})`);
}

export function overviewQueries(s: GrafanaSettings) {
  const pairs = overviewPairs(s);
  const coins = pairs.map((p) => p.coin);
  const topics = pairs.map((p) => p.topic);
  const main = s.buckets.main;
  const byTopic = topicToCoin(pairs);
  const day = raw('date.sub(d: 24h, from: v.timeRangeStop)');
  const weekAgo = (t: string) => raw(`date.sub(d: 7d, from: ${t})`);
  const prices = (start = V.start) =>
    from(main)
      .range(start)
      .measurement('price')
      .filter(and(oneOf('symbol', coins), eq('quote', s.quote), eq('_field', 'price')))
      .group(['symbol']);
  const posts = (start = V.start, stop = V.stop) =>
    combinedSocial({ bucket: main, fields: ['count'], topic: oneOf('topic', topics), start, stop })
      .group(['topic'])
      .sum();
  const latest = (measurement: string, extra: ReturnType<typeof eq>[], fields: string[]) =>
    from(main)
      .range()
      .measurement(measurement)
      .filter(
        and(
          oneOf('symbol', coins),
          oneOf('topic', topics),
          eq('signal', 'volume'),
          ...extra,
          oneOf('_field', fields),
        ),
      )
      .last();
  const widest = s.windows[s.windows.length - 1] ?? '24h';

  const streams: [string, FluxQuery][] = [
    ['price', asMetric(prices().last(), 'price', 'r.symbol')],
    [
      'change',
      prices(day)
        .sort(['_time'])
        .add(
          'reduce(identity: {first: 0.0, last: 0.0, n: 0}, fn: (r, accumulator) => ({first: if accumulator.n == 0 then r._value else accumulator.first, last: r._value, n: accumulator.n + 1}))',
        )
        .where('r.first != 0.0')
        .group()
        .map('({coin: r.symbol, _field: "change_24h_pct", _value: (r.last - r.first) / r.first * 100.0})'),
    ],
    ['posts', asMetric(posts(), 'posts', byTopic)],
    [
      'posts_prev',
      asMetric(posts(weekAgo('v.timeRangeStart'), weekAgo('v.timeRangeStop')), 'posts_prev', byTopic),
    ],
    [
      'sentiment',
      combinedSocial({ bucket: main, fields: ['count', 'score_sum'], topic: oneOf('topic', topics) })
        .group(['topic', '_field'])
        .sum()
        .group(['topic'])
        .map('({r with _value: float(v: r._value)})')
        .add('pivot(rowKey: ["topic"], columnKey: ["_field"], valueColumn: "_value")')
        .where('r.count > 0.0')
        .group()
        .map(`({coin: ${byTopic}, _field: "sentiment", _value: r.score_sum / r.count})`),
    ],
    [
      'correlation',
      latest('correlation', [eq('method', 'pearson'), eq('window', widest)], ['r', 'ci_low', 'ci_high'])
        .group()
        .map('({coin: r.symbol, _field: r._field, _value: float(v: r._value)})'),
    ],
    ['lag', asMetric(latest('lag', [], ['lag_seconds']), 'lag_seconds', 'r.symbol')],
    // One count per coin: its returns anomalies (tag symbol) and its topic's (tag topic). Written as
    // one literal predicate per coin: a map or filter over the merged tables of both shapes (one
    // without `topic`, one without `symbol`) lost rows in influxd 2.7.12.
    ...pairs.map((p, i): [string, FluxQuery] => [
      `anomalies_${i}`,
      anomaliesToday(main)
        .filter(or(eq('symbol', p.coin), eq('topic', p.topic)))
        .group()
        .count()
        .map(`({coin: ${fluxString(p.coin)}, _field: "anomalies_today", _value: float(v: r._value)})`),
    ]),
  ];
  const zeros = pairs.map((p) => `{coin: ${fluxString(p.coin)}, _field: "anomalies_today", _value: 0.0}`);
  streams.push(['anomaly_zeros', FluxQuery.call(`array.from(rows: [${zeros.join(', ')}])`)]);
  // Derived from two streams each: computed before the union so a missing input gives no row.
  const derived: [string, string][] = [
    [
      'posts_change',
      [
        'union(tables: [posts, posts_prev])',
        '  |> pivot(rowKey: ["coin"], columnKey: ["_field"], valueColumn: "_value")',
        '  |> filter(fn: (r) => exists r.posts and exists r.posts_prev and r.posts_prev > 0.0)',
        '  |> map(fn: (r) => ({coin: r.coin, _field: "posts_change_pct", _value: (r.posts - r.posts_prev) / r.posts_prev * 100.0}))',
      ].join('\n'),
    ],
    [
      'share',
      [
        'join(',
        '  tables: {',
        '    p: posts |> map(fn: (r) => ({r with k: 1})),',
        '    t: posts |> group() |> sum() |> map(fn: (r) => ({k: 1, total: r._value})),',
        '  },',
        '  on: ["k"],',
        ')',
        '  |> filter(fn: (r) => r.total > 0.0)',
        '  |> map(fn: (r) => ({coin: r.coin, _field: "share_of_voice_pct", _value: r._value / r.total * 100.0}))',
      ].join('\n'),
    ],
  ];
  const names = [...streams.map(([n]) => n), ...derived.map(([n]) => n)];
  const topicOf = topicToCoin(
    pairs.map((p) => ({ coin: p.topic, topic: p.coin })),
    'r.coin',
  );
  const table = program(
    [...streams, ...derived],
    [
      `union(tables: [${names.join(', ')}])`,
      '  |> group(columns: ["coin", "_field"])',
      '  |> sum()',
      '  |> group()',
      '  |> pivot(rowKey: ["coin"], columnKey: ["_field"], valueColumn: "_value")',
      '  |> filter(fn: (r) => r.coin != "")',
      `  |> map(fn: (r) => ({r with topic: ${topicOf}}))`,
      `  |> keep(columns: [${OVERVIEW_COLUMNS.map((c) => fluxString(c)).join(', ')}])`,
      '  |> sort(columns: ["coin"])',
    ].join('\n'),
    ['array', 'date'],
  );
  return {
    table,
    volume: combinedSocial({ bucket: main, fields: ['count'], topic: oneOf('topic', topics) }).keep([
      '_time',
      '_value',
      'topic',
    ]),
  };
}

const COIN_LINK =
  `/d/${DASHBOARD_UIDS.coin}/cryptocrawler-coin?var-coin=\${__data.fields.coin}` +
  '&var-topic=${__data.fields.topic}&${__url_time_range}';

export function overviewDashboard(s: GrafanaSettings): dashboard.DashboardBuilder {
  const q = overviewQueries(s);
  const b = baseDashboard({
    title: 'CryptoCrawler: Overview',
    uid: DASHBOARD_UIDS.overview,
    what: 'Every coin at a glance: price, 24 h change, post volume against last week, sentiment, share of voice, correlation, lag and anomalies; each row opens the coin.',
    tags: ['overview'],
    from: 'now-24h',
  });
  const pct = (name: string) => [
    { id: 'unit', value: 'percent' },
    { id: 'decimals', value: 1 },
    { id: 'displayName', value: name },
  ];
  b.withPanel(
    new table.PanelBuilder()
      .title('Coins')
      .description(
        `Price (${s.quote}) and its change over the last 24 h; posts in the range and their change against the same hours a week earlier; mean sentiment (score_sum / count); share of voice among the coin topics; the latest Pearson r of post volume with the return over ${s.windows[s.windows.length - 1] ?? '24h'} with its 95 % interval; lag (positive: social leads); anomalies since midnight UTC. Click a coin for its dashboard.`,
      )
      .withTarget(influx(s, q.table))
      // Flux's pivot orders columns by name: put them in reading order.
      .withTransformation({
        id: 'organize',
        options: { indexByName: Object.fromEntries(OVERVIEW_COLUMNS.map((c, i) => [c, i])) },
      })
      .height(9)
      .span(24)
      .cellHeight(common.TableCellHeight.Sm)
      .overrideByName('coin', [
        { id: 'displayName', value: 'Coin' },
        { id: 'links', value: [{ title: 'Open ${__data.fields.coin}', url: COIN_LINK }] },
      ])
      .overrideByName('topic', [{ id: 'displayName', value: 'Topic' }])
      .overrideByName('price', [
        { id: 'unit', value: currencyUnit(s.quote) },
        { id: 'decimals', value: 2 },
        { id: 'displayName', value: `Price (${s.quote})` },
      ])
      .overrideByName('change_24h_pct', pct('24 h change'))
      .overrideByName('posts', [...INTEGER, { id: 'displayName', value: 'Posts' }])
      .overrideByName('posts_change_pct', pct('Posts vs last week'))
      .overrideByName('sentiment', [
        { id: 'decimals', value: 3 },
        { id: 'displayName', value: 'Mean sentiment' },
      ])
      .overrideByName('share_of_voice_pct', pct('Share of voice'))
      .overrideByName('r', [
        { id: 'decimals', value: 2 },
        { id: 'displayName', value: 'r' },
      ])
      .overrideByName('ci_low', [
        { id: 'decimals', value: 2 },
        { id: 'displayName', value: 'r low (95 %)' },
      ])
      .overrideByName('ci_high', [
        { id: 'decimals', value: 2 },
        { id: 'displayName', value: 'r high (95 %)' },
      ])
      .overrideByName('lag_seconds', [
        { id: 'unit', value: 's' },
        { id: 'displayName', value: 'Lag' },
      ])
      .overrideByName('anomalies_today', [...INTEGER, { id: 'displayName', value: 'Anomalies today' }]),
  );
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Posts per coin topic')
      .description('Posts per window, shards and replicas combined (combinedSocial).')
      .withTarget(influx(s, q.volume))
      .height(8)
      .span(24)
      .unit('short')
      .decimals(0)
      .drawStyle(common.GraphDrawStyle.Bars)
      .fillOpacity(60)
      .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)),
  );
  return b;
}
