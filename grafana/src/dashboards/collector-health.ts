// Collector health: what Prometheus scrapes from the collector and analytics services. Every series
// carries a `service` label; the scrape config sets honor_labels so the analytics metrics' own `job`
// label (the analytics job name) is kept instead of being renamed to exported_job.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DASHBOARD_UIDS, baseDashboard } from '../common.ts';
import type { GrafanaSettings } from '../settings.ts';
import { prom } from '../targets.ts';

const P = 'cryptocrawler_';
/** Grafana's rate window: at least four scrape intervals, whatever the dashboard resolution. */
const RI = '$__rate_interval';

/**
 * Units of the per-second rates: what is counted, not "requests" (Grafana's reqps) except for the
 * failed write requests, which are requests.
 */
export const UNITS = {
  posts: 'suffix: posts/s',
  points: 'suffix: points/s',
  items: 'suffix: /s',
  reconnects: 'suffix: reconnects/s',
  windows: 'suffix: windows/s',
  requests: 'reqps',
} as const;

export interface HealthPanel {
  title: string;
  description: string;
  unit: string;
  exprs: { expr: string; legend: string }[];
  kind?: 'stat';
}

export function healthPanels(s: GrafanaSettings): HealthPanel[] {
  const jobs = `${s.jobs.collector}|${s.jobs.analytics}`;
  return [
    {
      title: 'Services up',
      description: 'Whether Prometheus reaches each service (1 up, 0 down).',
      unit: 'none',
      kind: 'stat',
      exprs: [{ expr: `up{job=~"${jobs}"}`, legend: '{{job}}' }],
    },
    {
      title: 'Ingest rate',
      description: 'Posts accepted per second, by source.',
      unit: UNITS.posts,
      exprs: [{ expr: `sum by (source) (rate(${P}posts_received_total[${RI}]))`, legend: '{{source}}' }],
    },
    {
      title: 'Points written',
      description: 'Points confirmed written to InfluxDB per second, by bucket.',
      unit: UNITS.points,
      exprs: [{ expr: `sum by (bucket) (rate(${P}points_written_total[${RI}]))`, legend: '{{bucket}}' }],
    },
    {
      title: 'Drops by reason',
      description: 'Posts not stored (per source and reason) and points given up by the writer (per reason).',
      unit: UNITS.items,
      exprs: [
        {
          expr: `sum by (source, reason) (rate(${P}posts_dropped_total[${RI}]))`,
          legend: 'post {{source}}: {{reason}}',
        },
        { expr: `sum by (reason) (rate(${P}points_dropped_total[${RI}]))`, legend: 'point: {{reason}}' },
      ],
    },
    {
      title: 'Stream reconnects',
      description:
        'Reconnects per second of the streaming sources: all of them (0 while none runs, e.g. with only the ' +
        'simulate, replay or polling sources), and by source and reason.',
      unit: UNITS.reconnects,
      exprs: [
        // The family exists only once a stream source runs: `or on() vector(0)` keeps the total at 0
        // without one, and stays out of the way (on() matches any left-hand series) when one runs.
        { expr: `sum(rate(${P}stream_reconnects_total[${RI}])) or on() vector(0)`, legend: 'all streams' },
        {
          expr: `sum by (source, reason) (rate(${P}stream_reconnects_total[${RI}]))`,
          legend: '{{source}}: {{reason}}',
        },
      ],
    },
    {
      title: 'Write errors',
      description: 'Failed write requests per second, by service and error class.',
      unit: UNITS.requests,
      exprs: [
        {
          expr: `sum by (service, class) (rate(${P}write_errors_total[${RI}]))`,
          legend: '{{service}} {{class}}',
        },
      ],
    },
    {
      title: 'Write buffer depth',
      description: 'Lines accepted but not yet written, by service and where they wait (memory, spool).',
      unit: 'short',
      exprs: [{ expr: `sum by (service, where) (${P}write_buffer_lines)`, legend: '{{service}} {{where}}' }],
    },
    {
      title: 'Age of the last event',
      description: 'Seconds since each source last delivered a stream event or a post.',
      unit: 's',
      exprs: [
        {
          expr: `time() - max by (source) (${P}stream_last_event_timestamp_seconds)`,
          legend: 'event {{source}}',
        },
        { expr: `time() - max by (source) (${P}last_post_timestamp_seconds)`, legend: 'post {{source}}' },
      ],
    },
    {
      title: 'Analytics job duration (p95)',
      description: '95th percentile run time of each analytics job.',
      unit: 's',
      exprs: [
        {
          expr: `histogram_quantile(0.95, sum by (job, le) (rate(${P}analytics_job_duration_seconds_bucket[${RI}])))`,
          legend: '{{job}}',
        },
      ],
    },
    {
      title: 'Analytics: age of last success and skipped windows',
      description:
        'Seconds since each job last succeeded; windows skipped per second by reason (right axis).',
      unit: 's',
      exprs: [
        {
          expr: `time() - max by (job) (${P}analytics_last_success_timestamp_seconds)`,
          legend: 'age {{job}}',
        },
        {
          expr: `sum by (job, reason) (rate(${P}analytics_windows_skipped_total[${RI}]))`,
          legend: 'skipped {{job}}: {{reason}}',
        },
      ],
    },
  ];
}

export function collectorHealthDashboard(s: GrafanaSettings): dashboard.DashboardBuilder {
  const b = baseDashboard({
    title: 'CryptoCrawler: Collector health',
    uid: DASHBOARD_UIDS.collectorHealth,
    what: 'Ingest, drops, reconnects, write errors, buffers and analytics jobs, from Prometheus.',
    tags: ['health'],
    from: 'now-6h',
  });
  for (const p of healthPanels(s)) {
    const targets = p.exprs.map((e, i) => prom(s, e.expr, e.legend, String.fromCharCode(65 + i)));
    if (p.kind === 'stat') {
      b.withPanel(
        new stat.PanelBuilder()
          .title(p.title)
          .description(p.description)
          .targets(targets)
          .height(6)
          .span(24)
          .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
          .colorMode(common.BigValueColorMode.Background)
          .graphMode(common.BigValueGraphMode.None)
          .mappings([
            {
              type: dashboard.MappingType.ValueToText,
              options: { '0': { text: 'down', color: 'red' }, '1': { text: 'up', color: 'green' } },
            },
          ]),
      );
      continue;
    }
    const panel = new timeseries.PanelBuilder()
      .title(p.title)
      .description(p.description)
      .targets(targets)
      .height(8)
      .span(12)
      .unit(p.unit);
    if (p.title.startsWith('Analytics: age'))
      panel.overrideByRegexp('^skipped', [
        { id: 'unit', value: UNITS.windows },
        { id: 'custom.axisPlacement', value: 'right' },
      ]);
    b.withPanel(panel);
  }
  return b;
}
