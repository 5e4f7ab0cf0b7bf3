import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { alertSpecs, allAlertSpecs, fires } from './alerts.ts';
import { catalog, interpolateFlux } from './catalog.ts';
import { DASHBOARD_UIDS, GENERATED_MARKER } from './common.ts';
import { buildDashboards, findDrift, renderAll } from './generate.ts';
import { DEFAULT_SETTINGS, loadSettings } from './settings.ts';

const root = new URL('../../', import.meta.url).pathname;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function headingSlugs(md: string): string[] {
  return [...md.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
    m[1]!
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  );
}

describe('generated Grafana files', () => {
  it('equal the committed files (drift test: run `cryptocrawler grafana generate` when this fails)', () => {
    expect(findDrift(root, renderAll(loadSettings(`${root}config.yaml`)))).toEqual([]);
  });

  it('say they are generated, with stable uids, tags, links, refresh and time range', () => {
    const d = buildDashboards(DEFAULT_SETTINGS);
    expect(Object.values(d).map((x) => x.uid)).toEqual(Object.values(DASHBOARD_UIDS));
    for (const x of Object.values(d)) {
      expect(x.description).toContain(GENERATED_MARKER);
      expect(x.tags).toContain('cryptocrawler');
      expect(x.refresh).toBe('30s');
      expect(x.time?.from).toMatch(/^now-\d+[hd]$/);
      expect(x.links?.[0]?.tags).toEqual(['cryptocrawler']);
      const ids = (x.panels ?? []).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    for (const [path, text] of renderAll(DEFAULT_SETTINGS)) {
      if (path.endsWith('.yaml')) expect(text.split('\n')[0]).toBe(`# ${GENERATED_MARKER}`);
      // Every dashboard file Grafana loads is one of DASHBOARD_UIDS (links and alert rules name them).
      if (path.startsWith('grafana/dashboards/'))
        expect(Object.values(DASHBOARD_UIDS), path).toContain((JSON.parse(text) as { uid: string }).uid);
    }
  });

  it('holds a query in every panel, and Flux only against the configured buckets', () => {
    const d = buildDashboards({ ...DEFAULT_SETTINGS, buckets: { main: 'm_b', raw: 'r_b' } });
    for (const x of Object.values(d)) {
      for (const p of x.panels ?? [])
        if (p.type !== 'text') expect((p as { targets?: unknown[] }).targets?.length).toBeGreaterThan(0);
    }
    const all = Object.values(d).flatMap(catalog);
    for (const e of all.filter((x) => x.lang === 'flux')) {
      const buckets = [...e.query.matchAll(/bucket: "([^"]*)"/g)].map((m) => m[1]);
      // Every query reads a bucket, except the topic variable (config pairs, no bucket).
      if (e.where !== 'variable topic') expect(buckets.length, e.where).toBeGreaterThan(0);
      expect(
        buckets.every((b) => b === 'm_b' || b === 'r_b'),
        e.where,
      ).toBe(true);
    }
    // Anomalies and news on the Coin and the Correlation & lag dashboards, emerging terms on Trends.
    expect(
      all.filter((e) => e.where.startsWith('annotation')).map((e) => `${e.dashboard} ${e.refId}`),
    ).toEqual([
      'cryptocrawler-coin Anomalies',
      'cryptocrawler-coin News',
      'cryptocrawler-correlation-lag Anomalies',
      'cryptocrawler-correlation-lag News',
      'cryptocrawler-trends Emerging',
    ]);
    expect(all.filter((e) => e.where.startsWith('variable')).map((e) => e.refId)).toEqual([
      'coin',
      'topic',
      'coin',
      'topic',
      'topic',
    ]);
  });

  it('writes alert rules in the file-provisioning shape, each with states, summary and a runbook anchor', () => {
    const file = yaml.load(renderAll(DEFAULT_SETTINGS).get('grafana/provisioning/alerting/rules.yaml')!) as {
      apiVersion: number;
      groups: {
        orgId: number;
        name: string;
        folder: string;
        interval: string;
        rules: Record<string, unknown>[];
      }[];
    };
    expect(file.apiVersion).toBe(1);
    const g = file.groups[0]!;
    expect(g).toMatchObject({ orgId: 1, name: 'cryptocrawler', folder: 'CryptoCrawler', interval: '1m' });
    expect(g.rules.map((r) => r.title)).toEqual([
      'Streaming anomaly',
      'Collector down',
      'Stream silent',
      'Writes failing',
      'Analytics stale',
      'Emerging term',
    ]);
    const runbook = readFileSync(`${root}docs/runbook.md`, 'utf8');
    for (const r of g.rules) {
      expect(Object.keys(r)).not.toContain('folderUID');
      expect(r.noDataState).toMatch(/^(OK|Alerting|NoData|KeepLast)$/);
      expect(r.execErrState).toMatch(/^(OK|Alerting|Error|KeepLast)$/);
      const a = r.annotations as Record<string, string>;
      expect(a.summary && a.description).toBeTruthy();
      expect(a.runbook_url).toMatch(
        /^\/d\/cryptocrawler-runbook\/cryptocrawler-runbook\?viewPanel=panel-\d$/,
      );
      const spec = allAlertSpecs(DEFAULT_SETTINGS).find((x) => x.uid === r.uid)!;
      expect(headingSlugs(runbook)).toContain(spec.anchor);
      const data = r.data as { refId: string; datasourceUid: string; model: { refId: string } }[];
      expect(data.map((q) => q.refId)).toEqual(['A', 'B', 'C']);
      for (const q of data) expect(q.model.refId).toBe(q.refId);
    }
  });

  it('decides alerts the way the threshold expression does', () => {
    const [anomaly, , silent] = alertSpecs(DEFAULT_SETTINGS);
    expect(fires(anomaly!, 0)).toBe(false);
    expect(fires(anomaly!, 1)).toBe(true);
    expect(fires(silent!, DEFAULT_SETTINGS.thresholds.streamSilentSeconds + 1)).toBe(true);
  });

  it('substitutes Grafana variables and time macros like Grafana does for Flux', () => {
    const q = interpolateFlux(
      'range(start: v.timeRangeStart, stop: v.timeRangeStop) every: v.windowPeriod "${coin}" "$topic" "$other" ${coin:json}',
      {
        start: new Date('2024-01-01T00:00:00Z'),
        stop: new Date('2024-01-02T00:00:00Z'),
        windowPeriod: '1m',
        vars: { coin: 'B"T\\C', topic: 'bitcoin' },
      },
    );
    expect(q).toBe(
      'range(start: 2024-01-01T00:00:00.000Z, stop: 2024-01-02T00:00:00.000Z) every: 1m "B"T\\C" "bitcoin" "$other" "B\\"T\\\\C"',
    );
  });

  it("match prometheus/prometheus.yml: the alert rules' job names are scraped, with honor_labels", () => {
    const cfg = yaml.load(readFileSync(`${root}prometheus/prometheus.yml`, 'utf8')) as {
      scrape_configs: { job_name: string; honor_labels?: boolean; static_configs: { targets: string[] }[] }[];
    };
    const jobs = new Map(cfg.scrape_configs.map((j) => [j.job_name, j]));
    expect(jobs.get(DEFAULT_SETTINGS.jobs.collector)).toMatchObject({
      honor_labels: true,
      static_configs: [{ targets: ['collector:9464'] }],
    });
    expect(jobs.get(DEFAULT_SETTINGS.jobs.analytics)).toMatchObject({
      honor_labels: true,
      static_configs: [{ targets: ['analytics:9465'] }],
    });
  });
});
