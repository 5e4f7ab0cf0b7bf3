// The demo: the whole pipeline on one machine, no API key, no Docker. A real influxd (built once,
// cached), `setup`, the collector on the seeded simulate source (days of history first, then live)
// and on the rss source reading a local news wire (news-feed.ts: headlines of what the simulator
// planted, in the RSS wire format), the analytics service, Prometheus (built once like influxd), and
// after `durationSeconds` a terminal report that sets the anomalies found beside those planted, and
// the dashboards drawn from all of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnalyticsService } from '../../analytics/service/index.ts';
import { plantedTruth } from '../../collectors/social/simulate/truth.ts';
import { startCollector } from '../collector/service.ts';
import type { Config } from '../core/config/load.ts';
import type { Logger } from '../core/log.ts';
import { freePort, resolveInfluxd, startLocalInfluxd } from '../influx/local-server.ts';
import { resolvePrometheus, startLocalPrometheus, type LocalPrometheus } from '../prometheus/local-server.ts';
import { setupInflux, setupOptionsFromConfig } from '../influx/setup.ts';
import { renderDashboards } from '../../grafana/render/index.ts';
import { settingsFromConfig } from '../../grafana/src/settings.ts';
import { formatReport } from '../report/format.ts';
import { readReport } from '../report/queries.ts';
import { rssConfigSchema } from '../../collectors/news/rss/config.ts';
import type { RssSource } from '../../collectors/news/rss/source.ts';
import { DEMO_FEED_NAME, startDemoNewsFeed } from './news-feed.ts';
import { matchPlanted } from './planted.ts';

/** Prometheus' scrape interval in the demo, seconds. */
export const DEMO_SCRAPE_SECONDS = 5;
/** The demo's analytics run timeout, seconds (the first run analyses days of history). */
export const DEMO_RUN_TIMEOUT_SECONDS = 300;

/** Resolves once Prometheus has scraped every target at or after `sinceS` (bounded: a few intervals). */
async function scrapedAfter(prom: LocalPrometheus, sinceS: number, intervalS: number): Promise<void> {
  const deadline = Date.now() + (3 * intervalS + 5) * 1000;
  while (Date.now() < deadline) {
    const up = await prom.query('timestamp(up)').catch(() => []);
    if (up.length > 0 && up.every((s) => s.value >= sinceS)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface DemoOptions {
  config: Config;
  durationSeconds: number;
  log: Logger;
  /** Progress lines for the person watching. */
  say: (line: string) => void;
  /** Resolves early (Ctrl-C). */
  interrupted: Promise<unknown>;
  /** Where the rendered dashboards page goes (default: <tmp>/cryptocrawler-demo-dashboards). */
  dashboardsDir?: string;
}

export interface DemoResult {
  report: string;
  posts: number;
  anomaliesFound: number;
  planted: { planted: number; found: number; matched: number; matchedFound: number };
  /** The generated dashboards drawn from the demo's data (`dashboards render`). */
  dashboards: { page: string; panels: number; empty: string[] };
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const t0 = Date.now();
  const say = (s: string): void => o.say(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${s}`);
  const work = mkdtempSync(join(tmpdir(), 'cryptocrawler-demo-'));
  const cleanups: Array<() => Promise<void>> = [];
  try {
    say(
      'finding influxd (the first run builds it from the Go module proxy: several minutes, progress below)',
    );
    const binary = resolveInfluxd({ onProgress: () => undefined });
    const influx = await startLocalInfluxd({ binary, dataDir: join(work, 'influxd') });
    cleanups.unshift(() => influx.stop());
    say(`InfluxDB 2.7 running at ${influx.url}`);

    const cfg: Config = structuredClone(o.config);
    cfg.influx.url = influx.url;
    // The first run covers the whole anomaly look-back (days) from a cold start; on a busy machine it
    // outlasts the timeout sized for the one-minute schedule, and a run that times out writes nothing.
    cfg.analytics.runTimeoutSeconds = Math.max(cfg.analytics.runTimeoutSeconds, DEMO_RUN_TIMEOUT_SECONDS);
    cfg.services.collector.port = await freePort();
    cfg.services.analytics.port = await freePort();
    const admin = `demo-admin-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    const setup = await setupInflux(
      setupOptionsFromConfig(cfg, admin, { onboarding: { username: 'demo', password: `${admin}-pw` } }),
    );
    say(`setup: ${setup.changes.length} changes (org, buckets, least-privilege tokens)`);

    say('finding Prometheus (the first run builds it from the Go module proxy: several minutes)');
    const prom = await startLocalPrometheus({
      binary: resolvePrometheus({ onProgress: true }),
      jobs: [
        { name: 'collector', targets: [`127.0.0.1:${cfg.services.collector.port}`] },
        { name: 'analytics', targets: [`127.0.0.1:${cfg.services.analytics.port}`] },
      ],
      scrapeIntervalS: DEMO_SCRAPE_SECONDS,
    });
    cleanups.unshift(() => prom.stop());
    say(`Prometheus 3.5 scraping both services at ${prom.url}`);

    const startedAt = Date.now();
    const simCfg = cfg.sources.simulate as { historyHours?: number } | undefined;
    const historyHours = simCfg?.historyHours ?? 72;
    const wire = await startDemoNewsFeed({ config: cfg, fromMs: startedAt - historyHours * 3600_000 });
    cleanups.unshift(() => wire.stop());
    cfg.sources.rss = rssConfigSchema.parse({
      enabled: true,
      feeds: [{ url: wire.url, name: DEMO_FEED_NAME }],
      pollIntervalSeconds: 30,
    });
    say(`news: a local RSS wire at ${wire.url} (headlines of the planted events), read by the rss source`);
    say('collector: simulate source generating history (this fills days of 1-minute data), then live posts');
    const collector = await startCollector({
      config: cfg,
      token: setup.tokens.collector,
      log: o.log,
      sources: ['simulate', 'rss'],
      dataDir: join(work, 'collector'),
    });
    cleanups.unshift(() => collector.stop());
    const sim = collector.running.find((r) => r.def.name === 'simulate')?.source as
      { historyDone?: () => Promise<void> } | undefined;
    const progress = setInterval(() => {
      void collector.ctx.metrics.registry
        .getSingleMetric('cryptocrawler_simulate_history_progress_ratio')
        ?.get()
        .then((m) => say(`collector: history ${Math.round((m.values[0]?.value ?? 0) * 100)} % generated`));
    }, 5000);
    await sim?.historyDone?.();
    clearInterval(progress);
    collector.ctx.social.tick();
    await collector.writer.drain(120_000);
    say(`collector: history written; metrics at ${collector.health?.url}/metrics`);

    const analytics = await startAnalyticsService({
      config: cfg,
      token: setup.tokens.analytics,
      log: o.log,
      stateDir: join(work, 'analytics-state'),
    });
    cleanups.unshift(() => analytics.stop());
    // Prometheus must see the job-duration histogram at zero before the first run observes it: a
    // histogram first scraped after its only observation has no increase, so its p95 panel stays
    // empty (seen on a quiet machine, where the first run ends within one scrape interval).
    await scrapedAfter(prom, Date.now() / 1000, DEMO_SCRAPE_SECONDS);
    say('analytics: first run (correlation, lag, Granger, S-H-ESD anomalies)');
    await analytics.runNow();
    say(`analytics: done; metrics at ${analytics.health?.url}/metrics`);

    const remaining = Math.max(0, o.durationSeconds * 1000 - (Date.now() - t0));
    if (remaining > 0) {
      say(`live for ${Math.round(remaining / 1000)} s more (Ctrl-C to stop now)`);
      await Promise.race([new Promise((r) => setTimeout(r, remaining)), o.interrupted]);
      await analytics.runNow();
    }
    const rss = collector.running.find((r) => r.def.name === 'rss')?.source as RssSource | undefined;
    await rss?.whenIdle();
    await collector.writer.flush();
    // The page shows Prometheus as of its last scrape: wait for one after the last analytics run.
    await scrapedAfter(prom, Date.now() / 1000, DEMO_SCRAPE_SECONDS);

    const src = {
      url: influx.url,
      token: setup.tokens.grafana,
      org: cfg.influx.org,
      buckets: { main: cfg.influx.buckets.main.name, raw: cfg.influx.buckets.raw.name },
    };
    const sinceSeconds = Math.ceil(historyHours * 3600 + (Date.now() - startedAt) / 1000 + 120);
    const data = await readReport(src, `-${sinceSeconds}s`, cfg.quotes[0]);
    const truth = plantedTruth(cfg, Date.now() - sinceSeconds * 1000, Date.now());
    // Only anomalies inside the analysed look-back can be found.
    const lookbackMs = 3 * 86_400_000;
    const planted = truth.anomalies.filter((a) => a.startMs >= Date.now() - lookbackMs);
    const cmp = matchPlanted(data.anomalies, planted);
    const report = formatReport(data, cmp);
    say('dashboards: running every panel query and drawing the page');
    const rendered = await renderDashboards({
      settings: settingsFromConfig(cfg),
      influx: { url: influx.url, token: setup.tokens.grafana, org: cfg.influx.org },
      prometheusUrl: prom.url,
      scrapeSeconds: DEMO_SCRAPE_SECONDS,
      out: o.dashboardsDir ?? join(tmpdir(), 'cryptocrawler-demo-dashboards'),
      rangeSeconds: Math.min(historyHours, 24) * 3600,
    });
    say(`dashboards: ${rendered.dashboards.length} dashboards queried and written in ${rendered.ms} ms`);
    return {
      dashboards: {
        page: rendered.page,
        panels: rendered.dashboards.reduce((a, d) => a + d.panels.length, 0),
        empty: rendered.empty,
      },
      report,
      posts: data.topics.reduce((a, t) => a + t.posts, 0),
      anomaliesFound: data.anomalies.length,
      planted: cmp,
    };
  } finally {
    for (const c of cleanups) await c().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}
