// Each analytics instance says which share it evaluates (analytics.partition), so N instances can be
// told apart on one Prometheus and a missing member is visible: sum(analytics_partition_topics) over
// the members of one deployment equals the configured topics exactly when none is missing.
import type { Config } from '../../src/core/config/load.ts';
import { memberLabel, memberOf } from '../../src/core/config/member.ts';
import type { ServiceRegistry } from '../../src/core/metrics/registry.ts';
import type { JobOptions } from '../jobs/options.ts';

export function reportPartition(registry: ServiceRegistry, config: Config, options: JobOptions): void {
  const member = memberOf(config.analytics.partition);
  const partition = memberLabel(member);
  registry
    .gauge('analytics_partition_info', 'This instance\'s analytics.partition ("k/N"); always 1.', [
      'partition',
      'index',
      'count',
    ])
    .set({ partition, index: String(member.index), count: String(member.count) }, 1);
  const share = registry.gauge(
    'analytics_partition_series',
    'Topics, coins and pairs this instance evaluates, by kind.',
    ['partition', 'kind'],
  );
  share.set({ partition, kind: 'topics' }, options.topics.length);
  share.set({ partition, kind: 'coins' }, options.symbols.length);
  share.set({ partition, kind: 'pairs' }, options.pairs.length);
}
