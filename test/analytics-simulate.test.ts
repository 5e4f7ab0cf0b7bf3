// End to end on the simulate source: three days of seeded posts and prices go through the real
// collector into the real InfluxDB, the analytics service runs over them, and what it writes back is
// compared with what the simulator planted (plantedTruth): the lag within one bucket, the planted
// correlation inside the reported 95 % interval, and the planted anomalies with recall >= 0.9 and
// precision >= 0.8 on the analysed window.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  readLatestLags,
  readRecentAnomalies,
  type LatestLag,
  type RecentAnomaly,
} from '../analytics/jobs/index.ts';
import { startAnalyticsService } from '../analytics/service/index.ts';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { plantedTruth, type PlantedTruth } from '../collectors/social/simulate/index.ts';
import { startCollector } from '../src/collector/service.ts';
import { parseConfig, type Config } from '../src/core/config/load.ts';
import { freshBuckets, influxEnv } from './helpers/influx.ts';

const HISTORY_HOURS = 72;
const BUCKET_MS = 60_000;

describe('analytics on the simulate source recovers the planted truth', () => {
  let config: Config;
  let truth: PlantedTruth;
  let lags: LatestLag[];
  let anomalies: RecentAnomaly[];
  let analysedFromMs: number;

  beforeAll(async () => {
    const env = influxEnv();
    const buckets = await freshBuckets('sim_e2e');
    const raw = yaml.load(readFileSync('config.yaml', 'utf8')) as Record<string, Record<string, unknown>>;
    raw.influx = {
      ...raw.influx,
      url: env.url,
      org: env.org,
      buckets: { main: { name: buckets.main }, raw: { name: buckets.raw } },
    };
    raw.sources = { simulate: { enabled: true, mode: 'backfill', historyHours: HISTORY_HOURS } };
    const work = mkdtempSync(join(tmpdir(), 'sim-e2e-'));
    (raw.influx as { spool?: unknown }).spool = { dir: join(work, 'spool') };
    config = parseConfig(yaml.dump(raw), SOURCE_SCHEMAS);

    const collector = await startCollector({
      config,
      token: env.adminToken,
      sources: ['simulate'],
      port: null,
      dataDir: work,
    });
    const sim = collector.running[0]!.source as unknown as { finished(): Promise<void> };
    await sim.finished();
    await collector.stop();

    const analytics = await startAnalyticsService({ config, token: env.adminToken, serveHealth: false });
    const endMs = Date.now();
    await analytics.runNow();
    await analytics.stop();

    truth = plantedTruth(config, endMs - HISTORY_HOURS * 3_600_000, endMs);
    analysedFromMs = endMs - 3 * 86_400_000;
    const q = new InfluxDB({ url: env.url, token: env.adminToken, timeout: 120_000 }).getQueryApi(env.org);
    lags = await readLatestLags(q, buckets.main, '-1h');
    anomalies = await readRecentAnomalies(q, buckets.main, `-${HISTORY_HOURS + 2}h`);
  }, 300_000);

  it('recovers the planted lag of every coin within one bucket, significantly', () => {
    expect(truth.coins.length).toBe(3);
    for (const coin of truth.coins) {
      const lag = lags.find(
        (l) => l.symbol === coin.symbol && l.topic === coin.topics[0] && l.signal === 'volume',
      );
      expect(lag, `lag row for ${coin.symbol}`).toBeDefined();
      expect(Math.abs(lag!.lag_seconds - coin.lagSeconds)).toBeLessThanOrEqual(BUCKET_MS / 1000);
      expect(lag!.significant).toBe(true);
    }
  });

  it('finds the planted correlation inside the 95 % interval of the r it reports at that lag', () => {
    for (const coin of truth.coins) {
      const lag = lags.find(
        (l) => l.symbol === coin.symbol && l.topic === coin.topics[0] && l.signal === 'volume',
      )!;
      const planted = coin.realized.volumeChangeR!;
      const z = Math.atanh(lag.r);
      const half = 1.959964 / Math.sqrt(lag.n - 3);
      expect(planted).toBeGreaterThan(Math.tanh(z - half));
      expect(planted).toBeLessThan(Math.tanh(z + half));
    }
  });

  it('finds the planted anomalies with recall >= 0.9 and precision >= 0.8', () => {
    const planted = truth.anomalies.filter((a) => a.startMs >= analysedFromMs);
    const found = anomalies.filter((a) => Date.parse(a.time) >= analysedFromMs);
    const hit = (a: RecentAnomaly, p: (typeof planted)[number]): boolean => {
      const t = Date.parse(a.time);
      const target = a.topic ?? a.symbol;
      return (
        (target === p.topic || target === p.symbol) && t >= p.startMs - BUCKET_MS && t < p.endMs + BUCKET_MS
      );
    };
    const recalled = planted.filter((p) => found.some((a) => hit(a, p))).length;
    const correct = found.filter((a) => planted.some((p) => hit(a, p))).length;
    process.stderr.write(
      `[simulate e2e] planted ${planted.length}, recalled ${recalled} (${(recalled / planted.length).toFixed(2)}), ` +
        `reported ${found.length}, in a planted span ${correct} (precision ${(correct / found.length).toFixed(2)})\n`,
    );
    expect(planted.length).toBeGreaterThan(20);
    expect(recalled / planted.length).toBeGreaterThanOrEqual(0.9);
    expect(correct / found.length).toBeGreaterThanOrEqual(0.8);
  });
});
