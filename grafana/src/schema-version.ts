// The Grafana release docker-compose.yml runs, and the dashboard schemaVersion each release knows. The
// foundation SDK (0.0.21) emits schemaVersion 42 and `placement: inControlsMenu` on annotations and
// links, both from Grafana 12.2+; the pinned 12.1.1 knows 41 and has no `placement`, so the generated
// files are brought down to what the pinned release reads (pinnedGrafanaDashboard). A test checks that
// compose's image tag equals PINNED_GRAFANA and the emitted schemaVersion equals its row here.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** grafana/grafana-oss image tag in docker-compose.yml. */
export const PINNED_GRAFANA = '12.1.1';

/**
 * Latest dashboard schemaVersion per Grafana minor release. Source: Grafana's migrations
 * (apps/dashboard/pkg/migration/schemaversion/v41.go, v42.go; public/.../DashboardMigrator.ts):
 * v42 (hideFrom.tooltip follows hideFrom.viz) was merged on 2025-09-03 (grafana/grafana#110517)
 * and first released in 12.2; 12.0 and 12.1 end at v41; 11.x ends at v39..v41.
 */
export const SCHEMA_VERSION_BY_GRAFANA: Readonly<Record<string, number>> = {
  '12.0': 41,
  '12.1': 41,
  '12.2': 42,
  '12.3': 42,
};

export function schemaVersionFor(grafanaVersion: string): number {
  const minor = /^(\d+\.\d+)(\.\d+)?$/.exec(grafanaVersion)?.[1];
  const v = minor === undefined ? undefined : SCHEMA_VERSION_BY_GRAFANA[minor];
  if (v === undefined) throw new Error(`no dashboard schemaVersion known for Grafana ${grafanaVersion}`);
  return v;
}

/** Options the SDK writes that Grafana releases before 12.2 do not know. */
const UNKNOWN_BEFORE_12_2 = ['placement'] as const;

/** The dashboard as the pinned Grafana reads it: its schemaVersion, no option it does not know. */
export function pinnedGrafanaDashboard(
  d: dashboard.Dashboard,
  version = PINNED_GRAFANA,
): dashboard.Dashboard {
  const schemaVersion = schemaVersionFor(version);
  const out = { ...d, schemaVersion };
  if (schemaVersion < 42) {
    const strip = <T extends object>(o: T): T => {
      const c = { ...o } as Record<string, unknown>;
      for (const k of UNKNOWN_BEFORE_12_2) delete c[k];
      return c as T;
    };
    if (out.annotations?.list)
      out.annotations = { ...out.annotations, list: out.annotations.list.map(strip) };
    if (out.links) out.links = out.links.map(strip);
  }
  return out;
}
