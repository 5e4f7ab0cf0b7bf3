// The one Flux string literal every query builder uses (analytics, dashboards, report, backfill).
// Flux strings take `\\`, `\"`, `\n`, `\r`, `\t` and `\$` escapes, and `${` starts an interpolation:
// escaping every `$` keeps a value such as `${x}` inert in Flux and, inside a dashboard, keeps
// Grafana from reading it as a variable. test/flux-string.test.ts round-trips values through a real
// influxd.

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  $: '\\$',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A Flux string literal holding exactly `value`. */
export function fluxString(value: string): string {
  return `"${value.replace(/[\\"$\n\r\t]/g, (c) => ESCAPES[c] as string)}"`;
}
