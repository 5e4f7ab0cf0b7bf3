// Panel targets. The foundation SDK ships no InfluxDB dataquery, so this is the small one Grafana's
// InfluxDB datasource reads in Flux mode ({refId, datasource, query}); Prometheus uses the SDK's own.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type { FluxQuery } from './flux.ts';
import type { GrafanaSettings } from './settings.ts';

export interface InfluxFluxQuery extends cog.Dataquery {
  refId: string;
  datasource: { type: 'influxdb'; uid: string };
  query: string;
  hide?: boolean;
}

export class InfluxQueryBuilder implements cog.Builder<cog.Dataquery> {
  constructor(
    private readonly uid: string,
    private readonly flux: FluxQuery | string,
    private readonly ref = 'A',
  ) {}
  build(): InfluxFluxQuery {
    return {
      refId: this.ref,
      datasource: { type: 'influxdb', uid: this.uid },
      query: String(this.flux),
      // cog's marker method; JSON.stringify leaves functions out, so it never reaches the file.
      _implementsDataqueryVariant: () => undefined,
    };
  }
}

export function influx(s: GrafanaSettings, flux: FluxQuery | string, refId = 'A'): InfluxQueryBuilder {
  return new InfluxQueryBuilder(s.datasources.influx.uid, flux, refId);
}

export function influxRef(s: GrafanaSettings): { type: string; uid: string } {
  return { type: 'influxdb', uid: s.datasources.influx.uid };
}

export function promRef(s: GrafanaSettings): { type: string; uid: string } {
  return { type: 'prometheus', uid: s.datasources.prometheus.uid };
}

export function prom(
  s: GrafanaSettings,
  expr: string,
  legend: string,
  refId = 'A',
): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(promRef(s))
    .expr(expr)
    .legendFormat(legend)
    .range()
    .refId(refId);
}
