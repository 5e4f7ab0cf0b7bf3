// One real influxd for the whole integration run (and Prometheus built once for the tests that start
// their own): built once (cached outside the repo), started on a
// free loopback port with a temporary data dir, onboarded, and stopped at the end.
import type { TestProject } from 'vitest/node';
import { startLocalInfluxd, resolveInfluxd } from '../src/influx/local-server.ts';
import { setupInflux } from '../src/influx/setup.ts';
import { resolvePrometheus } from '../src/prometheus/local-server.ts';
import type { InfluxTestEnv } from './helpers/env.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const binary = resolveInfluxd({ onProgress: () => undefined });
  // Built here once (progress on stderr) so no test waits on the first build inside its own timeout.
  resolvePrometheus({ onProgress: true });
  const server = await startLocalInfluxd({ binary });
  const env: InfluxTestEnv = {
    url: server.url,
    org: 'cryptocrawler-test',
    adminToken: 'test-admin-token-0123456789',
    buckets: { main: 'crypto', raw: 'crypto_raw' },
    tokens: { collector: '', analytics: '', grafana: '' },
    influxdBinary: binary,
  };
  const r = await setupInflux({
    url: env.url,
    org: env.org,
    adminToken: env.adminToken,
    onboarding: { username: 'admin', password: 'test-password-0123456789' },
    buckets: [
      { role: 'main', name: env.buckets.main, retention: 'forever' },
      { role: 'raw', name: env.buckets.raw, retention: 'forever' },
    ],
  });
  env.tokens = r.tokens;
  project.provide('influx', env);
  process.stderr.write(`[global-setup] influxd ${server.url} ready in ${Date.now() - started} ms\n`);
  return async () => {
    await server.stop();
  };
}
