// Helpers for integration tests: fresh buckets per test file, Flux queries, writer construction.
import { InfluxDB } from '@influxdata/influxdb-client';
import { inject } from 'vitest';
import { InfluxApi } from '../../src/influx/api.ts';
import { createServiceRegistry } from '../../src/core/metrics/registry.ts';
import { InfluxWriter, type WriterOptions } from '../../src/core/write/writer.ts';
import type { InfluxTestEnv } from './env.ts';
import './env.ts';

export function influxEnv(): InfluxTestEnv {
  return inject('influx');
}

/** Creates a pair of empty buckets with unique names, so a test file never sees another's points. */
export async function freshBuckets(prefix: string): Promise<{ main: string; raw: string }> {
  const env = influxEnv();
  const api = new InfluxApi(env.url, env.adminToken);
  const org = await api.findOrg(env.org);
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const main = `${prefix}_main_${suffix}`;
  const raw = `${prefix}_raw_${suffix}`;
  await api.createBucket(org!.id, main, 0);
  await api.createBucket(org!.id, raw, 0);
  return { main, raw };
}

export async function queryRows<T = Record<string, unknown>>(flux: string): Promise<T[]> {
  const env = influxEnv();
  return new InfluxDB({ url: env.url, token: env.adminToken, timeout: 60_000 })
    .getQueryApi(env.org)
    .collectRows<T>(flux);
}

export function testWriter(
  buckets: { main: string; raw: string },
  overrides: Partial<WriterOptions> = {},
): InfluxWriter {
  const env = influxEnv();
  return new InfluxWriter({
    url: env.url,
    token: env.adminToken,
    org: env.org,
    buckets,
    batchSize: 5000,
    flushIntervalMs: 200,
    gzipThresholdBytes: 1000,
    maxRetryTimeMs: 30_000,
    maxBufferLines: 100_000,
    metrics: createServiceRegistry('test', { defaultMetrics: false }),
    ...overrides,
  });
}
