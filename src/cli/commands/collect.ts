import type { Command } from 'commander';
import { startCollector } from '../../collector/service.ts';
import { createLogger } from '../../core/log.ts';
import type { Config } from '../../core/config/load.ts';
import { collectorSchema } from '../../core/config/schema.ts';
import { readSecret } from '../../core/secrets.ts';
import { loadConfig } from '../context.ts';
import { untilSignal } from '../signals.ts';

interface CollectOptions {
  sources?: string;
  influxUrl?: string;
  shard?: string;
  instance?: string;
}

/** --shard and --instance over config.yaml's `collector:`, validated by the same schema. */
function collectorOverride(c: Config['collector'], opts: CollectOptions): Config['collector'] {
  const r = collectorSchema.safeParse({
    shard: opts.shard ?? c.shard,
    instance: opts.instance ?? c.instance,
  });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`--${String(issue.path[0])}: ${issue.message}`);
  }
  return r.data;
}

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .summary('run the collectors until SIGTERM/SIGINT')
    .description(
      'Run the enabled sources (config.yaml `sources:`), write posts, rollups, prices and news to InfluxDB,\n' +
        'and serve /metrics, /healthz and /readyz. SIGTERM stops the sources, flushes and exits cleanly.\n' +
        'Token: INFLUX_COLLECTOR_TOKEN or INFLUX_TOKEN (or the _FILE variants).',
    )
    .option('--sources <names>', 'comma-separated sources to run regardless of `enabled`')
    .option('--influx-url <url>', 'override influx.url')
    .option('--shard <k/N>', 'override collector.shard (e.g. 2/4: the posts whose id hashes to 2 mod 4)')
    .option('--instance <name>', 'override collector.instance (replicas of one shard need different names)')
    .action(async (opts: CollectOptions, cmd: Command) => {
      const cfg = loadConfig(cmd);
      if (opts.influxUrl) cfg.influx.url = opts.influxUrl;
      cfg.collector = collectorOverride(cfg.collector, opts);
      const token = readSecret('INFLUX_COLLECTOR_TOKEN') ?? readSecret('INFLUX_TOKEN');
      if (!token)
        throw new Error('collect needs INFLUX_COLLECTOR_TOKEN or INFLUX_TOKEN (or a _FILE variant)');
      const log = createLogger(cfg.log.level);
      const collector = await startCollector({
        config: cfg,
        token,
        log,
        ...(opts.sources ? { sources: opts.sources.split(',').map((s) => s.trim()) } : {}),
      });
      log.info(
        { sources: collector.running.map((r) => r.def.name), health: collector.health?.url },
        'collecting',
      );
      const signal = await untilSignal();
      log.info({ signal }, 'stopping');
      await collector.stop();
      const text = await collector.ctx.metrics.registry.metrics();
      const sum = (name: string): number =>
        [...text.matchAll(new RegExp(`^cryptocrawler_${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))].reduce(
          (a, m) => a + Number(m[1]),
          0,
        );
      log.info(
        {
          postsAccepted: sum('posts_received_total'),
          pointsWritten: sum('points_written_total'),
          pointsDropped: sum('points_dropped_total'),
          spooledLines: collector.writer.bufferedLines(),
        },
        'collector stopped cleanly',
      );
    });
}
