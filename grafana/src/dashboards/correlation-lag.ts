// Correlation & lag: the analytics results for one coin, topic and signal, with the coin's anomaly and
// news annotations. Reads only the measurements
// the analytics jobs write (correlation, xcorr, lag, granger), each a handful of points per run.
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  DASHBOARD_UIDS,
  INTEGER,
  baseDashboard,
  coinVariable,
  signalVariable,
  topicVariable,
} from '../common.ts';
import { withCoinAnnotations } from './coin.ts';
import { and, eq, from, variable, type FluxQuery } from '../flux.ts';
import type { GrafanaSettings } from '../settings.ts';
import { influx } from '../targets.ts';

const coin = variable('coin');
const topic = variable('topic');
const signal = variable('signal');
const pair = and(eq('symbol', coin), eq('topic', topic), eq('signal', signal));

export function correlationLagQueries(s: GrafanaSettings) {
  const main = from(s.buckets.main).range();
  return {
    rolling: (window: string): FluxQuery =>
      main
        .measurement('correlation')
        .filter(and(pair, eq('method', 'pearson'), eq('window', window)))
        .fields('r', 'ci_low', 'ci_high')
        .aggregateWindow('mean')
        .pivotFields()
        .keep(['_time', 'r', 'ci_low', 'ci_high']),
    latest: main
      .measurement('correlation')
      .filter(pair)
      .fields('r', 'n', 'p_value', 'ci_low', 'ci_high')
      .pivotFields()
      .sort(['_time'], true)
      .limit(1)
      .group()
      .keep(['_time', 'window', 'method', 'r', 'n', 'p_value', 'ci_low', 'ci_high'])
      .sort(['window', 'method']),
    // The latest run's curve: the newest r of every lag, ordered by lag (numeric, not text order).
    xcorr: main
      .measurement('xcorr')
      .filter(and(pair, eq('_field', 'r')))
      .group(['lag_minutes'])
      .last()
      .group()
      .map('({lag: int(v: r.lag_minutes), r: r._value})')
      .sort(['lag'])
      .map('({lag_minutes: string(v: r.lag), r: r.r})'),
    lag: main
      .measurement('lag')
      .filter(pair)
      .fields('lag_seconds', 'r')
      .aggregateWindow('mean')
      .pivotFields()
      .keep(['_time', 'lag_seconds', 'r']),
    granger: main
      .measurement('granger')
      .filter(pair)
      .fields('f', 'p_value', 'df_num', 'df_den', 'lags', 'significant')
      .pivotFields()
      .sort(['_time'], true)
      .limit(1)
      .group()
      .keep(['_time', 'direction', 'f', 'p_value', 'df_num', 'df_den', 'lags', 'significant']),
  };
}

export function correlationLagDashboard(s: GrafanaSettings): dashboard.DashboardBuilder {
  const q = correlationLagQueries(s);
  const b = withCoinAnnotations(
    s,
    baseDashboard({
      title: 'CryptoCrawler: Correlation & lag',
      uid: DASHBOARD_UIDS.correlationLag,
      what: 'Rolling correlation with its 95% confidence band, the cross-correlation curve, lag over time and Granger tests.',
      tags: ['analytics'],
      from: 'now-7d',
    })
      .withVariable(coinVariable(s))
      .withVariable(topicVariable(s))
      .withVariable(signalVariable()),
  );

  for (const w of s.windows) {
    b.withPanel(
      new timeseries.PanelBuilder()
        .title(`Rolling r over ${w}: \${signal} vs \${coin} return`)
        .description(`Pearson r over ${w} windows with its 95% confidence interval (ci_low..ci_high).`)
        .withTarget(influx(s, q.rolling(w)))
        .height(8)
        .span(s.windows.length === 1 ? 24 : s.windows.length === 2 ? 12 : 8)
        .min(-1)
        .max(1)
        .decimals(2)
        .overrideByName('ci_high', [
          { id: 'custom.fillBelowTo', value: 'ci_low' },
          { id: 'custom.lineWidth', value: 0 },
          { id: 'custom.fillOpacity', value: 20 },
        ])
        .overrideByName('ci_low', [{ id: 'custom.lineWidth', value: 0 }]),
    );
  }
  b.withPanel(
    new barchart.PanelBuilder()
      .title('Cross-correlation by lag (latest run; positive: social leads)')
      .description(
        'r of ${signal} against the ${coin} return for every lag in minutes (measurement `xcorr`).',
      )
      .withTarget(influx(s, q.xcorr))
      .height(9)
      .span(12)
      .xField('lag_minutes')
      .min(-1)
      .max(1)
      .decimals(2)
      .xTickLabelSpacing(100),
  );
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Lag over time')
      .description('Lag of the strongest cross-correlation (seconds; left) and its r (right).')
      .withTarget(influx(s, q.lag))
      .height(9)
      .span(12)
      .overrideByName('lag_seconds', [{ id: 'unit', value: 's' }])
      .overrideByName('r', [
        { id: 'custom.axisPlacement', value: 'right' },
        { id: 'decimals', value: 2 },
      ]),
  );
  b.withPanel(
    new table.PanelBuilder()
      .title('Latest correlation per window and method')
      .description('n is the number of aligned points; no row for a window with too few points.')
      .withTarget(influx(s, q.latest))
      .height(8)
      .span(12)
      .decimals(3)
      .overrideByName('n', INTEGER),
  );
  b.withPanel(
    new table.PanelBuilder()
      .title('Granger causality (latest test per direction)')
      .description('F test of whether one series helps predict the other; significant at p < 0.05.')
      .withTarget(influx(s, q.granger))
      .height(8)
      .span(12)
      .decimals(4)
      .cellHeight(common.TableCellHeight.Sm)
      .overrideByName('df_num', INTEGER)
      .overrideByName('df_den', INTEGER)
      .overrideByName('lags', INTEGER),
  );
  return b;
}
