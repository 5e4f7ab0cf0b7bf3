// The analytics service's health, counted (never logged): durations, last success, points written,
// windows skipped by reason, runs by outcome.
import type { ServiceRegistry } from '../../src/core/metrics/registry.ts';

export type RunOutcome = 'ok' | 'error' | 'timeout' | 'skipped_overlap' | 'aborted';

export function analyticsMetrics(reg: ServiceRegistry) {
  return {
    duration: reg.histogram(
      'analytics_job_duration_seconds',
      'Time one analytics job took in a run, by job (read, correlation, lag, granger, anomalies, run).',
      ['job'],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    ),
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
