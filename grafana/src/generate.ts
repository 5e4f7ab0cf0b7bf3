// Renders every generated Grafana file to text, and writes or checks them. `cryptocrawler grafana
// generate` writes; `grafana check` and the drift test compare the committed files with this output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import yaml from 'js-yaml';
import { alertRulesFile } from './alerts.ts';
import { GENERATED_MARKER } from './common.ts';
import { coinDashboard } from './dashboards/coin.ts';
import { collectorHealthDashboard } from './dashboards/collector-health.ts';
import { correlationLagDashboard } from './dashboards/correlation-lag.ts';
import { overviewDashboard } from './dashboards/overview.ts';
import { runbookDashboard } from './dashboards/runbook.ts';
import { TRENDS_DASHBOARD_FILE, trendsDashboard } from './dashboards/trends.ts';
import {
  CONTACT_POINT,
  WEBHOOK_DIR,
  contactPointsFile,
  dashboardProvidersFile,
  datasourcesFile,
  policiesFile,
} from './provisioning.ts';
import { pinnedGrafanaDashboard } from './schema-version.ts';
import type { GrafanaSettings } from './settings.ts';

/** Paths relative to the repository root. */
export const DASHBOARD_FILES = {
  overview: 'grafana/dashboards/overview.json',
  coin: 'grafana/dashboards/coin.json',
  correlationLag: 'grafana/dashboards/correlation-lag.json',
  collectorHealth: 'grafana/dashboards/collector-health.json',
  runbook: 'grafana/dashboards/runbook.json',
  trends: TRENDS_DASHBOARD_FILE,
} as const;

/** The dashboards as Grafana JSON models, with the defaults pass applied. */
export function buildDashboards(
  s: GrafanaSettings,
): Record<keyof typeof DASHBOARD_FILES, dashboard.Dashboard> {
  return {
    overview: finish(overviewDashboard(s).build()),
    coin: finish(coinDashboard(s).build()),
    correlationLag: finish(correlationLagDashboard(s).build()),
    collectorHealth: finish(collectorHealthDashboard(s).build()),
    runbook: finish(runbookDashboard(s).build()),
    trends: finish(trendsDashboard(s).build()),
  };
}

/**
 * What every generated dashboard gets after the SDK: stable panel ids in layout order (links and
 * alert rules reference them), legends shown (the SDK defaults showLegend to false, which hides which
 * series is which), and only what the pinned Grafana knows (schema-version.ts).
 */
export function finish(d: dashboard.Dashboard): dashboard.Dashboard {
  (d.panels ?? []).forEach((p, i) => {
    p.id = i + 1;
    const legend = (p as dashboard.Panel).options?.legend as { showLegend?: boolean } | undefined;
    if (legend) legend.showLegend = true;
  });
  return pinnedGrafanaDashboard(d);
}

function yamlFile(body: Record<string, unknown>): string {
  // The JSON round trip drops the SDK's marker methods and undefined values, as the JSON files do.
  const plain = JSON.parse(JSON.stringify(body)) as unknown;
  return `# ${GENERATED_MARKER}\n${yaml.dump(plain, { lineWidth: -1, noRefs: true, sortKeys: false })}`;
}

/** Every generated file: path -> content. */
export function renderAll(s: GrafanaSettings): Map<string, string> {
  const files = new Map<string, string>();
  const dashboards = buildDashboards(s);
  for (const [key, path] of Object.entries(DASHBOARD_FILES)) {
    files.set(path, `${JSON.stringify(dashboards[key as keyof typeof DASHBOARD_FILES], null, 2)}\n`);
  }
  files.set('grafana/provisioning/datasources/datasources.yaml', yamlFile(datasourcesFile(s)));
  files.set('grafana/provisioning/dashboards/dashboards.yaml', yamlFile(dashboardProvidersFile(s)));
  files.set('grafana/provisioning/alerting/rules.yaml', yamlFile(alertRulesFile(s, dashboards)));
  files.set('grafana/provisioning/alerting/policies.yaml', yamlFile(policiesFile()));
  files.set(`${WEBHOOK_DIR}/contact-points.yaml`, yamlFile(contactPointsFile()));
  files.set(`${WEBHOOK_DIR}/policies.yaml`, yamlFile(policiesFile(CONTACT_POINT.name)));
  return files;
}

export function writeAll(root: string, files: Map<string, string>): string[] {
  const written: string[] = [];
  for (const [path, text] of files) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    let old: string | undefined;
    try {
      old = readFileSync(full, 'utf8');
    } catch {
      old = undefined;
    }
    if (old !== text) {
      writeFileSync(full, text);
      written.push(path);
    }
  }
  return written;
}

/** Paths whose committed content differs from the generated one (missing files included). */
export function findDrift(root: string, files: Map<string, string>): string[] {
  const drift: string[] = [];
  for (const [path, text] of files) {
    let old: string | undefined;
    try {
      old = readFileSync(join(root, path), 'utf8');
    } catch {
      old = undefined;
    }
    if (old !== text) drift.push(path);
  }
  return drift;
}
