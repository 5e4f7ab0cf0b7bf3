// The analytics service's health, counted (never logged): durations, last success, points written,
// windows skipped by reason, runs by outcome.
import type { ServiceRegistry } from '../../src/core/metrics/registry.ts';

export type RunOutcome = 'ok' | 'error' | 'timeout' | 'skipped_overlap' | 'aborted';

/** Every `job` of the duration histogram: the jobs of a run (run.ts) and the whole run (service.ts). */
export const DURATION_JOBS = ['read', 'correlation', 'lag', 'granger', 'anomalies', 'run'] as const;
/** Histograms already exported at zero (zero() would reset one a second caller shares). */
const zeroed = new WeakSet<object>();

export function analyticsMetrics(reg: ServiceRegistry) {
  const duration = reg.histogram(
    'analytics_job_duration_seconds',
    'Time one analytics job took in a run, by job (read, correlation, lag, granger, anomalies, run).',
    ['job'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );
  // Exported with no observations from the start (Prometheus' convention): rate() then sees the first
  // run as an increase, instead of a series that appears already at 1 and has no rate until the next.
  if (!zeroed.has(duration)) {
    zeroed.add(duration);
    for (const job of DURATION_JOBS) duration.zero({ job });
  }
  return {
    duration,
    lastSuccess: reg.gauge(
      'analytics_last_success_timestamp_seconds',
      'Unix time at which a job last finished without error, by job.',
      ['job'],
    ),
    pointsWritten: reg.counter(
      'analytics_points_written_total',
      'Result points handed to the writer, by job (confirmed writes: cryptocrawler_points_written_total).',
      ['job'],
    ),
    skipped: reg.counter(
      'analytics_windows_skipped_total',
      'Estimates not computed, by job and reason (too_few_points, zero_variance, no_data, ...).',
      ['job', 'reason'],
    ),
    runs: reg.counter('analytics_runs_total', 'Scheduled or one-shot runs, by outcome.', ['outcome']),
  };
}

export type AnalyticsMetrics = ReturnType<typeof analyticsMetrics>;
