import { describe, expect, it } from 'vitest';
import { createServiceRegistry } from '../../src/core/metrics/registry.ts';
import { DURATION_JOBS, analyticsMetrics } from './metrics.ts';

describe('analytics metrics', () => {
  it('export the job-duration histogram at zero for every job before the first run, once', async () => {
    const reg = createServiceRegistry('analytics', { defaultMetrics: false });
    const count = async () =>
      Object.fromEntries(
        [
          ...(await reg.registry.metrics()).matchAll(
            /^cryptocrawler_analytics_job_duration_seconds_count\{[^}]*job="(\w+)"[^}]*\} (\d+)$/gm,
          ),
        ].map((m) => [m[1], Number(m[2])]),
      );
    const m = analyticsMetrics(reg);
    expect(await count()).toEqual(Object.fromEntries(DURATION_JOBS.map((j) => [j, 0])));
    m.duration.observe({ job: 'run' }, 1.5);
    // A second caller on the same registry shares the histogram and does not reset it.
    analyticsMetrics(reg);
    expect((await count()).run).toBe(1);
  });
});
