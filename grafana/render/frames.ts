// Query results as Grafana-like data frames (a name and typed columns), so the page draws a Flux table
// and a Prometheus matrix the same way. Pure: rows in, frames out.

export interface Field {
  name: string;
  type: 'time' | 'number' | 'string' | 'boolean';
  /** Times as epoch milliseconds. */
  values: (number | string | boolean | null)[];
}

export interface Frame {
  /** Series label: the group-key values that tell this table from the others (e.g. "x", "pos"). */
  name: string;
  refId: string;
  fields: Field[];
}

/** Columns of Flux's annotated CSV that carry no data for a panel. */
const META = new Set(['result', 'table', '_start', '_stop', '_measurement']);

function typeOf(values: unknown[]): Field['type'] {
  const v = values.find((x) => x !== null && x !== undefined && x !== '');
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return 'string';
}

/**
 * Flux rows (as @influxdata/influxdb-client's collectRows returns them, one `table` index per
 * table) to one frame per table. String columns that hold one value in the whole table (the group
 * key: source, topic, _field, quote) name the frame; `_value` takes that name, as Grafana does.
 */
export function fluxFrames(rows: Record<string, unknown>[], refId: string): Frame[] {
  const tables = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const k = `${String(r.result ?? '')}/${String(r.table ?? 0)}`;
    const t = tables.get(k);
    if (t) t.push(r);
    else tables.set(k, [r]);
  }
  const frames: Frame[] = [];
  for (const t of tables.values()) {
    const cols = [...new Set(t.flatMap((r) => Object.keys(r)))].filter((c) => !META.has(c));
    const fields: Field[] = [];
    const labels: string[] = [];
    for (const c of cols) {
      const values = t.map((r) => (r[c] === undefined || r[c] === '' ? null : r[c])) as Field['values'];
      if (c === '_time') {
        fields.push({
          name: '_time',
          type: 'time',
          values: values.map((v) => (v === null ? null : Date.parse(String(v)))),
        });
        continue;
      }
      const type = typeOf(values);
      const constant = t.length > 1 && values.every((v) => v === values[0]);
      if (
        type === 'string' &&
        (constant || (t.length === 1 && c.startsWith('_'))) &&
        c !== 'text' &&
        values[0] !== null
      )
        labels.push(String(values[0]));
      fields.push({ name: c, type, values });
    }
    const name = labels.join(' ');
    // Label columns stay in table frames; `_value` is renamed after its labels for charts.
    for (const f of fields) if (f.name === '_value' && name) f.name = name;
    frames.push({ name, refId, fields });
  }
  return frames;
}

export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** Grafana's legend format: {{label}} replaced by the series' label value. */
export function legendName(format: string | undefined, metric: Record<string, string>): string {
  if (!format)
    return (
      Object.entries(metric)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ') || 'value'
    );
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => metric[k] ?? '');
}

/** A Prometheus range-query matrix to one frame per series (time, value). */
export function promFrames(series: PromSeries[], refId: string, legend?: string): Frame[] {
  return series.map((s) => {
    const name = legendName(legend, s.metric);
    return {
      name,
      refId,
      fields: [
        { name: '_time', type: 'time', values: s.values.map(([t]) => t * 1000) },
        {
          name,
          type: 'number',
          values: s.values.map(([, v]) => (Number.isFinite(Number(v)) ? Number(v) : null)),
        },
      ],
    };
  });
}

/** How many values a frame holds that a panel can draw (non-null numbers, or any cell for tables). */
export function dataPoints(frames: Frame[]): number {
  let n = 0;
  for (const f of frames)
    for (const fld of f.fields) if (fld.type !== 'time') n += fld.values.filter((v) => v !== null).length;
  return n;
}
