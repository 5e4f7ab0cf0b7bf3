// What Grafana puts into a query before a datasource sees it: the time range, the interval the panel
// asks for, and the dashboard variables. Pure, so the renderer and the tests substitute alike.
import { interpolateFlux, interpolateVariables } from '../src/catalog.ts';

/** Grafana-like nice intervals (seconds), the ones its interval calculation rounds to. */
const NICE = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];

/**
 * The interval for a range: range / maxDataPoints rounded up to a nice value, never below the
 * datasource's minimum (InfluxDB `timeInterval` 1m, Prometheus scrape interval).
 */
export function intervalSeconds(rangeMs: number, minSeconds: number, maxDataPoints = 500): number {
  const raw = rangeMs / 1000 / maxDataPoints;
  const nice = NICE.find((n) => n >= raw) ?? NICE[NICE.length - 1]!;
  return Math.max(nice, minSeconds);
}

export function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export interface TimeContext {
  start: Date;
  stop: Date;
  vars: Record<string, string>;
}

/** A Flux panel query as Grafana's InfluxDB datasource sends it (window from its 1m minimum). */
export function fluxQuery(q: string, t: TimeContext): string {
  const window = duration(intervalSeconds(t.stop.getTime() - t.start.getTime(), 60));
  return interpolateFlux(q, { start: t.start, stop: t.stop, windowPeriod: window, vars: t.vars });
}

/**
 * A PromQL expression with Grafana's macros: $__interval (the step), $__rate_interval (max of
 * step + scrape interval and four scrape intervals), $__range, and the variables.
 */
export function promQuery(
  expr: string,
  t: TimeContext,
  scrapeSeconds: number,
): { expr: string; stepSeconds: number } {
  const rangeMs = t.stop.getTime() - t.start.getTime();
  const step = intervalSeconds(rangeMs, scrapeSeconds);
  const rate = Math.max(step + scrapeSeconds, 4 * scrapeSeconds);
  const out = expr
    .replaceAll('$__rate_interval', duration(rate))
    .replaceAll('$__interval', duration(step))
    .replaceAll('$__range', duration(Math.round(rangeMs / 1000)));
  return { expr: interpolateVariables(out, t.vars), stepSeconds: step };
}
