// The analytics commands as a user runs them (the real `cryptocrawler` binary), and the scheduled
// service with its /metrics, against the real influxd.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { startAnalyticsService } from '../analytics/service/index.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { freshBuckets, influxEnv, queryRows, testWriter } from './helpers/influx.ts';
import { RAW_DATA_CSV, haveSharedData } from './helpers/shared-data.ts';
import { type PlantedCoin, plantedConfigYaml, plantedSeries } from './helpers/planted-series.ts';

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repoRoot, 'bin', 'cryptocrawler.js');
const rawData = RAW_DATA_CSV;
const HAVE_RAW = haveSharedData(rawData);
const tmp = mkdtempSync(join(tmpdir(), 'analytics-cli-'));

async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run('node', [bin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('offline commands', () => {
  it.skipIf(!HAVE_RAW)(
    'anomalies prints the 25 anomalies of the AnomalyDetection example (last day, both directions)',
    async () => {
      const r = await cli([
        'anomalies',
        '--csv',
        rawData,
        '--max-anoms',
        '0.02',
        '--direction',
        'both',
        '--only-last',
        'day',
      ]);
      expect(r.code).toBe(0);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { timestamp: string; value: number; expected: number });
      expect(lines).toHaveLength(25);
      expect(lines[0]).toMatchObject({ timestamp: '1980-10-05 01:12:00', value: 56.4691 });
      expect(r.stderr).toContain('14398 rows');
    },
  );

  it('names the file and the column when a column does not exist', async () => {
    const file = join(tmp, 'two-columns.csv');
    writeFileSync(file, 'timestamp,count\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n');
    const r = await cli(['anomalies', '--csv', file, '--value-column', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('value column "nope" not found');
  });

  it('correlate finds the lag by which A leads B, from two files or two columns of one', async () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5;
    const a = Array.from({ length: 600 }, next);
    const b = a.map((_, t) => (t >= 3 ? a[t - 3]! : 0) + 0.3 * next());
    const time = (t: number): string => new Date(Date.UTC(2024, 0, 1) + t * 60_000).toISOString();
    writeFileSync(join(tmp, 'a.csv'), `time,social\n${a.map((v, t) => `${time(t)},${v}`).join('\n')}\n`);
    writeFileSync(join(tmp, 'b.csv'), `time,price\n${b.map((v, t) => `${time(t)},${v}`).join('\n')}\n`);
    writeFileSync(
      join(tmp, 'ab.csv'),
      `time,social,price\n${a.map((v, t) => `${time(t)},${v},${b[t]}`).join('\n')}\n`,
    );
    const two = await cli([
      'correlate',
      '--csv',
      join(tmp, 'a.csv'),
      '--csv',
      join(tmp, 'b.csv'),
      '--max-lag',
      '10',
    ]);
    expect(two.code).toBe(0);
    const out = JSON.parse(two.stdout) as {
      bestLag: number;
      significant: boolean;
      xcorr: { curve: unknown[] };
      granger: { aToB: { kind: string; pValue: number } };
    };
    expect(out.bestLag).toBe(3);
    expect(out.significant).toBe(true);
    expect(out.xcorr.curve).toHaveLength(21);
    expect(out.granger.aToB.pValue).toBeLessThan(1e-6);
    const one = await cli([
      'correlate',
      '--csv',
      join(tmp, 'ab.csv'),
      '--columns',
      'social,price',
      '--max-lag',
      '10',
    ]);
    expect((JSON.parse(one.stdout) as { bestLag: number }).bestLag).toBe(3);
    const bad = await cli(['correlate', '--csv', join(tmp, 'ab.csv'), '--columns', 'social,volume']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('value column "volume" not found');
    expect(bad.stderr).toContain('ab.csv');
  });
});

describe('analyze against InfluxDB', () => {
  const COINS: PlantedCoin[] = [{ topic: 'bitcoin', symbol: 'BTC', lagBuckets: 4, rho: 0.4, lambda: 0.5 }];
  const START = Date.UTC(2024, 5, 1);
  const END = START + 1560 * 60_000;
  let configFile: string;
  let yamlText: string;
  let buckets: { main: string; raw: string };

  beforeAll(async () => {
    buckets = await freshBuckets('analytics_cli');
    const env = influxEnv();
    const writer = testWriter(buckets);
    writer.write('main', plantedSeries({ seed: 11, startMs: START, buckets: 1560, coins: COINS }).lines);
    await writer.close();
    yamlText = plantedConfigYaml({ url: env.url, org: env.org, ...buckets, coins: COINS });
    configFile = join(tmp, 'config.yaml');
    writeFileSync(configFile, yamlText);
  });

  it('analyze --from --to backfills a range with progress and writes correlation every step', async () => {
    const r = await cli(
      [
        'analyze',
        '-c',
        configFile,
        '--from',
        new Date(END - 3 * 3_600_000).toISOString(),
        '--to',
        new Date(END).toISOString(),
        '--step',
        '1h',
      ],
      { INFLUX_TOKEN: influxEnv().adminToken, CRYPTOCRAWLER_ESD_INLINE: '0' },
    );
    expect(r.stderr).toContain('[1/5] read');
    expect(r.stderr).toContain('[5/5] anomalies');
    expect(r.code).toBe(0);
    const rows = await queryRows<{ _time: string }>(
      `from(bucket: "${buckets.main}") |> range(start: 2024-05-01T00:00:00Z, stop: 2024-07-01T00:00:00Z)
        |> filter(fn: (r) => r._measurement == "correlation" and r._field == "r" and r.window == "1h" and r.signal == "volume" and r.method == "pearson")`,
    );
    expect(rows.map((x) => Date.parse(x._time)).sort()).toEqual([END - 2 * 3_600_000, END - 3_600_000, END]);
  });

  it('the service runs on schedule, skips an overlapping tick and serves its metrics', async () => {
    const registry = createServiceRegistry('analytics', { defaultMetrics: false });
    const config = parseConfig(yamlText, SOURCE_SCHEMAS);
    const runs: number[] = [];
    const service = await startAnalyticsService({
      config,
      token: influxEnv().adminToken,
      metrics: registry,
      now: () => END + 90_000,
      onRun: (s) => runs.push(s.toMs),
    });
    await Promise.all([service.runNow(), service.runNow()]);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs[0]).toBe(END);
    const metrics = await (await fetch(`${service.health!.url}/metrics`)).text();
    expect(metrics).toMatch(/cryptocrawler_analytics_runs_total\{outcome="ok",service="analytics"\} [1-9]/);
    expect(metrics).toMatch(
      /cryptocrawler_analytics_runs_total\{outcome="skipped_overlap",service="analytics"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /cryptocrawler_analytics_points_written_total\{job="correlation",service="analytics"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /cryptocrawler_analytics_windows_skipped_total\{job="anomalies",reason="too_few_points",service="analytics"\} [1-9]/,
    );
    expect(metrics).toContain('cryptocrawler_analytics_job_duration_seconds_bucket');
    expect(metrics).toMatch(
      /cryptocrawler_analytics_last_success_timestamp_seconds\{job="run",service="analytics"\} \d/,
    );
    expect((await fetch(`${service.health!.url}/readyz`)).status).toBe(200);
    await service.stop();
  });
});
