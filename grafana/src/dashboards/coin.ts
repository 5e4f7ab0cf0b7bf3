// Overview: one coin and one topic side by side. Every panel reads rollups or analytics results
// (measurements written once a minute), never raw posts, except the sample-posts table, which is
// bounded by one post per window and a row limit; a 30-day range stays fast.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DASHBOARD_UIDS, baseDashboard, coinVariable, signalVariable, topicVariable } from '../common.ts';
import { V, and, eq, from, or, tagIs, variable, type FluxQuery } from '../flux.ts';
import type { GrafanaSettings } from '../settings.ts';
import { influx, influxRef } from '../targets.ts';

const coin = variable('coin');
const topic = variable('topic');
const signal = variable('signal');

export function overviewQueries(s: GrafanaSettings) {
  const main = from(s.buckets.main).range();
  const rawB = from(s.buckets.raw).range();
  return {
    price: main
      .measurement('price')
      .filter(and(eq('symbol', coin), eq('_field', 'price')))
      .group(['symbol', 'quote'])
      .aggregateWindow('mean'),
    volumeBySource: main
      .measurement('social')
      .filter(and(eq('topic', topic), eq('_field', 'count')))
      .group(['source'])
      .aggregateWindow('sum'),
    sentimentSplit: main
      .measurement('social')
      .filter(eq('topic', topic))
      .fields('pos', 'neg', 'neu')
      .group(['_field'])
      .aggregateWindow('sum'),
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
    lag: main
      .measurement('lag')
      .filter(and(eq('symbol', coin), eq('topic', topic), eq('signal', signal)))
      .fields('lag_seconds', 'r')
      .pivotFields()
      .sort(['_time'], true)
      .limit(1)
      .keep(['_time', 'lag_seconds', 'r']),
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
    anomalyAnnotations: main
      .measurement('anomaly')
      .filter(or(tagIs('symbol', coin), tagIs('topic', topic)))
      .fields('text', 'score')
      .pivotFields()
      .group()
      .keep(['_time', 'text', 'score', 'series', 'direction']),
    newsAnnotations: rawB
      .measurement('news')
      .filter(eq('topic', topic))
      .fields('title', 'url')
      .pivotFields()
      .group()
      .keep(['_time', 'title', 'url', 'label', 'source'])
      .rename({ title: 'text' }),
  };
}

export function overviewDashboard(s: GrafanaSettings): dashboard.DashboardBuilder {
  const q = overviewQueries(s);
  const b = baseDashboard({
    title: 'CryptoCrawler: Overview',
    uid: DASHBOARD_UIDS.overview,
    what: 'Price, post volume and sentiment of one coin and topic, the latest correlation and lag, anomalies and news.',
    tags: ['overview'],
    from: 'now-24h',
  })
    .withVariable(coinVariable(s))
    .withVariable(topicVariable(s))
    .withVariable(signalVariable())
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Anomalies')
        .datasource(influxRef(s))
        .enable(true)
        .iconColor('red')
        .target(influx(s, q.anomalyAnnotations, 'Anomalies')),
    )
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('News')
        .datasource(influxRef(s))
        .enable(true)
        .iconColor('blue')
        .target(influx(s, q.newsAnnotations, 'News')),
    );

  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Price of ${coin}')
      .description('Mean price per window, per quote currency (measurement `price`).')
      .withTarget(influx(s, q.price))
      .height(8)
      .span(12)
      .lineWidth(1)
      .fillOpacity(0),
  );
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Posts about ${topic}, by source')
      .description('Posts per window from the social rollups (measurement `social`, field `count`).')
      .withTarget(influx(s, q.volumeBySource))
      .height(8)
      .span(12)
      .unit('short')
      .drawStyle(common.GraphDrawStyle.Bars)
      .fillOpacity(60)
      .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)),
  );
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Sentiment of ${topic}: positive, negative, neutral')
      .description('Posts per label per window, stacked (fields pos, neg, neu of `social`).')
      .withTarget(influx(s, q.sentimentSplit))
      .height(8)
      .span(12)
      .fillOpacity(50)
      .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
      .overrideByName('pos', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'green' } }])
      .overrideByName('neg', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }])
      .overrideByName('neu', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'gray' } }]),
  );
  const statWidth = Math.max(2, Math.floor(8 / s.windows.length));
  for (const w of s.windows) {
    b.withPanel(
      new stat.PanelBuilder()
        .title(`r (${w})`)
        .description(`Latest Pearson correlation of \${signal} with the \${coin} log return over ${w}.`)
        .withTarget(influx(s, q.correlation(w)))
        .height(8)
        .span(statWidth)
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
    new stat.PanelBuilder()
      .title('Lag (positive: social leads)')
      .description('Latest lag of the strongest cross-correlation and its r (measurement `lag`).')
      .withTarget(influx(s, q.lag))
      .height(8)
      .span(24 - 12 - statWidth * s.windows.length > 0 ? 24 - 12 - statWidth * s.windows.length : 4)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .textMode(common.BigValueTextMode.ValueAndName)
      .graphMode(common.BigValueGraphMode.None)
      .overrideByName('lag_seconds', [{ id: 'unit', value: 's' }])
      .overrideByName('r', [{ id: 'decimals', value: 2 }]),
  );
  b.withPanel(
    new table.PanelBuilder()
      .title('Sample posts about ${topic}')
      .description(
        'One post per window period, source and label across the range; newest 50 (raw bucket, `post`).',
      )
      .withTarget(influx(s, q.samplePosts))
      .height(10)
      .span(24)
      .overrideByName('text', [{ id: 'custom.cellOptions', value: { type: 'auto', wrapText: true } }]),
  );
  return b;
}
