// The one Flux string literal every query builder uses (analytics, dashboards, report, backfill).
// Flux strings take the escapes `\\`, `\"`, `\n`, `\r`, `\t` and `\${`; a bare `${` starts an
// interpolation, and a lone `\$` is a syntax error (checked against influxd 2.7.12), so only `${` is
// escaped: a value such as `${x}` stays inert in Flux and, inside a dashboard, Grafana does not read
// it as a variable. test/flux-string.test.ts round-trips values through a real influxd.

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  '${': '\\${',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A Flux string literal holding exactly `value`. */
export function fluxString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]|\$\{/g, (c) => ESCAPES[c] as string)}"`;
}
