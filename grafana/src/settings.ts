// What the generated dashboards, alert rules and provisioning depend on, gathered in one object (the
// monitoring-mixin habit): buckets and org come from config.yaml, everything else has a stable default.
import { existsSync } from 'node:fs';
import { SOURCE_SCHEMAS } from '../../collectors/all.ts';
import { loadConfigFile, type Config } from '../../src/core/config/load.ts';

export interface GrafanaSettings {
  org: string;
  buckets: { main: string; raw: string };
  datasources: {
    influx: { uid: string; name: string; url: string };
    prometheus: { uid: string; name: string; url: string };
  };
  /** Folder title (and uid) the dashboards and alert rules live in. */
  folder: { title: string; uid: string };
  /** Correlation windows the analytics job writes (tag `window`). */
  windows: string[];
  /** Default dashboard variable values. */
  defaults: { coin: string; topic: string };
  /** Every topic that names a coin (config `topics[].coin`): the rows of the overview, the topic choices per coin. */
  pairs: { coin: string; topic: string }[];
  /** Quote currency the price panels read first (config `prices.quotes[0]`). */
  quote: string;
  /** Look-back of the variable queries (schema.tagValues start). */
  variableLookback: string;
  /** Prometheus scrape job names (docker-compose service names). */
  jobs: { collector: string; analytics: string };
  thresholds: {
    /** A stream or source with no event for this many seconds is silent. */
    streamSilentSeconds: number;
    /** An analytics job without a success for this many seconds is stale. */
    analyticsStaleSeconds: number;
  };
  /**
   * Where the runbook is read; alert runbook_url links are `<base>#<anchor>`. Default: the Runbook
   * dashboard Grafana itself serves (a relative link, works offline); GRAFANA_RUNBOOK_BASE_URL at
   * generation time points the links at a published docs/runbook.md instead.
   */
  runbookBaseUrl: string;
}

export const DEFAULT_INFLUX_DATASOURCE_UID = 'cryptocrawler-influxdb';
export const DEFAULT_PROMETHEUS_DATASOURCE_UID = 'cryptocrawler-prometheus';
export const DEFAULT_STREAM_SILENT_SECONDS = 900;
/** Five missed runs of the default one-minute schedule, never less than 10 minutes. */
export const MIN_ANALYTICS_STALE_SECONDS = 600;
/** The Runbook dashboard (grafana/src/dashboards/runbook.ts), relative to Grafana's root URL. */
export const DEFAULT_RUNBOOK_BASE_URL = '/d/cryptocrawler-runbook/cryptocrawler-runbook';

/** GRAFANA_RUNBOOK_BASE_URL when set (an absolute http(s) URL or a path starting with /), else the default. */
export function runbookBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.GRAFANA_RUNBOOK_BASE_URL?.trim();
  if (!v) return DEFAULT_RUNBOOK_BASE_URL;
  if (!/^(https?:\/\/[^\s#]+|\/[^\s#]*)$/.test(v))
    throw new Error(
      `GRAFANA_RUNBOOK_BASE_URL: expected an http(s) URL or a path starting with /, got "${v}"`,
    );
  return v.replace(/\/+$/, '');
}

export const DEFAULT_SETTINGS: GrafanaSettings = {
  org: 'cryptocrawler',
  buckets: { main: 'crypto', raw: 'crypto_raw' },
  datasources: {
    // URLs are the docker-compose service names: Grafana runs on the same internal network.
    influx: { uid: DEFAULT_INFLUX_DATASOURCE_UID, name: 'InfluxDB', url: 'http://influxdb:8086' },
    prometheus: { uid: DEFAULT_PROMETHEUS_DATASOURCE_UID, name: 'Prometheus', url: 'http://prometheus:9090' },
  },
  folder: { title: 'CryptoCrawler', uid: 'cryptocrawler' },
  windows: ['1h', '6h', '24h'],
  defaults: { coin: 'BTC', topic: 'bitcoin' },
  pairs: [
    { coin: 'BTC', topic: 'bitcoin' },
    { coin: 'ETH', topic: 'ethereum' },
  ],
  quote: 'USD',
  variableLookback: '-30d',
  jobs: { collector: 'collector', analytics: 'analytics' },
  thresholds: {
    streamSilentSeconds: DEFAULT_STREAM_SILENT_SECONDS,
    analyticsStaleSeconds: MIN_ANALYTICS_STALE_SECONDS,
  },
  runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
};

export function settingsFromConfig(cfg: Config): GrafanaSettings {
  const coinTopic = cfg.topics.find((t) => t.coin !== undefined && t.coin === cfg.coins[0]);
  return {
    ...DEFAULT_SETTINGS,
    org: cfg.influx.org,
    buckets: { main: cfg.influx.buckets.main.name, raw: cfg.influx.buckets.raw.name },
    windows: [...cfg.analytics.windows],
    defaults: {
      coin: cfg.coins[0] ?? DEFAULT_SETTINGS.defaults.coin,
      topic: coinTopic?.name ?? cfg.topics[0]?.name ?? DEFAULT_SETTINGS.defaults.topic,
    },
    pairs: cfg.topics.flatMap((t) =>
      t.coin !== undefined && cfg.coins.includes(t.coin) ? [{ coin: t.coin, topic: t.name }] : [],
    ),
    quote: cfg.quotes[0] ?? DEFAULT_SETTINGS.quote,
    runbookBaseUrl: runbookBaseUrl(),
    thresholds: {
      ...DEFAULT_SETTINGS.thresholds,
      analyticsStaleSeconds: Math.max(MIN_ANALYTICS_STALE_SECONDS, 5 * cfg.analytics.intervalSeconds),
    },
  };
}

/** Settings from a config file when it exists, else the defaults (generation must work anywhere). */
export function loadSettings(configFile = 'config.yaml'): GrafanaSettings {
  if (!existsSync(configFile)) return DEFAULT_SETTINGS;
  return settingsFromConfig(loadConfigFile(configFile, SOURCE_SCHEMAS));
}
