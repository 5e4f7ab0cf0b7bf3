// A dedicated influxd per fault test file (so stopping it never disturbs other tests), set up with
// buckets and tokens, plus a collector config on the simulate source.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { SOURCE_SCHEMAS } from '../../collectors/all.ts';
import { parseConfig, type Config } from '../../src/core/config/load.ts';
import { startLocalInfluxd, type LocalInfluxd } from '../../src/influx/local-server.ts';
import { setupInflux, setupOptionsFromConfig, type SetupResult } from '../../src/influx/setup.ts';
import { InfluxDB } from '@influxdata/influxdb-client';
import { afterAll, beforeEach } from 'vitest';
import { influxEnv } from './influx.ts';

export interface OwnInflux {
  server: LocalInfluxd;
  setup: SetupResult;
  adminToken: string;
  config: Config;
  /** The config as YAML, for child processes. */
  yaml: string;
  work: string;
}

export async function ownInfluxWithSimulate(simulate: Record<string, unknown>): Promise<OwnInflux> {
  const work = mkdtempSync(join(tmpdir(), 'cryptocrawler-fault-'));
  const server = await startLocalInfluxd({
    binary: influxEnv().influxdBinary,
    dataDir: join(work, 'influxd'),
  });
  const raw = yaml.load(readFileSync('config.yaml', 'utf8')) as Record<string, unknown> & {
    influx: Record<string, unknown>;
    services: Record<string, { host: string; port: number }>;
  };
  raw.influx.url = server.url;
  (raw.influx as { spool: Record<string, unknown> }).spool.dir = join(work, 'data', 'spool');
  raw.sources = { simulate: { enabled: true, ...simulate } };
  raw.services = { collector: { host: '127.0.0.1', port: 0 }, analytics: { host: '127.0.0.1', port: 0 } };
  raw.log = { level: 'warn' };
  const text = yaml.dump(raw);
  const config = parseConfig(text, SOURCE_SCHEMAS);
  const adminToken = `fault-admin-${Date.now()}`;
  const setup = await setupInflux(
    setupOptionsFromConfig(config, adminToken, {
      onboarding: { username: 'admin', password: `${adminToken}-pw` },
    }),
  );
  return { server, setup, adminToken, config, yaml: text, work };
}

export async function fluxRows<T = Record<string, unknown>>(o: OwnInflux, flux: string): Promise<T[]> {
  return new InfluxDB({ url: o.server.url, token: o.adminToken, timeout: 120_000 })
    .getQueryApi(o.config.influx.org)
    .collectRows<T>(flux);
}

/** Stored `post` points per topic, and the sum of `social` rollup counts per topic. */
export async function storedCounts(
  o: OwnInflux,
  stopMs?: number,
): Promise<{ posts: Map<string, number>; rollups: Map<string, number> }> {
  const stop = stopMs ? `, stop: ${new Date(stopMs).toISOString()}` : '';
  const raw = JSON.stringify(o.config.influx.buckets.raw.name);
  const main = JSON.stringify(o.config.influx.buckets.main.name);
  const posts = await fluxRows<{ topic: string; _value: number }>(
    o,
    `from(bucket: ${raw}) |> range(start: 0${stop}) |> filter(fn: (r) => r._measurement == "post" and r._field == "score")
     |> group(columns: ["topic"]) |> count()`,
  );
  const rollups = await fluxRows<{ topic: string; _value: number }>(
    o,
    `from(bucket: ${main}) |> range(start: 0${stop}) |> filter(fn: (r) => r._measurement == "social" and r._field == "count")
     |> group(columns: ["topic"]) |> sum()`,
  );
  return {
    posts: new Map(posts.map((r) => [r.topic, r._value])),
    rollups: new Map(rollups.map((r) => [r.topic, r._value])),
  };
}

/** posts_received_total by topic, parsed from Prometheus text. */
export function receivedByTopic(metricsText: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of metricsText.matchAll(/^cryptocrawler_posts_received_total\{([^}]*)\} (\d+)/gm)) {
    const topic = /topic="([^"]+)"/.exec(m[1]!)?.[1];
    if (topic) out.set(topic, (out.get(topic) ?? 0) + Number(m[2]));
  }
  return out;
}

export function metricValue(metricsText: string, name: string, labelFilter = ''): number {
  let total = 0;
  for (const m of metricsText.matchAll(new RegExp(`^cryptocrawler_${name}\\{([^}]*)\\} ([0-9.e+-]+)`, 'gm')))
    if (m[1]!.includes(labelFilter)) total += Number(m[2]);
  return total;
}

export function sumMap(m: Map<string, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Fault tests run at full length by default; CRYPTOCRAWLER_FAULT_SCALE=0.1 shortens them for local runs. */
export const FAULT_SCALE = Number(process.env.CRYPTOCRAWLER_FAULT_SCALE ?? '1');

/**
 * Gives each test of a file its own influxd with the simulate source at `postsPerSecond` and no
 * history: two collector instances with separate state must never share a rollup minute in one bucket
 * (in production one collector runs each source). All are stopped after the file.
 */
export function ownInfluxPerTest(postsPerSecond: number): { env: OwnInflux } {
  const holder = {} as { env: OwnInflux };
  const all: OwnInflux[] = [];
  beforeEach(async () => {
    // Flat rate: the simulator's daily seasonality would make postsPerSecond only a daily average.
    holder.env = await ownInfluxWithSimulate({
      postsPerSecond,
      historyHours: 0,
      anomaliesPerDay: 0,
      seasonality: 0,
    });
    all.push(holder.env);
  });
  afterAll(async () => {
    for (const e of all) await e.server.stop();
  });
  return holder;
}
