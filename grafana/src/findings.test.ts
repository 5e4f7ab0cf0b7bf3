// One test per finding of issue 14's review of the generated files against Grafana 12.1: each would
// have failed on the files before the fix.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { alertSpecs, allAlertSpecs, runbookUrl } from './alerts.ts';
import { catalog } from './catalog.ts';
import { DASHBOARD_UIDS } from './common.ts';
import { buildDashboards, renderAll } from './generate.ts';
import { PINNED_GRAFANA, SCHEMA_VERSION_BY_GRAFANA, schemaVersionFor } from './schema-version.ts';
import { DEFAULT_RUNBOOK_BASE_URL, DEFAULT_SETTINGS, runbookBaseUrl } from './settings.ts';

const root = new URL('../../', import.meta.url).pathname;
const files = renderAll(DEFAULT_SETTINGS);
const dashboards = buildDashboards(DEFAULT_SETTINGS);
const panels = Object.values(dashboards).flatMap((d) =>
  ((d.panels ?? []) as dashboard.Panel[]).map((p) => ({ d, p })),
);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (path: string) => yaml.load(files.get(path)!) as Record<string, any>;

interface Override {
  matcher: { id: string; options: string };
  properties: { id: string; value: unknown }[];
}
const overrides = (p: dashboard.Panel) => (p.fieldConfig?.overrides ?? []) as Override[];
const prop = (p: dashboard.Panel, field: string, id: string) =>
  overrides(p)
    .filter((o) => o.matcher.options === field)
    .flatMap((o) => o.properties)
    .find((x) => x.id === id)?.value;

describe('issue 14 findings, each fixed', () => {
  it('one folder: the dashboard provider and the alert rules name it by title only', () => {
    const provider = load('grafana/provisioning/dashboards/dashboards.yaml').providers[0] as Record<
      string,
      unknown
    >;
    const rules = load('grafana/provisioning/alerting/rules.yaml').groups[0] as Record<string, unknown>;
    expect(provider.folder).toBe(rules.folder);
    expect(provider).not.toHaveProperty('folderUid');
    expect(rules).not.toHaveProperty('folderUid');
  });

  it('legends are shown on every panel that has one', () => {
    const withLegend = panels.filter(({ p }) => (p.options as { legend?: unknown })?.legend);
    expect(withLegend.length).toBeGreaterThan(10);
    for (const { d, p } of withLegend)
      expect(
        (p.options as { legend: { showLegend: boolean } }).legend.showLegend,
        `${d.uid} ${p.title}`,
      ).toBe(true);
  });

  it("schemaVersion is the pinned Grafana's, compose pins that Grafana, and nothing 12.1 does not know is emitted", () => {
    const compose = readFileSync(`${root}docker-compose.yml`, 'utf8');
    const tag = /image:\s*grafana\/grafana(?:-oss)?:(\S+)/.exec(compose)?.[1];
    expect(tag).toBe(PINNED_GRAFANA);
    expect(schemaVersionFor(tag!)).toBe(41);
    for (const [path, text] of files) {
      if (!path.endsWith('.json')) continue;
      const d = JSON.parse(text) as dashboard.Dashboard;
      expect(d.schemaVersion, path).toBe(schemaVersionFor(PINNED_GRAFANA));
      for (const x of [...(d.annotations?.list ?? []), ...(d.links ?? [])])
        expect(x, path).not.toHaveProperty('placement');
    }
    expect(() => schemaVersionFor('13.0.0')).toThrow(/no dashboard schemaVersion known/);
    expect(SCHEMA_VERSION_BY_GRAFANA['12.2']).toBe(42);
  });

  it('the collector-down rule keeps the job label', () => {
    const q = alertSpecs(DEFAULT_SETTINGS).find((a) => a.uid === 'cryptocrawler-collector-down')!.query;
    expect(q).toMatch(/max by \(job\) \(up\{job="collector"\}\)/);
    expect(q).not.toMatch(/max\(up/);
  });

  it('integer columns are shown without decimals', () => {
    const ints: [string, string][] = [
      ['Latest correlation per window and method', 'n'],
      ['Granger causality (latest test per direction)', 'df_num'],
      ['Granger causality (latest test per direction)', 'df_den'],
      ['Granger causality (latest test per direction)', 'lags'],
      ['Coins', 'posts'],
      ['Coins', 'anomalies_today'],
    ];
    for (const [title, field] of ints) {
      const p = panels.find((x) => x.p.title === title)!.p;
      expect(prop(p, field, 'decimals'), `${title} ${field}`).toBe(0);
    }
  });

  it('rates of posts and points are posts/s and points/s, not req/s; prices carry their currency, one quote per axis', () => {
    const health = (dashboards.collectorHealth.panels ?? []) as dashboard.Panel[];
    const unit = (t: string) => health.find((p) => p.title === t)!.fieldConfig?.defaults?.unit;
    expect(unit('Ingest rate')).toBe('suffix: posts/s');
    expect(unit('Points written')).toBe('suffix: points/s');
    for (const p of health)
      if (p.title !== 'Write errors') expect(p.fieldConfig?.defaults?.unit, p.title).not.toBe('reqps');
    const perQuote = panels.find((x) => x.p.title === 'Price of ${coin} per quote currency')!.p;
    expect(prop(perQuote, 'USD', 'unit')).toBe('currencyUSD');
    expect(prop(perQuote, 'EUR', 'unit')).toBe('currencyEUR');
    expect(prop(perQuote, 'USD', 'custom.axisPlacement')).not.toBe(
      prop(perQuote, 'EUR', 'custom.axisPlacement'),
    );
    const combined = panels.find(
      (x) => x.p.title === '${coin} price, posts about ${topic} and their sentiment',
    )!.p;
    expect(prop(combined, 'price', 'unit')).toBe('currencyUSD');
  });

  it('variables take listed values only, reach Flux JSON-escaped, and topic follows coin', () => {
    for (const d of Object.values(dashboards))
      for (const v of d.templating?.list ?? []) expect(v.allowCustomValue, `${d.uid} ${v.name}`).toBe(false);
    for (const e of Object.values(dashboards)
      .flatMap(catalog)
      .filter((x) => x.lang === 'flux')) {
      // Every variable inside Flux uses the json format; none sits bare inside quotes.
      expect(e.query, e.where).not.toMatch(/"\$\{\w+\}"/);
      for (const m of e.query.matchAll(/\$\{(\w+)(:\w+)?\}/g))
        expect(m[2], `${e.where}: ${m[0]}`).toBe(':json');
    }
    const topic = dashboards.coin.templating!.list!.find((v) => v.name === 'topic')!;
    expect(String(topic.query)).toContain('r.coin == ${coin:json}');
  });

  it('Correlation & lag shows the anomaly and news annotations', () => {
    expect((dashboards.correlationLag.annotations?.list ?? []).map((a) => a.name)).toEqual([
      'Anomalies',
      'News',
    ]);
  });

  it('alert rules link their dashboard panel and a runbook that exists offline', () => {
    const rules = (
      load('grafana/provisioning/alerting/rules.yaml').groups[0] as { rules: Record<string, unknown>[] }
    ).rules;
    const runbook = dashboards.runbook.panels as dashboard.Panel[];
    // Every rule, the trend rules of issue 13 included, links a panel of a provisioned dashboard.
    expect(rules.map((r) => r.uid)).toEqual(allAlertSpecs(DEFAULT_SETTINGS).map((a) => a.uid));
    for (const r of rules) {
      expect(Object.values(DASHBOARD_UIDS), String(r.title)).toContain(r.dashboardUid);
      const d = Object.values(dashboards).find((x) => x.uid === r.dashboardUid);
      expect(d, String(r.title)).toBeDefined();
      expect(
        (d!.panels ?? []).some((p) => p.id === r.panelId),
        String(r.title),
      ).toBe(true);
      const url = (r.annotations as { runbook_url: string }).runbook_url;
      expect(url.startsWith(`/d/${DASHBOARD_UIDS.runbook}/`)).toBe(true);
      const id = Number(/viewPanel=panel-(\d+)/.exec(url)![1]);
      expect(runbook.find((p) => p.id === id)?.title).toBe(r.title);
    }
    expect(runbookBaseUrl({})).toBe(DEFAULT_RUNBOOK_BASE_URL);
    expect(runbookBaseUrl({ GRAFANA_RUNBOOK_BASE_URL: 'https://docs.example/runbook.md/' })).toBe(
      'https://docs.example/runbook.md',
    );
    expect(() => runbookBaseUrl({ GRAFANA_RUNBOOK_BASE_URL: 'javascript:alert(1)' })).toThrow(
      /GRAFANA_RUNBOOK_BASE_URL/,
    );
    const external = { ...DEFAULT_SETTINGS, runbookBaseUrl: 'https://docs.example/runbook.md' };
    expect(allAlertSpecs(external).map((a) => runbookUrl(external, a))).toContain(
      'https://docs.example/runbook.md#collector-down',
    );
  });

  it('no contact point points nowhere: the webhook is opt-in, the default receiver is built in', () => {
    expect([...files.keys()]).not.toContain('grafana/provisioning/alerting/contact-points.yaml');
    const policy = (
      load('grafana/provisioning/alerting/policies.yaml').policies as Record<string, unknown>[]
    )[0]!;
    expect(policy.receiver).toBe('grafana-default-email');
    const webhook = load('grafana/provisioning-optional/webhook/contact-points.yaml');
    expect(JSON.stringify(webhook)).toContain('$ALERT_WEBHOOK_URL');
    const compose = readFileSync(`${root}docker-compose.yml`, 'utf8');
    expect(compose).toContain('if [ -n "$$ALERT_WEBHOOK_URL" ]');
    expect(compose).not.toMatch(/localhost:9\/unset/);
  });

  it('a streaming anomaly episode is one notification: its own route, repeat longer than an episode', () => {
    const policy = (
      load('grafana/provisioning/alerting/policies.yaml').policies as Record<string, unknown>[]
    )[0]!;
    const route = (policy.routes as Record<string, unknown>[])[0]!;
    expect(route.object_matchers).toEqual([['alertname', '=', 'Streaming anomaly']]);
    expect(route.group_by).toEqual(['alertname', 'series', 'symbol', 'topic']);
    expect(route.repeat_interval).toBe('24h');
    const rule = alertSpecs(DEFAULT_SETTINGS).find((a) => a.title === 'Streaming anomaly')!;
    expect(rule.query).toContain('r.method == "streaming"');
    expect(rule.lookbackSeconds).toBe(900);
  });
});
