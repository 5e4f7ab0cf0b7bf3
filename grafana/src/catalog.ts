// Lists every query a generated dashboard holds (panel targets, annotations, template variables), so
// tests can run each one against a real InfluxDB or Prometheus without knowing the panel layout.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

export interface CatalogEntry {
  dashboard: string;
  /** "panel <title>", "annotation <name>" or "variable <name>". */
  where: string;
  refId: string;
  lang: 'flux' | 'promql';
  query: string;
}

interface Target {
  refId?: string;
  datasource?: { type?: string };
  query?: string;
  expr?: string;
}

function entry(dash: string, where: string, t: Target): CatalogEntry | undefined {
  const type = t.datasource?.type;
  if (type === 'influxdb' && t.query)
    return { dashboard: dash, where, refId: t.refId ?? 'A', lang: 'flux', query: t.query };
  if (type === 'prometheus' && t.expr)
    return { dashboard: dash, where, refId: t.refId ?? 'A', lang: 'promql', query: t.expr };
  return undefined;
}

export function catalog(d: dashboard.Dashboard): CatalogEntry[] {
  const uid = d.uid ?? d.title ?? '(untitled)';
  const out: CatalogEntry[] = [];
  for (const p of d.panels ?? []) {
    const panel = p as dashboard.Panel;
    for (const t of (panel.targets ?? []) as Target[]) {
      const e = entry(uid, `panel ${panel.title ?? panel.id}`, {
        ...t,
        datasource: t.datasource ?? panel.datasource,
      });
      if (e) out.push(e);
    }
  }
  for (const a of d.annotations?.list ?? []) {
    const t = (a.target ?? {}) as Target;
    const e = entry(uid, `annotation ${a.name}`, { ...t, datasource: t.datasource ?? a.datasource });
    if (e) out.push(e);
  }
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query' || typeof v.query !== 'string') continue;
    const e = entry(uid, `variable ${v.name}`, {
      refId: v.name,
      datasource: v.datasource,
      query: v.query,
      expr: v.query,
    });
    if (e) out.push(e);
  }
  return out;
}

/**
 * A variable's value as Grafana's template service formats it: `${name}` and `$name` raw,
 * `${name:json}` as a JSON string (quotes, backslashes and control characters escaped), `${name:raw}`
 * raw. Other formats are not used by our dashboards and are refused rather than guessed.
 */
export function formatVariable(value: string, format: string | undefined): string {
  if (format === undefined || format === 'raw') return value;
  if (format === 'json') return JSON.stringify(value);
  throw new Error(`variable format "${format}" is not supported here`);
}

/** ${name}, ${name:format} and $name references, replaced from `vars` (unknown names stay as they are). */
export function interpolateVariables(query: string, vars: Record<string, string>): string {
  return query.replace(
    /\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g,
    (m, a: string | undefined, fmt: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      return name in vars ? formatVariable(vars[name]!, fmt) : m;
    },
  );
}

/**
 * Substitutes what Grafana substitutes before InfluxDB sees a Flux script: the time range and window
 * identifiers (Grafana's flux macros replace them with RFC 3339 times and a duration) and the
 * dashboard variables (single values, formatted as Grafana formats them).
 */
export function interpolateFlux(
  query: string,
  o: { start: Date; stop: Date; windowPeriod: string; vars: Record<string, string> },
): string {
  const q = query
    .replaceAll('v.timeRangeStart', o.start.toISOString())
    .replaceAll('v.timeRangeStop', o.stop.toISOString())
    .replaceAll('v.windowPeriod', o.windowPeriod);
  return interpolateVariables(q, o.vars);
}
