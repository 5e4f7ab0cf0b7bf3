// One prom-client registry per service (never the global one), so tests can build as many as they
// like and each /metrics shows only its own service. Names follow Prometheus conventions:
// `_total` for counters, `_seconds` for durations, base units everywhere.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRIC_PREFIX = 'cryptocrawler_';

export interface ServiceRegistry {
  registry: Registry;
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<L extends string>(
    name: string,
    help: string,
    labelNames?: readonly L[],
    buckets?: number[],
  ): Histogram<L>;
}

export function createServiceRegistry(
  service: string,
  opts: { defaultMetrics?: boolean } = {},
): ServiceRegistry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  // Metrics are created once per name and shared, so two components asking for the same counter
  // (e.g. two sources counting posts) add to one series family instead of throwing.
  const made = new Map<string, unknown>();
  function once<T>(name: string, make: () => T): T {
    const full = METRIC_PREFIX + name;
    if (!made.has(full)) made.set(full, make());
    return made.get(full) as T;
  }
  return {
    registry,
    counter: (name, help, labelNames = []) =>
      once(name, () => new Counter({ name: METRIC_PREFIX + name, help, labelNames, registers: [registry] })),
    gauge: (name, help, labelNames = []) =>
      once(name, () => new Gauge({ name: METRIC_PREFIX + name, help, labelNames, registers: [registry] })),
    histogram: (name, help, labelNames = [], buckets) =>
      once(
        name,
        () =>
          new Histogram({
            name: METRIC_PREFIX + name,
            help,
            labelNames,
            registers: [registry],
            ...(buckets ? { buckets } : {}),
          }),
      ),
  };
}
