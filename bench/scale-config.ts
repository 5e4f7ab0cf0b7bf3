// The 1x / 10x / 100x figures of docs/performance.md: the default config has 3 coins and 6 topics;
// scale s has 3s coins, each with a topic, and 3s topics without a coin (100x: 300 coins, 600 topics).
// For each scale, against one local influxd: bulk write rate of 1-minute `social` rollups and prices, series cardinality, disk per day,
// one scheduled analytics cycle (one core, in-process S-H-ESD; then split over 2 partitions), and the
// 30-day dashboard queries as the dashboards send them (grafana/src: combinedSocial at the 1 h window
// Grafana picks for 30 days; one topic, the Overview's every coin, every topic; one coin's price).
// Not run any more: the all-Flux combination at 1-minute windows over every topic (50 s at 10x over 3
// days; over 30 days at 1x it passed 120 s and kept influxd allocating until it held 22 GB).
// Run: npm run bench:scale-config -- [--scales 1,10,100] [--days 30]
// Data is the seeded planted generator of the tests: `--days` of it (default 30); scales from 50 up
// hold 2 days (the least the anomaly job needs), so their 30-day queries read what is there.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InfluxDB } from '@influxdata/influxdb-client';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { inProcessEsd } from '../analytics/jobs/esd-runner.ts';
import { analyticsMetrics } from '../analytics/jobs/metrics.ts';
import { jobOptionsFromConfig } from '../analytics/jobs/options.ts';
import { runAnalyticsRange } from '../analytics/jobs/run.ts';
import { parseConfig, type Config } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { InfluxWriter } from '../src/core/write/writer.ts';
import { interpolateFlux } from '../grafana/src/catalog.ts';
import { combinedSocial, eq, oneOf } from '../grafana/src/flux.ts';
import { startLocalInfluxd } from '../src/influx/local-server.ts';
import { setupInflux } from '../src/influx/setup.ts';
import { type PlantedCoin, plantedConfigYaml, plantedSeries } from '../test/helpers/planted-series.ts';

const { values: args } = parseArgs({
  options: {
    scales: { type: 'string', default: '1,10,100' },
    days: { type: 'string', default: '30' },
    // Only the data, cardinality and dashboard queries (no analytics cycles).
    'no-cycle': { type: 'boolean', default: false },
    // Leave out the one-instance cycle (at 100x its price read took influxd past 8 GB).
    'no-single': { type: 'boolean', default: false },
    // How many analytics partitions the split cycle uses (each run alone, one after the other).
    partitions: { type: 'string', default: '2' },
  },
});
const SCALES = args.scales!.split(',').map(Number);
const DAY = 1440;
const CHUNK_COINS = 10;

function coinsOf(scale: number): { coins: PlantedCoin[]; control: string[] } {
  const n = 3 * scale;
  const coins = Array.from({ length: n }, (_, i) => ({
    topic: `coin${i}`,
    symbol: `C${String(i).padStart(4, '0')}`,
    lagBuckets: 3 + (i % 11),
    rho: 0.3,
    lambda: 0.4,
  }));
  return { coins, control: Array.from({ length: n }, (_, i) => `plain${i}`) };
}

/** CPU seconds of this process and of influxd (from /proc; clock ticks of 1/100 s). */
function cpuNow(influxdPid: number): { node: number; influxd: number } {
  const u = process.cpuUsage();
  let influxd = NaN;
  try {
    const f = readFileSync(`/proc/${influxdPid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    influxd = (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    // not on Linux: wall times only
  }
  return { node: (u.user + u.system) / 1e6, influxd };
}

function cpuSince(a: { node: number; influxd: number }, pid: number): { node: number; influxd: number } {
  const b = cpuNow(pid);
  return { node: +(b.node - a.node).toFixed(2), influxd: +(b.influxd - a.influxd).toFixed(2) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

// influxd's log is kept outside its data directory, which is removed at the end.
const server = await startLocalInfluxd({
  logFile: join(tmpdir(), `scale-config-influxd-${process.pid}.log`),
});
const org = 'bench';
const token = 'bench-admin-token-0123456789';
const rows: string[] = [];
const T0 = performance.now();
const log = (what: string): boolean =>
  process.stderr.write(`[scale-config ${((performance.now() - T0) / 1000).toFixed(0)} s] ${what}\n`);
try {
  const bucketsFor = SCALES.flatMap((s) => [
    { role: 'main' as const, name: `scale${s}`, retention: 'forever' },
    { role: 'raw' as const, name: `scale${s}_raw`, retention: 'forever' },
  ]);
  await setupInflux({
    url: server.url,
    org,
    adminToken: token,
    onboarding: { username: 'admin', password: 'bench-password-0123456789' },
    buckets: bucketsFor,
  });
  const q = new InfluxDB({ url: server.url, token, timeout: 600_000 }).getQueryApi(org);
  for (const scale of SCALES) {
    const { coins, control } = coinsOf(scale);
    const days = scale >= 50 ? 2 : Number(args.days);
    const buckets = days * DAY + 60;
    const end = Date.UTC(2025, 0, 1);
    const start = end - buckets * 60_000;
    const main = `scale${scale}`;
    const writer = new InfluxWriter({
      url: server.url,
      token,
      org,
      buckets: { main, raw: `${main}_raw` },
      batchSize: 5000,
      flushIntervalMs: 1000,
      // Loopback: gzip would cost both sides CPU and save nothing.
      gzipThresholdBytes: 1_000_000_000,
      maxRetryTimeMs: 60_000,
      maxBufferLines: 400_000,
      metrics: createServiceRegistry('bench', { defaultMetrics: false }),
    });
    const du = (): number =>
      Number(
        execFileSync('du', ['-sb', join(server.dataDir, 'engine')], { encoding: 'utf8' }).split('\t')[0],
      );
    const bytesBefore = du();
    let lines = 0;
    let genMs = 0;
    const t0 = performance.now();
    let writeCpu = { node: 0, influxd: 0 };
    for (let c = 0; c < coins.length; c += CHUNK_COINS) {
      const g0 = performance.now();
      const part = plantedSeries({
        seed: 1000 + c,
        startMs: start,
        buckets,
        coins: coins.slice(c, c + CHUNK_COINS),
        controlTopics: control.slice(c, c + CHUNK_COINS),
      }).lines;
      genMs += performance.now() - g0;
      lines += part.length;
      const w0 = cpuNow(server.pid);
      for (let i = 0; i < part.length; i += 50_000) {
        writer.write('main', part.slice(i, i + 50_000));
        if (writer.bufferedLines() > 200_000) await writer.flush();
      }
      await writer.flush();
      const w = cpuSince(w0, server.pid);
      writeCpu = { node: writeCpu.node + w.node, influxd: writeCpu.influxd + w.influxd };
    }
    await writer.close();
    const writeS = (performance.now() - t0 - genMs) / 1000;
    log(
      `scale ${scale}: ${lines} lines written in ${writeS.toFixed(1)} s (+${(genMs / 1000).toFixed(1)} s generating)`,
    );

    const card = await q.collectRows<{ _value: number }>(
      `import "influxdata/influxdb"\ninfluxdb.cardinality(bucket: "${main}", start: 1970-01-01T00:00:00Z)`,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const bytes = du() - bytesBefore;

    const yaml = plantedConfigYaml({
      url: server.url,
      org,
      main,
      raw: `${main}_raw`,
      coins,
      controlTopics: control,
      anomalyLookback: '2d',
    });
    const config = parseConfig(yaml, SOURCE_SCHEMAS);
    const cycle = async (
      cfg: Config,
    ): Promise<{
      s: number;
      cpu: { node: number; influxd: number };
      jobs: Record<string, number>;
      points: number;
    }> => {
      const cpu0 = cpuNow(server.pid);
      const registry = createServiceRegistry('bench', { defaultMetrics: false });
      const m = analyticsMetrics(registry);
      const sink = { n: 0 };
      const c0 = performance.now();
      const summary = await runAnalyticsRange({
        options: jobOptionsFromConfig(cfg),
        queryApi: q,
        writer: {
          write: (_b, l) => void (sink.n += typeof l === 'string' ? 1 : l.length),
          flush: async () => undefined,
          drain: async () => true,
          close: async () => undefined,
          bufferedLines: () => 0,
          failing: () => false,
        },
        esd: inProcessEsd,
        metrics: m,
        fromMs: end - 60_000,
        toMs: end,
      });
      const s = (performance.now() - c0) / 1000;
      const jobs: Record<string, number> = {};
      for (const v of (
        await registry.registry.getSingleMetric('cryptocrawler_analytics_job_duration_seconds')!.get()
      ).values)
        if ((v as { metricName?: string }).metricName?.endsWith('_sum')) jobs[String(v.labels.job)] = v.value;
      void summary;
      return { s, cpu: cpuSince(cpu0, server.pid), jobs, points: sink.n };
    };
    const skipCycle = args['no-cycle'];
    const full =
      skipCycle || args['no-single']
        ? { s: NaN, cpu: { node: NaN, influxd: NaN }, jobs: {}, points: NaN }
        : await cycle(config);
    log(`scale ${scale}: analytics cycle ${full.s.toFixed(1)} s`);
    const halves = [];
    const parts = Number(args.partitions);
    if (!skipCycle)
      for (let k = 0; k < parts; k++)
        halves.push(
          await cycle({ ...config, analytics: { ...config.analytics, partition: `${k}/${parts}` } }),
        );

    const rangeStart = new Date(end - 30 * 86_400_000);
    const range = `range(start: ${rangeStart.toISOString()}, stop: ${new Date(end).toISOString()})`;
    // What a dashboard sends, with Grafana's substitutions: 30 days on a panel is a 1 h windowPeriod.
    const dashboard = (q: { toString(): string }): string =>
      interpolateFlux(q.toString(), { start: rangeStart, stop: new Date(end), windowPeriod: '1h', vars: {} });
    const coinTopics = coins.map((c) => c.topic);
    const queries: Record<string, string> = {
      'one topic, volume': dashboard(
        combinedSocial({ bucket: main, fields: ['count'], topic: eq('topic', 'coin0') }),
      ),
      // The Overview's posts per coin: every coin's topic, combined, summed over the range.
      'every coin topic, posts (Overview)': dashboard(
        combinedSocial({ bucket: main, fields: ['count'], topic: oneOf('topic', coinTopics) })
          .group(['topic'])
          .sum(),
      ),
      'every topic, volume': dashboard(
        combinedSocial({
          bucket: main,
          fields: ['count'],
          topic: oneOf('topic', [...coinTopics, ...control]),
        }),
      ),
      'one coin, price': `from(bucket: "${main}") |> ${range} |> filter(fn: (r) => r._measurement == "price" and r.symbol == "C0000" and r._field == "price") |> aggregateWindow(every: 1h, fn: last, createEmpty: false)`,
    };
    if (!skipCycle) log(`scale ${scale}: partitions ${halves.map((h) => h.s.toFixed(1)).join(' + ')} s`);
    // A dashboard query that takes longer than this is reported as timed out, not waited for.
    const dq = new InfluxDB({ url: server.url, token, timeout: 120_000 }).getQueryApi(org);
    const qTimes: Record<string, number | string> = {};
    const qRows: Record<string, number> = {};
    const qCpu: Record<string, number> = {};
    for (const [name, flux] of Object.entries(queries)) {
      const times: number[] = [];
      const c0 = cpuNow(server.pid);
      try {
        for (let i = 0; i < 3; i++) {
          const a = performance.now();
          qRows[name] = (await dq.collectRows(flux)).length;
          times.push(performance.now() - a);
        }
        qTimes[name] = Math.round(median(times));
      } catch (err) {
        qTimes[name] = `failed after ${times.length} runs: ${String(err).slice(0, 80)}`;
      }
      log(`scale ${scale}: query "${name}" ${qTimes[name]} ms, ${qRows[name]} rows`);
      qCpu[name] = +(cpuSince(c0, server.pid).influxd / Math.max(1, times.length)).toFixed(3);
    }
    const row = {
      scale,
      coins: coins.length,
      topics: coins.length + control.length,
      days,
      lines,
      writeLinesPerS: Math.round(lines / writeS),
      writeCpu,
      influxdLinesPerCpuS: Math.round(lines / writeCpu.influxd),
      cardinality: Number(card[0]?._value ?? NaN),
      diskBytes: bytes,
      cycleS: +full.s.toFixed(2),
      cycleCpu: full.cpu,
      cycleJobs: full.jobs,
      cyclePoints: full.points,
      partitionsS: halves.map((h) => +h.s.toFixed(2)),
      partitionsCpu: halves.map((h) => h.cpu),
      partitionPoints: halves.map((h) => h.points),
      queryMs: qTimes,
      queryRows: qRows,
      queryInfluxdCpuS: qCpu,
      loadavg: loadavg().map((x) => +x.toFixed(1)),
    };
    process.stderr.write(`${JSON.stringify(row)}\n`);
    rows.push(JSON.stringify(row));
  }
} finally {
  await server.stop();
}
process.stdout.write(`${rows.join('\n')}\n`);
