import { describe, expect, it } from 'vitest';
import { createServiceRegistry } from '../metrics/registry.ts';
import { WRITE_ERROR_CLASSES } from './errors.ts';
import { InfluxWriter, WRITER_DROP_REASONS } from './writer.ts';

describe('writer metrics', () => {
  it('export every error class and drop reason at 0 before anything happened (no absent series)', async () => {
    const metrics = createServiceRegistry('t', { defaultMetrics: false });
    // Nothing is written, so nothing connects: the port is never dialled.
    const w = new InfluxWriter({
      url: 'http://127.0.0.1:9',
      token: 't',
      org: 'o',
      buckets: { raw: 'r', main: 'm' },
      batchSize: 10,
      flushIntervalMs: 60_000,
      gzipThresholdBytes: 1000,
      maxRetryTimeMs: 1000,
      maxBufferLines: 100,
      metrics,
    });
    const text = await metrics.registry.metrics();
    const series = (name: string, label: string) =>
      [
        ...text.matchAll(
          new RegExp(`^cryptocrawler_${name}\\{${label}="(\\w+)",service="t"\\} (\\S+)$`, 'gm'),
        ),
      ].map((m) => [m[1], Number(m[2])]);
    expect(series('write_errors_total', 'class')).toEqual(WRITE_ERROR_CLASSES.map((c) => [c, 0]));
    expect(series('points_dropped_total', 'reason')).toEqual(WRITER_DROP_REASONS.map((r) => [r, 0]));
    expect(WRITE_ERROR_CLASSES).toEqual(['rejected', 'too_large', 'auth', 'server', 'network']);
    await w.close(0);
  });
});
