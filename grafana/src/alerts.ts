// Alert rules as code. Each rule is one query (Flux or PromQL) reduced to a number per series and
// compared with a threshold. The SDK's alerting builders produce the HTTP API shape (folderUID,
// orgID, ruleGroup, interval in seconds); Grafana's file provisioning wants another shape (groups
// with orgId/name/folder/interval, rules with data[].model), so toFileRule converts.
import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as expr from '@grafana/grafana-foundation-sdk/expr';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { and, eq, from } from './flux.ts';
import type { GrafanaSettings } from './settings.ts';
import { InfluxQueryBuilder, promRef } from './targets.ts';

export type ThresholdOp = 'gt' | 'lt';

export interface AlertSpec {
  uid: string;
  title: string;
  /** Anchor in docs/runbook.md. */
  anchor: string;
  lang: 'flux' | 'promql';
  query: string;
  /** Seconds of history the query sees (relativeTimeRange.from). */
  lookbackSeconds: number;
  threshold: { op: ThresholdOp; value: number };
  for: string;
  noDataState: 'OK' | 'Alerting' | 'NoData' | 'KeepLast';
  execErrState: 'OK' | 'Alerting' | 'Error' | 'KeepLast';
  severity: 'critical' | 'warning' | 'info';
  summary: string;
  description: string;
}

export const ALERT_GROUP = { name: 'cryptocrawler', interval: '1m', orgId: 1 } as const;
export const ANOMALY_LOOKBACK_SECONDS = 600;

export function alertSpecs(s: GrafanaSettings): AlertSpec[] {
  const P = 'cryptocrawler_';
  const collectorUp = `up{job="${s.jobs.collector}"}`;
  return [
    {
      uid: 'cryptocrawler-anomaly-detected',
      title: 'Anomaly detected',
      anchor: 'anomaly-detected',
      lang: 'flux',
      // One series per anomalous series/coin/topic/direction, counting the anomalies of the last 10 min.
      query: String(
        from(s.buckets.main)
          .range()
          .filter(and(eq('_measurement', 'anomaly'), eq('_field', 'score')))
          .group(['series', 'symbol', 'topic', 'direction'])
          .count()
          .duplicate('_stop', '_time'),
      ),
      lookbackSeconds: ANOMALY_LOOKBACK_SECONDS,
      threshold: { op: 'gt', value: 0 },
      for: '0s',
      // No anomaly points means nothing unusual: that is the normal state.
      noDataState: 'OK',
      execErrState: 'Error',
      severity: 'warning',
      summary:
        'Anomaly in {{ $labels.series }} ({{ $labels.direction }}) {{ $labels.symbol }} {{ $labels.topic }}',
      description:
        'The seasonal hybrid ESD job flagged {{ $values.B }} point(s) in the last 10 minutes as unusual. ' +
        'See the Overview dashboard annotations for the value, the expected value and the text.',
    },
    {
      uid: 'cryptocrawler-collector-down',
      title: 'Collector down',
      anchor: 'collector-down',
      lang: 'promql',
      // 1 when the collector is down or Prometheus has no target for it at all, else 0.
      query: `(1 - max(${collectorUp})) or absent(${collectorUp})`,
      lookbackSeconds: 300,
      threshold: { op: 'gt', value: 0 },
      for: '2m',
      noDataState: 'Alerting',
      execErrState: 'Error',
      severity: 'critical',
      summary: 'The collector is down or not scraped',
      description:
        'Prometheus cannot scrape the collector (job {{ $labels.job }}) for 2 minutes: no posts, prices or news are stored.',
    },
    {
      uid: 'cryptocrawler-stream-silent',
      title: 'Stream silent',
      anchor: 'stream-silent',
      lang: 'promql',
      query:
        `time() - max by (source) (${P}stream_last_event_timestamp_seconds` +
        ` or ${P}last_post_timestamp_seconds)`,
      lookbackSeconds: 300,
      threshold: { op: 'gt', value: s.thresholds.streamSilentSeconds },
      for: '5m',
      noDataState: 'OK',
      execErrState: 'Error',
      severity: 'warning',
      summary: 'Source {{ $labels.source }} silent for {{ humanizeDuration $values.B.Value }}',
      description: `No stream event or post from {{ $labels.source }} for more than ${s.thresholds.streamSilentSeconds} s.`,
    },
    {
      uid: 'cryptocrawler-writes-failing',
      title: 'Writes failing',
      anchor: 'writes-failing',
      lang: 'promql',
      query: `sum by (service) (rate(${P}write_errors_total[5m]))`,
      lookbackSeconds: 600,
      threshold: { op: 'gt', value: 0 },
      for: '5m',
      noDataState: 'OK',
      execErrState: 'Error',
      severity: 'critical',
      summary: 'Writes to InfluxDB failing in {{ $labels.service }}',
      description:
        '{{ $labels.service }} has had failed InfluxDB write requests for 5 minutes; points wait in memory ' +
        'and then in the disk spool, which is bounded.',
    },
    {
      uid: 'cryptocrawler-analytics-stale',
      title: 'Analytics stale',
      anchor: 'analytics-stale',
      lang: 'promql',
      query: `time() - max by (job) (${P}analytics_last_success_timestamp_seconds)`,
      lookbackSeconds: 300,
      threshold: { op: 'gt', value: s.thresholds.analyticsStaleSeconds },
      for: '5m',
      // No series means the analytics service never reported: say so instead of calling it OK.
      noDataState: 'NoData',
      execErrState: 'Error',
      severity: 'warning',
      summary: 'Analytics job {{ $labels.job }} has not succeeded for a while',
      description: `The last successful run of {{ $labels.job }} is more than ${s.thresholds.analyticsStaleSeconds} s old; correlation, lag or anomaly results are out of date.`,
    },
  ];
}

/** Whether a reduced value crosses the threshold: what Grafana's threshold expression decides. */
export function fires(spec: AlertSpec, value: number): boolean {
  return spec.threshold.op === 'gt' ? value > spec.threshold.value : value < spec.threshold.value;
}

class ModelBuilder implements cog.Builder<cog.Dataquery> {
  constructor(private readonly model: cog.Dataquery) {}
  build(): cog.Dataquery {
    return this.model;
  }
}

const EXPR_DS = { type: '__expr__', uid: '__expr__' };

export function ruleBuilder(s: GrafanaSettings, spec: AlertSpec): alerting.RuleBuilder {
  const query =
    spec.lang === 'flux'
      ? new alerting.QueryBuilder('A')
          .datasourceUid(s.datasources.influx.uid)
          .relativeTimeRange({ from: spec.lookbackSeconds, to: 0 })
          .model(new InfluxQueryBuilder(s.datasources.influx.uid, spec.query, 'A'))
      : new alerting.QueryBuilder('A')
          .datasourceUid(s.datasources.prometheus.uid)
          .relativeTimeRange({ from: spec.lookbackSeconds, to: 0 })
          .model(
            new prometheus.DataqueryBuilder().datasource(promRef(s)).expr(spec.query).instant().refId('A'),
          );
  const reduce = new expr.TypeReduceBuilder()
    .refId('B')
    .datasource(EXPR_DS)
    .expression('A')
    .reducer('last')
    .settings({ mode: 'dropNN' });
  const threshold = new expr.TypeThresholdBuilder()
    .refId('C')
    .datasource(EXPR_DS)
    .expression('B')
    .conditions([{ evaluator: { type: spec.threshold.op, params: [spec.threshold.value] } }]);
  return new alerting.RuleBuilder(spec.title)
    .uid(spec.uid)
    .ruleGroup(ALERT_GROUP.name)
    .folderUID(s.folder.uid)
    .orgID(ALERT_GROUP.orgId)
    .condition('C')
    .withQuery(query)
    .withQuery(
      new alerting.QueryBuilder('B').datasourceUid('__expr__').model(new ModelBuilder(reduce.build())),
    )
    .withQuery(
      new alerting.QueryBuilder('C').datasourceUid('__expr__').model(new ModelBuilder(threshold.build())),
    )
    .forDuration(spec.for)
    .noDataState(spec.noDataState)
    .execErrState(spec.execErrState)
    .labels({ severity: spec.severity, service: 'cryptocrawler' })
    .annotations({
      summary: spec.summary,
      description: spec.description,
      runbook_url: `${s.runbookBaseUrl}#${spec.anchor}`,
    });
}

/** The file-provisioning shape of one rule (Grafana's AlertRuleV1). */
export function toFileRule(r: alerting.Rule): Record<string, unknown> {
  if (!r.uid) throw new Error(`alert rule "${r.title}" has no uid`);
  return {
    uid: r.uid,
    title: r.title,
    condition: r.condition,
    data: r.data.map((q) => ({
      refId: q.refId,
      ...(q.relativeTimeRange
        ? { relativeTimeRange: q.relativeTimeRange }
        : { relativeTimeRange: { from: 0, to: 0 } }),
      datasourceUid: q.datasourceUid,
      model: { ...q.model, refId: q.refId },
    })),
    noDataState: r.noDataState,
    execErrState: r.execErrState,
    for: r.for,
    annotations: r.annotations,
    labels: r.labels,
    isPaused: r.isPaused ?? false,
  };
}

export function alertRulesFile(s: GrafanaSettings): Record<string, unknown> {
  const rules = alertSpecs(s).map((spec) => toFileRule(ruleBuilder(s, spec).build()));
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: ALERT_GROUP.orgId,
        name: ALERT_GROUP.name,
        folder: s.folder.title,
        interval: ALERT_GROUP.interval,
        rules,
      },
    ],
  };
}
