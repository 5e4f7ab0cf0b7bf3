// Builds what every source receives. Used by the `collect` service and by source tests alike, so a
// test exercises the same wiring as production.
import { join } from 'node:path';
import type { SourceContext } from '../../collectors/source.ts';
import { SocialPipeline } from '../../collectors/social/pipeline.ts';
import { createTopicRouter } from '../../collectors/social/routing/index.ts';
import { createSentimentScorer } from '../../collectors/social/sentiment/index.ts';
import type { Config } from '../core/config/load.ts';
import { memberOf } from '../core/config/member.ts';
import { silentLogger, type Logger } from '../core/log.ts';
import { createServiceRegistry, type ServiceRegistry } from '../core/metrics/registry.ts';
import type { PointWriter } from '../core/write/writer.ts';

export interface ContextOptions {
  config: Config;
  writer: PointWriter;
  metrics?: ServiceRegistry;
  log?: Logger;
  /** Where sources keep cursors and the pipeline its rollup state (default: <spool dir>/../state). */
  stateDir?: string;
  now?: () => number;
}

export function buildSourceContext(o: ContextOptions): SourceContext {
  const metrics = o.metrics ?? createServiceRegistry('collector', { defaultMetrics: false });
  const log = o.log ?? silentLogger;
  const now = o.now ?? Date.now;
  const stateDir = o.stateDir ?? join(o.config.influx.spool.dir, '..', 'state');
  const router = createTopicRouter(o.config.topics);
  const sentiment = createSentimentScorer();
  const social = new SocialPipeline({
    writer: o.writer,
    router,
    scorer: sentiment,
    metrics,
    log,
    rollupIntervalMs: o.config.rollup.intervalSeconds * 1000,
    stateFile: join(stateDir, 'rollups.json'),
    shard: memberOf(o.config.collector.shard),
    instance: o.config.collector.instance,
    now,
    ...(o.config.trends
      ? { trends: { config: o.config.trends, coinOf: (t: string) => router.coinOf(t) } }
      : {}),
  });
  return { config: o.config, writer: o.writer, metrics, log, stateDir, social, sentiment, router, now };
}
