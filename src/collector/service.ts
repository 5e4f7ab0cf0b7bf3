// The collector service: starts the enabled sources, ticks the social rollups, serves /metrics,
// /healthz and /readyz, and shuts down in order: sources first (no new points), then the rollups
// still open, then the writer (flush, drain, spool what remains), then the health server.
import { resolve } from 'node:path';
import { SOURCES } from '../../collectors/all.ts';
import type { Source, SourceContext, SourceDefinition } from '../../collectors/source.ts';
import type { Config } from '../core/config/load.ts';
import { silentLogger, type Logger } from '../core/log.ts';
import { createServiceRegistry, type ServiceRegistry } from '../core/metrics/registry.ts';
import { startHealthServer, type HealthServer } from '../core/metrics/server.ts';
import { DiskSpool } from '../core/write/spool.ts';
import { InfluxWriter } from '../core/write/writer.ts';
import { memberLabel, memberOf } from '../core/config/member.ts';
import { buildSourceContext } from './context.ts';

export interface CollectorOptions {
  config: Config;
  token: string;
  log?: Logger;
  metrics?: ServiceRegistry;
  /** Run these sources whatever `enabled` says (e.g. the demo's simulate). */
  sources?: string[];
  /** Serve health on this port instead of the configured one (0 = any free port; null = none). */
  port?: number | null;
  /** Override for state and spool directories (tests, demo). */
  dataDir?: string;
}

export interface Collector {
  ctx: SourceContext;
  writer: InfluxWriter;
  health: HealthServer | undefined;
  running: Array<{ def: SourceDefinition; source: Source }>;
  stop(): Promise<void>;
}

export const ROLLUP_TICK_MS = 1000;
export const STATE_SAVE_MS = 5000;

export async function startCollector(o: CollectorOptions): Promise<Collector> {
  const cfg = o.config;
  const log = (o.log ?? silentLogger).child({ component: 'collector' });
  const metrics = o.metrics ?? createServiceRegistry('collector');
  const spoolDir = o.dataDir ? resolve(o.dataDir, 'spool') : resolve(cfg.influx.spool.dir);
  const stateDir = o.dataDir ? resolve(o.dataDir, 'state') : resolve(cfg.influx.spool.dir, '..', 'state');
  const spool = new DiskSpool({
    dir: spoolDir,
    maxBytes: cfg.influx.spool.maxBytes,
    syncIntervalMs: cfg.influx.spool.syncIntervalMs,
    metrics,
  });
  const writer = new InfluxWriter({
    url: cfg.influx.url,
    token: o.token,
    org: cfg.influx.org,
    buckets: { raw: cfg.influx.buckets.raw.name, main: cfg.influx.buckets.main.name },
    ...cfg.influx.write,
    metrics,
    log,
    spool,
  });
  const ctx = buildSourceContext({ config: cfg, writer, metrics, log, stateDir });

  const wanted =
    o.sources ??
    Object.entries(cfg.sources)
      .filter(([, s]) => s.enabled)
      .map(([n]) => n);
  const running: Collector['running'] = [];
  const sourceUp = metrics.gauge('source_up', 'Whether a source is running (1) or not (0).', ['source']);
  const shard = memberOf(cfg.collector.shard);
  metrics
    .gauge('collector_shard_info', 'This collector\'s shard ("k/N") and instance; always 1.', [
      'shard',
      'instance',
    ])
    .set({ shard: memberLabel(shard), instance: cfg.collector.instance }, 1);
  for (const name of wanted) {
    const def = SOURCES.find((s) => s.name === name);
    if (!def) throw new Error(`unknown source "${name}"; known: ${SOURCES.map((s) => s.name).join(', ')}`);
    // Prices and news are not split by post id: shard 0 (and its replicas) alone polls them, so N
    // shards cost the APIs what one collector does (docs/scaling.md).
    if (def.kind !== 'social' && shard.index !== 0) {
      log.info({ source: name, shard: cfg.collector.shard }, 'source left to shard 0');
      continue;
    }
    // A source named on the command line but absent from config runs with its schema's defaults.
    const section = cfg.sources[name] ?? (def.configSchema.parse({}) as { enabled: boolean });
    running.push({ def, source: def.create(ctx, { ...section, enabled: true }) });
  }

  let ticking = false;
  let lastSave = Date.now();
  const tick = setInterval(() => {
    if (ticking) return;
    ticking = true;
    try {
      ctx.social.tick();
      if (Date.now() - lastSave >= STATE_SAVE_MS) {
        ctx.social.saveState();
        lastSave = Date.now();
      }
      for (const r of running) sourceUp.set({ source: r.def.name }, r.source.state() === 'running' ? 1 : 0);
    } finally {
      ticking = false;
    }
  }, ROLLUP_TICK_MS);
  tick.unref();

  let health: HealthServer | undefined;
  if (o.port !== null) {
    health = await startHealthServer({
      host: cfg.services.collector.host,
      port: o.port ?? cfg.services.collector.port,
      registry: metrics.registry,
      readiness: () => {
        const down = running.filter((r) => !['running', 'reconnecting'].includes(r.source.state()));
        if (down.length)
          return `sources not running: ${down.map((r) => `${r.def.name}=${r.source.state()}`).join(', ')}`;
        if (writer.failing()) return 'writes to InfluxDB are failing (points are spooled to disk)';
        return null;
      },
    });
  }

  for (const r of running) {
    await r.source.start();
    log.info({ source: r.def.name }, 'source started');
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(tick);
      await Promise.allSettled(running.map((r) => r.source.stop()));
      ctx.social.flushAll();
      await writer.close();
      await health?.close();
      log.info('collector stopped');
    })());
  return { ctx, writer, health, running, stop };
}
