// Small helpers shared by the integration tests: read a counter or gauge from a service registry, and
// wait (bounded) for a condition.
import type { ServiceRegistry } from '../../src/core/metrics/registry.ts';

/** Sum of a metric's values whose labels include `labels`; 0 when the metric does not exist yet. */
export async function metric(
  m: ServiceRegistry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const got = await m.registry.getSingleMetric(`cryptocrawler_${name}`)?.get();
  return (got?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
    .reduce((a, v) => a + v.value, 0);
}

/** Polls `cond` every 20 ms; throws naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
