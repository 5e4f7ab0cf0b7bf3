// Coin: the drill-down of one coin and its topic (the Overview's rows link here). Freshness first, then
// price with post volume and sentiment on one time axis, the price per quote currency on its own axes,
// posts by source, mean and net sentiment, the log return, Pearson beside Spearman, the cross-
// correlation with its significance band, anomalies, news and sample posts. Every `social` read goes
// through combinedSocial (shards and replicas combined), never raw posts except the two tables, which
// are bounded by a row limit.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as trend from '@grafana/grafana-foundation-sdk/trend';
import {
  CURRENCIES,
  DASHBOARD_UIDS,
  INTEGER,
  baseDashboard,
  coinVariable,
  currencyUnit,
  signalVariable,
  topicVariable,
} from '../common.ts';
import {
  V,
  and,
  combinedSocial,
  eq,
  from,
  oneOf,
  or,
  program,
  raw,
  socialMeans,
  tagIs,
  variable,
  type FluxQuery,
} from '../flux.ts';
import type { GrafanaSettings } from '../settings.ts';
import { influx, influxRef } from '../targets.ts';

const coin = variable('coin');
const topic = variable('topic');
const signal = variable('signal');
const pair = and(eq('symbol', coin), eq('topic', topic), eq('signal', signal));

/** Seconds between the newest point of `q` and the end of the dashboard range. */
function age(q: FluxQuery): FluxQuery {
  return q
    .last()
    .group()
    .sort(['_time'], true)
    .limit(1)
    .map('({age_s: float(v: int(v: v.timeRangeStop) - int(v: r._time)) / 1000000000.0, _time: r._time})');
}

/** The annotations every per-coin dashboard shows: anomalies and headlines of the coin's topic. */
export function coinAnnotations(s: GrafanaSettings) {
  const main = from(s.buckets.main).range();
  const rawB = from(s.buckets.raw).range();
  return {
    anomalies: main
      .measurement('anomaly')
      .filter(or(tagIs('symbol', coin), tagIs('topic', topic)))
      .fields('text', 'score')
      .pivotFields()
      // One schema before merging: coin anomalies have `symbol`, topic anomalies `topic`.
      .keep(['_time', 'text', 'score', 'series', 'direction', 'method'])
      .group(),
    news: rawB
      .measurement('news')
      .filter(eq('topic', topic))
      .fields('title', 'url')
      .pivotFields()
      .group()
      .keep(['_time', 'title', 'url', 'label', 'source'])
      .rename({ title: 'text' }),
  };
}

export function withCoinAnnotations(
  s: GrafanaSettings,
  b: dashboard.DashboardBuilder,
): dashboard.DashboardBuilder {
  const a = coinAnnotations(s);
  return b
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Anomalies')
        .datasource(influxRef(s))
        .enable(true)
        .iconColor('red')
        .target(influx(s, a.anomalies, 'Anomalies')),
    )
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('News')
        .datasource(influxRef(s))
        .enable(true)
        .iconColor('blue')
        .target(influx(s, a.news, 'News')),
    );
}

export function coinQueries(s: GrafanaSettings) {
  const main = from(s.buckets.main).range();
  const rawB = from(s.buckets.raw).range();
  const week = raw('date.sub(d: 7d, from: v.timeRangeStop)');
  const widest = s.windows[s.windows.length - 1] ?? '24h';
  const topicSocial = (fields: Parameters<typeof combinedSocial>[0]['fields'], keepSource = false) =>
    combinedSocial({ bucket: s.buckets.main, fields, topic: eq('topic', topic), keepSource });
  const price = main
    .measurement('price')
    .filter(and(eq('symbol', coin), eq('quote', s.quote), eq('_field', 'price')))
    .group(['symbol']);
  return {
    lastPost: age(
      from(s.buckets.raw)
        .range(week)
        .measurement('post')
        .filter(and(eq('topic', topic), eq('_field', 'score'))),
    ).withImports('date'),
    lastPrice: age(
      from(s.buckets.main)
        .range(week)
        .measurement('price')
        .filter(and(eq('symbol', coin), eq('_field', 'price'))),
    ).withImports('date'),
    lastAnalytics: age(
      from(s.buckets.main)
        .range(week)
        .measurement('correlation')
        .filter(and(eq('symbol', coin), eq('topic', topic), eq('_field', 'r'))),
    ).withImports('date'),
    correlation: (window: string): FluxQuery =>
      main
        .measurement('correlation')
        .filter(
          and(
            eq('symbol', coin),
            eq('topic', topic),
            eq('signal', signal),
            eq('method', 'pearson'),
            eq('window', window),
            eq('_field', 'r'),
          ),
        )
        .last()
        .keep(['_time', '_value', 'window'])
        .rename({ _value: 'r' }),
    combined: {
      price: price.aggregateWindow('mean').keep(['_time', '_value']).rename({ _value: 'price' }),
      posts: topicSocial(['count']).keep(['_time', '_value']).rename({ _value: 'posts' }),
      sentiment: socialMeans(topicSocial(['count', 'score_sum', 'pos', 'neg']))
        .keep(['_time', 'mean'])
        .rename({ mean: 'sentiment' }),
    },
    priceByQuote: main
      .measurement('price')
      .filter(and(eq('symbol', coin), eq('_field', 'price')))
      .group(['quote'])
      .aggregateWindow('mean')
      .keep(['_time', '_value', 'quote'])
      .group()
      .add('pivot(rowKey: ["_time"], columnKey: ["quote"], valueColumn: "_value")'),
    volumeBySource: topicSocial(['count'], true).keep(['_time', '_value', 'source']),
    means: socialMeans(topicSocial(['count', 'score_sum', 'pos', 'neg'])).keep(['_time', 'mean', 'net']),
    sentimentSplit: topicSocial(['pos', 'neg', 'neu']).keep(['_time', '_value', '_field']),
    logReturn: price
      .aggregateWindow('last')
      .where('r._value > 0.0')
      .map('({_time: r._time, _value: math.log(x: r._value)})')
      .add('difference()', ['math'])
      .rename({ _value: 'log_return' }),
    methods: main
      .measurement('correlation')
      .filter(and(pair, eq('window', widest), eq('_field', 'r')))
      .group(['method'])
      .aggregateWindow('mean')
      .keep(['_time', '_value', 'method'])
      .group()
      .add('pivot(rowKey: ["_time"], columnKey: ["method"], valueColumn: "_value")'),
    lag: main
      .measurement('lag')
      .filter(pair)
      .fields('lag_seconds', 'r')
      .pivotFields()
      .sort(['_time'], true)
      .limit(1)
      .keep(['_time', 'lag_seconds', 'r']),
    // The latest run's curve with the latest lag run's significance band (±band, 95 %).
    xcorrBand: program(
      [
        [
          'curve',
          main
            .measurement('xcorr')
            .filter(and(pair, eq('_field', 'r')))
            .group(['lag_minutes'])
            .last()
            .group()
            .map('({k: 1, lag_minutes: int(v: r.lag_minutes), r: r._value})'),
        ],
        [
          'band',
          main
            .measurement('lag')
            .filter(and(pair, eq('_field', 'band')))
            .last()
            .group()
            .map('({k: 1, band: r._value})'),
        ],
      ],
      [
        'join(tables: {c: curve, b: band}, on: ["k"])',
        '  |> map(fn: (r) => ({lag_minutes: r.lag_minutes, r: r.r, band_high: r.band, band_low: -r.band}))',
        '  |> sort(columns: ["lag_minutes"])',
      ].join('\n'),
    ),
    // Streaming points carry a `kind` field, S-H-ESD points do not, and coin and topic anomalies have
    // different tags: merging such tables after a pivot misplaced values (influxd 2.7.12). So every
    // table is brought to one schema first (the same columns, _value as a string), merged, pivoted
    // once, and the numbers turned back into floats. `kind` is null for S-H-ESD points.
    anomalies: main
      .measurement('anomaly')
      .filter(or(tagIs('symbol', coin), tagIs('topic', topic)))
      .filter(oneOf('_field', ['value', 'expected', 'score', 'kind', 'text']))
      .map('({r with _value: string(v: r._value)})')
      .keep(['_time', '_field', '_value', 'series', 'direction', 'method'])
      .group()
      .add(
        'pivot(rowKey: ["_time", "series", "direction", "method"], columnKey: ["_field"], valueColumn: "_value")',
      )
      .map('({r with value: float(v: r.value), expected: float(v: r.expected), score: float(v: r.score)})')
      .sort(['_time'], true)
      .limit(100),
    news: rawB
      .measurement('news')
      .filter(eq('topic', topic))
      .fields('title', 'url')
      .pivotFields()
      .group()
      .keep(['_time', 'title', 'source', 'label', 'url'])
      .sort(['_time'], true)
      .limit(50),
    samplePosts: rawB
      .measurement('post')
      .filter(and(eq('topic', topic), eq('_field', 'text')))
      // One post per window period and source/label: a sample spread over the range, not only the newest.
      .window(V.window)
      .first()
      .group()
      .sort(['_time'], true)
      .limit(50)
      .keep(['_time', 'source', 'label', '_value'])
      .rename({ _value: 'text' }),
  };
}

const COLORS = { pos: 'green', neg: 'red', neu: 'gray' } as const;
const fixed = (color: string) => [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }];

export function coinDashboard(s: GrafanaSettings): dashboard.DashboardBuilder {
  const q = coinQueries(s);
  const b = withCoinAnnotations(
    s,
    baseDashboard({
      title: 'CryptoCrawler: Coin',
      uid: DASHBOARD_UIDS.coin,
      what: 'One coin and its topic: freshness, price beside post volume and sentiment, log return, correlation (Pearson and Spearman), cross-correlation with its significance band, anomalies and news.',
      tags: ['coin'],
      from: 'now-24h',
    })
      .withVariable(coinVariable(s))
      .withVariable(topicVariable(s))
      .withVariable(signalVariable()),
  );

  const freshness = (title: string, description: string, query: FluxQuery) =>
    new stat.PanelBuilder()
      .title(title)
      .description(description)
      .withTarget(influx(s, query))
      .height(4)
      .span(4)
      .unit('s')
      .decimals(0)
      .reduceOptions(
        new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields('/^age_s$/'),
      )
      .colorMode(common.BigValueColorMode.Value)
      .graphMode(common.BigValueGraphMode.None)
      .thresholds(
        new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
          { value: null, color: 'green' },
          { value: 600, color: 'orange' },
          { value: 3600, color: 'red' },
        ]),
      )
      .noValue('none in 7 days');
  b.withPanel(freshness('Last post', 'Seconds since the newest post of ${topic} (raw bucket).', q.lastPost));
  b.withPanel(freshness('Last price', 'Seconds since the newest price of ${coin}.', q.lastPrice));
  b.withPanel(
    freshness(
      'Last analytics run',
      'Seconds since the newest correlation result for ${coin} and ${topic}.',
      q.lastAnalytics,
    ),
  );
  for (const w of s.windows) {
    b.withPanel(
      new stat.PanelBuilder()
        .title(`r (${w})`)
        .description(`Latest Pearson correlation of \${signal} with the \${coin} log return over ${w}.`)
        .withTarget(influx(s, q.correlation(w)))
        .height(4)
        .span(Math.max(2, Math.floor(12 / s.windows.length)))
        .decimals(2)
        .min(-1)
        .max(1)
        .reduceOptions(
          new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields('/^r$/'),
        )
        .colorMode(common.BigValueColorMode.Value)
        .graphMode(common.BigValueGraphMode.None)
        .noValue('too few points'),
    );
  }

  b.withPanel(
    new timeseries.PanelBuilder()
      .title('${coin} price, posts about ${topic} and their sentiment')
      .description(
        `Mean price (${s.quote}, left axis), posts per window (bars, right) and mean sentiment (right, -1..1) on one time axis.`,
      )
      .withTarget(influx(s, q.combined.price, 'A'))
      .withTarget(influx(s, q.combined.posts, 'B'))
      .withTarget(influx(s, q.combined.sentiment, 'C'))
      .height(9)
      .span(24)
      .overrideByName('price', [
        { id: 'unit', value: currencyUnit(s.quote) },
        { id: 'custom.axisLabel', value: s.quote },
        { id: 'custom.lineWidth', value: 2 },
      ])
      .overrideByName('posts', [
        ...INTEGER,
        { id: 'unit', value: 'short' },
        { id: 'custom.drawStyle', value: 'bars' },
        { id: 'custom.fillOpacity', value: 40 },
        { id: 'custom.axisPlacement', value: 'right' },
        { id: 'custom.axisLabel', value: 'posts' },
      ])
      .overrideByName('sentiment', [
        { id: 'decimals', value: 2 },
        { id: 'min', value: -1 },
        { id: 'max', value: 1 },
        { id: 'custom.axisPlacement', value: 'right' },
        { id: 'custom.axisLabel', value: 'sentiment' },
      ]),
  );
  const priceQuote = new timeseries.PanelBuilder()
    .title('Price of ${coin} per quote currency')
    .description('Mean price per window; each quote currency on its own axis with its unit.')
    .withTarget(influx(s, q.priceByQuote))
    .height(8)
    .span(12)
    .lineWidth(1);
  CURRENCIES.forEach((c) =>
    priceQuote.overrideByName(c, [
      { id: 'unit', value: currencyUnit(c) },
      { id: 'custom.axisPlacement', value: c === s.quote ? 'left' : 'right' },
    ]),
  );
  b.withPanel(priceQuote);
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Posts about ${topic}, by source')
      .description('Posts per window from the social rollups, shards and replicas combined.')
      .withTarget(influx(s, q.volumeBySource))
      .height(8)
      .span(12)
      .unit('short')
      .decimals(0)
      .drawStyle(common.GraphDrawStyle.Bars)
      .fillOpacity(60)
      .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)),
  );
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Mean and net sentiment of ${topic}')
      .description('mean: score_sum / count; net: (pos - neg) / count, both from the combined rollups.')
      .withTarget(influx(s, q.means))
      .height(8)
      .span(12)
      .min(-1)
      .max(1)
      .decimals(2),
  );
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Sentiment of ${topic}: positive, negative, neutral')
      .description('Posts per label per window, stacked (fields pos, neg, neu of `social`).')
      .withTarget(influx(s, q.sentimentSplit))
      .height(8)
      .span(12)
      .unit('short')
      .decimals(0)
      .fillOpacity(50)
      .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
      .overrideByName('pos', fixed(COLORS.pos))
      .overrideByName('neg', fixed(COLORS.neg))
      .overrideByName('neu', fixed(COLORS.neu)),
  );
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Log return of ${coin}')
      .description(
        `ln(p_t / p_t-1) of the last ${s.quote} price per window: what the correlations pair with.`,
      )
      .withTarget(influx(s, q.logReturn))
      .height(8)
      .span(12)
      .decimals(4),
  );
  b.withPanel(
    new timeseries.PanelBuilder()
      .title(`Pearson and Spearman r over ${s.windows[s.windows.length - 1] ?? '24h'}`)
      .description(
        'Both correlation methods of ${signal} with the return: a gap between them points at outliers.',
      )
      .withTarget(influx(s, q.methods))
      .height(8)
      .span(12)
      .min(-1)
      .max(1)
      .decimals(2),
  );
  b.withPanel(
    new trend.PanelBuilder()
      .title('Cross-correlation by lag with its significance band (positive: social leads)')
      .description(
        'r of ${signal} against the ${coin} return per lag in minutes (latest run); outside ±band (95 %) is significant.',
      )
      .withTarget(influx(s, q.xcorrBand))
      .height(8)
      .span(12)
      .xField('lag_minutes')
      .min(-1)
      .max(1)
      .decimals(2)
      .overrideByName('r', [
        { id: 'custom.drawStyle', value: 'bars' },
        { id: 'custom.fillOpacity', value: 70 },
      ])
      .overrideByName('band_high', [
        ...fixed('orange'),
        { id: 'custom.lineStyle', value: { fill: 'dash', dash: [6, 4] } },
      ])
      .overrideByName('band_low', [
        ...fixed('orange'),
        { id: 'custom.lineStyle', value: { fill: 'dash', dash: [6, 4] } },
      ]),
  );
  b.withPanel(
    new stat.PanelBuilder()
      .title('Lag (positive: social leads)')
      .description('Latest lag of the strongest cross-correlation and its r (measurement `lag`).')
      .withTarget(influx(s, q.lag))
      .height(8)
      .span(12)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .textMode(common.BigValueTextMode.ValueAndName)
      .graphMode(common.BigValueGraphMode.None)
      .overrideByName('lag_seconds', [{ id: 'unit', value: 's' }])
      .overrideByName('r', [{ id: 'decimals', value: 2 }]),
  );
  b.withPanel(
    new table.PanelBuilder()
      .title('Anomalies of ${coin} and ${topic}')
      .description(
        'Newest 100: series, value against the expected value, score (robust z for S-H-ESD, 0..1 for streaming), kind and method.',
      )
      .withTarget(influx(s, q.anomalies))
      .height(8)
      .span(24)
      .cellHeight(common.TableCellHeight.Sm)
      .overrideByName('value', [{ id: 'decimals', value: 2 }])
      .overrideByName('expected', [{ id: 'decimals', value: 2 }])
      .overrideByName('score', [{ id: 'decimals', value: 2 }])
      .overrideByName('text', [{ id: 'custom.cellOptions', value: { type: 'auto', wrapText: true } }]),
  );
  b.withPanel(
    new table.PanelBuilder()
      .title('News about ${topic}')
      .description('Newest 50 headlines (raw bucket, `news`); the title opens the article.')
      .withTarget(influx(s, q.news))
      .height(10)
      .span(12)
      .overrideByName('title', [
        { id: 'links', value: [{ title: 'Open article', url: '${__data.fields.url}', targetBlank: true }] },
        { id: 'custom.cellOptions', value: { type: 'auto', wrapText: true } },
      ])
      .overrideByName('url', [{ id: 'custom.hidden', value: true }]),
  );
  b.withPanel(
    new table.PanelBuilder()
      .title('Sample posts about ${topic}')
      .description(
        'One post per window period, source and label across the range; newest 50 (raw bucket, `post`).',
      )
      .withTarget(influx(s, q.samplePosts))
      .height(10)
      .span(12)
      .overrideByName('text', [{ id: 'custom.cellOptions', value: { type: 'auto', wrapText: true } }]),
  );
  return b;
}
