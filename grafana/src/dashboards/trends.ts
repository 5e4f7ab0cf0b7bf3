// Trends: what the crowd is talking about. The latest trending terms of a topic, the emerging terms
// (also as annotations), each coin's share of voice over time, and the themes of the recent posts.
// Reads only the measurements the collector's trends hook writes (collectors/social/trends/lines.ts):
// trend, emerging_term, share_of_voice and theme, a few dozen points per topic and interval.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DEFAULT_TREND_INTERVALS, DEFAULT_TREND_TOP } from '../../../collectors/social/trends/config.ts';
import { DASHBOARD_UIDS, baseDashboard } from '../common.ts';
import { and, eq, from, raw, tagValues, variable, type FluxQuery } from '../flux.ts';
import type { GrafanaSettings } from '../settings.ts';
import { influx, influxRef } from '../targets.ts';

export const TRENDS_DASHBOARD_UID = DASHBOARD_UIDS.trends;
export const TRENDS_DASHBOARD_FILE = 'grafana/dashboards/trends.json';
/** Rows of the emerging-terms and themes tables (the newest first). */
export const EMERGING_ROWS = 50;
export const THEME_ROWS = 20;
/** The panel the emerging-term alert links to (alerts-trends.ts). */
export const EMERGING_PANEL_TITLE = 'Emerging terms (every ${interval}, all topics)';

const topic = variable('topic');
const interval = variable('interval');

/** Newest interval first, then rank 1..N: rank is a tag (text), so it is made a number to sort on. */
const NEWEST_THEN_RANK =
  '({r with rank: int(v: r.rank), order: -(int(v: r._time) / 1000000000) * 1000 + int(v: r.rank)})';

export function trendsQueries(s: GrafanaSettings) {
  const main = from(s.buckets.main).range();
  return {
    // One interval's top N is N rows: the newest N rows are the latest ranking (older rows show their time).
    trending: main
      .measurement('trend')
      .filter(and(eq('topic', topic), eq('interval', interval)))
      .pivotFields()
      .group()
      .map(NEWEST_THEN_RANK)
      .sort(['order'])
      .limit(DEFAULT_TREND_TOP)
      .keep(['_time', 'rank', 'term', 'count', 'baseline_count', 'score', 'emerging']),
    emerging: main
      .measurement('emerging_term')
      .filter(eq('interval', interval))
      .pivotFields()
      .group()
      .sort(['_time'], true)
      .limit(EMERGING_ROWS)
      .keep(['_time', 'topic', 'term', 'count', 'baseline_count', 'score']),
    emergingAnnotation: main
      .measurement('emerging_term')
      .filter(and(eq('topic', topic), eq('interval', interval)))
      .pivotFields()
      .group()
      .map('({r with text: "new term " + r.term + " (" + string(v: r.count) + " posts)"})')
      .keep(['_time', 'text', 'term', 'count', 'topic']),
    share: main
      .measurement('share_of_voice')
      .filter(and(eq('interval', interval), eq('_field', 'share')))
      .group(['symbol'])
      .aggregateWindow('mean')
      .keep(['_time', '_value', 'symbol']),
    themes: main
      .measurement('theme')
      .filter(eq('topic', topic))
      .pivotFields()
      .group()
      .map(
        '({r with theme: int(v: r.theme), order: -(int(v: r._time) / 1000000000) * 1000 + int(v: r.theme)})',
      )
      .sort(['order'])
      .limit(THEME_ROWS)
      .keep(['_time', 'theme', 'terms', 'share', 'coherence', 'posts']),
  };
}

function topicVariable(s: GrafanaSettings): dashboard.QueryVariableBuilder {
  const q = String(
    tagValues({ bucket: s.buckets.main, measurement: 'trend', tag: 'topic', start: raw(s.variableLookback) }),
  );
  return new dashboard.QueryVariableBuilder('topic')
    .label('Topic')
    .description('Topic with trend points (tag `topic` of measurement `trend`)')
    .datasource(influxRef(s))
    .query(q)
    .definition(q)
    .current({ selected: true, text: s.defaults.topic, value: s.defaults.topic })
    .refresh(dashboard.VariableRefresh.OnDashboardLoad)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(false)
    .includeAll(false)
    .allowCustomValue(false);
}

function intervalVariable(): dashboard.CustomVariableBuilder {
  const first = DEFAULT_TREND_INTERVALS[0]!;
  return new dashboard.CustomVariableBuilder('interval')
    .label('Interval')
    .description('Trend interval (config trends.intervals; tag `interval`)')
    .values(DEFAULT_TREND_INTERVALS.join(','))
    .current({ selected: true, text: first, value: first })
    .multi(false)
    .includeAll(false)
    .allowCustomValue(false);
}

function tablePanel(
  s: GrafanaSettings,
  title: string,
  description: string,
  q: FluxQuery,
  span: number,
): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(title)
    .description(description)
    .withTarget(influx(s, q))
    .height(10)
    .span(span);
}

export function trendsDashboard(s: GrafanaSettings): dashboard.DashboardBuilder {
  const q = trendsQueries(s);
  const b = baseDashboard({
    title: 'CryptoCrawler: Trends',
    uid: TRENDS_DASHBOARD_UID,
    what:
      'Trending terms per topic (G^2 against a trailing 7-day baseline), emerging terms, themes of the recent ' +
      'posts and each coin share of voice. See docs/trends.md.',
    tags: ['trends'],
    from: 'now-24h',
  })
    .withVariable(topicVariable(s))
    .withVariable(intervalVariable())
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Emerging terms')
        .datasource(influxRef(s))
        .enable(true)
        .iconColor('orange')
        .target(influx(s, q.emergingAnnotation, 'Emerging')),
    );
  b.withPanel(
    tablePanel(
      s,
      'Trending terms in ${topic} (every ${interval}, newest first)',
      'The top terms of the latest ${interval} interval by score (signed G^2 of the share of posts against the ' +
        'trailing baseline); baseline_count is what the baseline predicts for the interval; emerging: a term the ' +
        'baseline barely knows.',
      q.trending,
      12,
    ),
  );
  b.withPanel(
    tablePanel(
      s,
      EMERGING_PANEL_TITLE,
      'Terms rarely or never seen before that jumped, newest first; each raised the emerging-term alert once.',
      q.emerging,
      12,
    ),
  );
  b.withPanel(
    new timeseries.PanelBuilder()
      .title('Share of voice (every ${interval})')
      .description("Each coin's share of the posts of all coin topics (measurement `share_of_voice`).")
      .withTarget(influx(s, q.share))
      .height(9)
      .span(12)
      .unit('percentunit')
      .min(0)
      .max(1)
      .decimals(2),
  );
  b.withPanel(
    tablePanel(
      s,
      'Themes of ${topic} (newest first)',
      'NMF themes of the recent posts, each named by its top terms, with its share of posts and its NPMI ' +
        'coherence on held-back posts (-1..1; above 0.1 reads as a real theme).',
      q.themes,
      12,
    ),
  );
  return b;
}
