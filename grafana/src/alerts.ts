// Alert rules as code. Each rule is one query (Flux or PromQL) reduced to a number per series and
// compared with a threshold. The SDK's alerting builders produce the HTTP API shape (folderUID,
// orgID, ruleGroup, interval in seconds); Grafana's file provisioning wants another shape (groups
// with orgId/name/folder/interval, rules with data[].model), so toFileRule converts.
import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as expr from '@grafana/grafana-foundation-sdk/expr';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { and, eq, from } from './flux.ts';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DASHBOARD_UIDS } from './common.ts';
import { DEFAULT_RUNBOOK_BASE_URL, type GrafanaSettings } from './settings.ts';
import { InfluxQueryBuilder, promRef } from './targets.ts';
import { trendAlertSpecs } from './alerts-trends.ts';

export type ThresholdOp = 'gt' | 'lt';

export interface AlertSpec {
  uid: string;
  title: string;
  /** Anchor in docs/runbook.md. */
  anchor: string;
  /** The panel that shows what the rule watches (rule fields dashboardUid and panelId). */
  panel?: { dashboard: keyof typeof DASHBOARD_UIDS; title: string };
  /** First things to check, shown on the Runbook dashboard (docs/runbook.md has the full section). */
  check?: string[];
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
/**
 * An episode: the rule fires while a streaming anomaly point of the series is younger than this, so
 * it fires once when the first flag of an episode lands and resolves this long after the last one
 * (the detector stays quiet for 100 buckets after a flag). The policy's repeat interval is longer
 * than any episode, so one episode is one notification (and one "resolved").
 */
export const ANOMALY_LOOKBACK_SECONDS = 900;
/** Labels an anomaly alert instance carries: one instance, and one notification group, per series. */
export const ANOMALY_LABELS = ['series', 'symbol', 'topic'] as const;
export const ANOMALY_ALERT_TITLE = 'Streaming anomaly';

export function alertSpecs(s: GrafanaSettings): AlertSpec[] {
  const P = 'cryptocrawler_';
  const collectorUp = `up{job="${s.jobs.collector}"}`;
  return [
    {
      uid: 'cryptocrawler-streaming-anomaly',
      title: ANOMALY_ALERT_TITLE,
      anchor: 'streaming-anomaly',
      panel: { dashboard: 'coin', title: 'Anomalies of ${coin} and ${topic}' },
      check: [
        "Read `kind` and `text` in the Coin dashboard's anomaly table: spike/dip is one odd bucket, level_shift a lasting change, flatline often a dead feed.",
        'Compare with the news annotations and, a few minutes later, the S-H-ESD points (method shesd).',
        'Flags on every series at once: suspect the input (collector restart, new source), not the market.',
      ],
      lang: 'flux',
      // One series per anomalous series/coin/topic, counting the streaming flags of the last 15 min.
      query: String(
        from(s.buckets.main)
          .range()
          .filter(and(eq('_measurement', 'anomaly'), eq('method', 'streaming'), eq('_field', 'score')))
          .group([...ANOMALY_LABELS])
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
      summary: 'Anomaly in {{ $labels.series }} {{ $labels.symbol }}{{ $labels.topic }}',
      description:
        'The streaming detector flagged {{ $values.B }} bucket(s) of this series in the last 15 minutes. ' +
        'The Coin dashboard lists each flag with its kind, value, expected value and text.',
    },
    {
      uid: 'cryptocrawler-collector-down',
      title: 'Collector down',
      anchor: 'collector-down',
      panel: { dashboard: 'collectorHealth', title: 'Services up' },
      check: [
        '`docker compose ps collector` and `docker compose logs --tail 100 collector`: a config error names the key.',
        '`/healthz` and `/readyz` of the collector (port 9464) answer whether the process runs and why it is not ready.',
        "Process up but no target: job `collector` in prometheus/prometheus.yml and Prometheus' Targets page.",
      ],
      lang: 'promql',
      // 1 when the collector is down or Prometheus has no target for it at all, else 0. `by (job)`
      // keeps the job label (plain max() drops it); absent() takes it from the equality matcher.
      query: `(1 - max by (job) (${collectorUp})) or absent(${collectorUp})`,
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
      panel: { dashboard: 'collectorHealth', title: 'Age of the last event' },
      check: [
        'Stream reconnects and drops by reason on Collector health: auth, rate limit or network?',
        "The source's credentials and quota (X bearer token, Bluesky Jetstream URL) in the collector log.",
      ],
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
      panel: { dashboard: 'collectorHealth', title: 'Write errors' },
      check: [
        'The error class on Write errors: 401/403 is the token, 5xx or network is InfluxDB itself.',
        '`docker compose ps influxdb` and its log; the write buffer depth shows how full memory and spool are.',
      ],
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
      panel: { dashboard: 'collectorHealth', title: 'Analytics: age of last success and skipped windows' },
      check: [
        '`docker compose logs --tail 100 analytics`: failed runs name the job and the error.',
        'Skipped windows by reason: too few points usually means the collector stored too little data.',
      ],
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
      runbook_url: runbookUrl(s, spec),
    });
}

/**
 * The runbook link of a rule: the rule's panel on the Runbook dashboard Grafana serves (default,
 * works offline), or `<GRAFANA_RUNBOOK_BASE_URL>#<anchor>` into a published docs/runbook.md.
 */
export function runbookUrl(s: GrafanaSettings, spec: AlertSpec): string {
  if (s.runbookBaseUrl !== DEFAULT_RUNBOOK_BASE_URL) return `${s.runbookBaseUrl}#${spec.anchor}`;
  const i = allAlertSpecs(s).findIndex((a) => a.uid === spec.uid);
  return i < 0 ? s.runbookBaseUrl : `${s.runbookBaseUrl}?viewPanel=panel-${i + 1}`;
}

/** Where a rule's panel is: dashboard uid and the panel id generate.ts stamps. */
export function panelRef(
  dashboards: Partial<Record<string, dashboard.Dashboard>>,
  spec: AlertSpec,
): { dashboardUid: string; panelId: number } | undefined {
  if (!spec.panel) return undefined;
  const d = dashboards[spec.panel.dashboard];
  const p = d?.panels?.find((x) => (x as dashboard.Panel).title === spec.panel!.title);
  if (!d?.uid || p?.id === undefined)
    throw new Error(
      `alert "${spec.title}": no panel "${spec.panel.title}" on dashboard ${spec.panel.dashboard}`,
    );
  return { dashboardUid: d.uid, panelId: p.id };
}

/** The file-provisioning shape of one rule (Grafana's AlertRuleV1). */
export function toFileRule(
  r: alerting.Rule,
  ref?: { dashboardUid: string; panelId: number },
): Record<string, unknown> {
  if (!r.uid) throw new Error(`alert rule "${r.title}" has no uid`);
  return {
    uid: r.uid,
    title: r.title,
    condition: r.condition,
    ...(ref ?? {}),
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

/** Every alert rule, gathered: one line per alert file. */
export function allAlertSpecs(s: GrafanaSettings): AlertSpec[] {
  return [...alertSpecs(s), ...trendAlertSpecs(s)];
}

export function alertRulesFile(
  s: GrafanaSettings,
  dashboards: Partial<Record<string, dashboard.Dashboard>> = {},
): Record<string, unknown> {
  const rules = allAlertSpecs(s).map((spec) =>
    toFileRule(ruleBuilder(s, spec).build(), panelRef(dashboards, spec)),
  );
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
