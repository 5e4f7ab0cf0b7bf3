// The core of config.yaml: everything but the per-source sections, which each source validates with
// its own schema (collectors/<kind>/<name>/config.ts) so that adding a source touches no core file.
// Defaults here are the documented defaults; config/defaults.test.ts pins them.
import { z } from 'zod';
import { parseDurationSeconds } from './duration.ts';
import { parseMember } from './member.ts';
import { trendsConfigSchema } from '../../../collectors/social/trends/config.ts';

export const DEFAULT_BATCH_SIZE = 5000;
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
export const DEFAULT_GZIP_THRESHOLD_BYTES = 1000;
export const DEFAULT_MAX_RETRY_TIME_MS = 60_000;
export const DEFAULT_MAX_BUFFER_LINES = 200_000;
export const DEFAULT_SPOOL_MAX_BYTES = 512 * 1024 * 1024;
export const DEFAULT_ROLLUP_INTERVAL_SECONDS = 60;
export const DEFAULT_ANALYTICS_BUCKET_SECONDS = 60;
export const DEFAULT_ANALYTICS_WINDOWS = ['1h', '6h', '24h'];
export const DEFAULT_MAX_LAG_MINUTES = 60;
export const DEFAULT_ANALYTICS_INTERVAL_SECONDS = 60;
export const DEFAULT_STREAMING_TICK_SECONDS = 0.25;
export const DEFAULT_STREAMING_SETTLE_SECONDS = 7;
export const DEFAULT_STREAMING_WARMUP = '1d';

/** A duration written as "<n><s|m|h|d|w>", e.g. "6h". */
export const durationString = z.string().refine((v) => parseDurationSeconds(v) !== undefined, {
  message: 'expected a duration like "90s", "15m", "6h" or "7d"',
});

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'expected a lower-case name: letters, digits, "_" or "-", at most 40');

const coinSymbol = z.string().regex(/^[A-Z0-9]{2,10}$/, 'expected an upper-case coin symbol such as "BTC"');

const port = z.number().int().min(0).max(65_535);

/** "k/N" (see member.ts); collector.shard and analytics.partition share the notation. */
function memberText() {
  return z.string().superRefine((v, ctx) => {
    const m = parseMember(v);
    if ('error' in m) ctx.addIssue({ code: 'custom', message: m.error });
  });
}

/** Which posts this collector handles and who it is; docs/scaling.md. */
export const collectorSchema = z
  .object({
    /** "k/N": this collector keeps the posts whose id hashes to k mod N. "0/1" = every post. */
    shard: memberText().default('0/1'),
    /** Tags this collector's rollups; replicas of one shard need different names. */
    instance: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'expected a name of letters, digits, "_", "." or "-"')
      .default('default'),
  })
  .strict();

export const topicSchema = z
  .object({
    name: identifier,
    keywords: z.array(z.string().min(1)).min(1, 'expected at least one keyword'),
    coin: coinSymbol.optional(),
  })
  .strict();

export const bucketSchema = z
  .object({
    name: z.string().min(1),
    /** 0 keeps data forever. */
    retention: z.union([z.literal('forever'), durationString]).default('forever'),
  })
  .strict();

export const influxSchema = z
  .object({
    url: z.url({ message: 'expected an http(s) URL such as "http://127.0.0.1:8086"' }),
    org: z.string().min(1),
    buckets: z
      .object({
        /** Raw posts and headlines: short retention. */
        raw: bucketSchema.default({ name: 'crypto_raw', retention: '7d' }),
        /** Rollups, prices and analytics: what dashboards read. */
        main: bucketSchema.default({ name: 'crypto', retention: 'forever' }),
      })
      .strict(),
    write: z
      .object({
        batchSize: z.number().int().min(1).max(100_000).default(DEFAULT_BATCH_SIZE),
        flushIntervalMs: z.number().int().min(10).max(60_000).default(DEFAULT_FLUSH_INTERVAL_MS),
        gzipThresholdBytes: z.number().int().min(0).default(DEFAULT_GZIP_THRESHOLD_BYTES),
        maxRetryTimeMs: z.number().int().min(0).default(DEFAULT_MAX_RETRY_TIME_MS),
        maxBufferLines: z.number().int().min(1000).default(DEFAULT_MAX_BUFFER_LINES),
      })
      .strict()
      .default({
        batchSize: DEFAULT_BATCH_SIZE,
        flushIntervalMs: DEFAULT_FLUSH_INTERVAL_MS,
        gzipThresholdBytes: DEFAULT_GZIP_THRESHOLD_BYTES,
        maxRetryTimeMs: DEFAULT_MAX_RETRY_TIME_MS,
        maxBufferLines: DEFAULT_MAX_BUFFER_LINES,
      }),
    spool: z
      .object({
        dir: z.string().min(1).default('.cryptocrawler/spool'),
        maxBytes: z
          .number()
          .int()
          .min(1024 * 1024)
          .default(DEFAULT_SPOOL_MAX_BYTES),
        syncIntervalMs: z.number().int().min(10).max(60_000).default(1000),
      })
      .strict()
      .default({ dir: '.cryptocrawler/spool', maxBytes: DEFAULT_SPOOL_MAX_BYTES, syncIntervalMs: 1000 }),
  })
  .strict();

export const analyticsSchema = z
  .object({
    bucketSeconds: z.number().int().min(1).max(86_400).default(DEFAULT_ANALYTICS_BUCKET_SECONDS),
    windows: z.array(durationString).min(1).default(DEFAULT_ANALYTICS_WINDOWS),
    maxLagMinutes: z.number().int().min(1).max(1440).default(DEFAULT_MAX_LAG_MINUTES),
    intervalSeconds: z.number().int().min(5).max(86_400).default(DEFAULT_ANALYTICS_INTERVAL_SECONDS),
    lookback: durationString.default('24h'),
    runTimeoutSeconds: z.number().int().min(1).max(3600).default(50),
    minPoints: z.number().int().min(5).default(30),
    grangerLags: z.number().int().min(1).max(60).default(5),
    /** Price rows of this `source` tag only (e.g. "cryptocompare"); null reads every source. */
    priceSource: z.string().min(1).nullable().default(null),
    /** "k/N": this instance evaluates its share of the coins and topics (a hash ring); "0/1" = all. */
    partition: memberText().default('0/1'),
    anomalies: z
      .object({
        maxAnoms: z.number().gt(0).max(0.49).default(0.02),
        alpha: z.number().gt(0).lt(1).default(0.05),
        direction: z.enum(['pos', 'neg', 'both']).default('both'),
        /** Seasonal period; "1d" suits minute data with a daily cycle. */
        period: durationString.default('1d'),
        /** How far back the detector looks each run; must hold at least two periods. */
        lookback: durationString.default('3d'),
      })
      .strict()
      .default({ maxAnoms: 0.02, alpha: 0.05, direction: 'both', period: '1d', lookback: '3d' }),
    /** The streaming anomaly detector run on every closed bucket (analytics/jobs/streaming.ts). */
    streaming: z
      .object({
        enabled: z.boolean().default(true),
        /** How often the service looks for newly closed buckets (a cheap check unless one is due). */
        tickSeconds: z.number().min(0.1).max(60).default(DEFAULT_STREAMING_TICK_SECONDS),
        /** A bucket is read this long after its end (the collector's rollup grace plus a flush). */
        settleSeconds: z.number().min(0).max(3600).default(DEFAULT_STREAMING_SETTLE_SECONDS),
        /** History fed to fresh detectors at a start without saved state. */
        warmup: durationString.default(DEFAULT_STREAMING_WARMUP),
      })
      .strict()
      .default({
        enabled: true,
        tickSeconds: DEFAULT_STREAMING_TICK_SECONDS,
        settleSeconds: DEFAULT_STREAMING_SETTLE_SECONDS,
        warmup: DEFAULT_STREAMING_WARMUP,
      }),
  })
  .strict();

export const servicesSchema = z
  .object({
    collector: z.object({ host: z.string().default('127.0.0.1'), port: port.default(9464) }).strict(),
    analytics: z.object({ host: z.string().default('127.0.0.1'), port: port.default(9465) }).strict(),
  })
  .strict();

export const coreConfigSchema = z
  .object({
    influx: influxSchema,
    topics: z.array(topicSchema).min(1, 'expected at least one topic'),
    coins: z.array(coinSymbol).min(1, 'expected at least one coin'),
    quotes: z.array(coinSymbol).min(1, 'expected at least one quote currency'),
    rollup: z
      .object({ intervalSeconds: z.number().int().min(1).max(3600).default(DEFAULT_ROLLUP_INTERVAL_SECONDS) })
      .strict()
      .default({ intervalSeconds: DEFAULT_ROLLUP_INTERVAL_SECONDS }),
    analytics: analyticsSchema.default(analyticsSchema.parse({})),
    /** Trending and emerging terms, themes, share of voice (collectors/social/trends). */
    trends: trendsConfigSchema.prefault({}),
    collector: collectorSchema.default({ shard: '0/1', instance: 'default' }),
    services: servicesSchema.default({
      collector: { host: '127.0.0.1', port: 9464 },
      analytics: { host: '127.0.0.1', port: 9465 },
    }),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .default({ level: 'info' }),
    /** Each source's own section; validated by the source's schema, see collectors/all.ts. */
    sources: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((v) => v ?? {}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.topics.forEach((t, i) => {
      if (seen.has(t.name))
        ctx.addIssue({
          code: 'custom',
          path: ['topics', i, 'name'],
          message: `duplicate topic name "${t.name}"`,
        });
      seen.add(t.name);
      if (t.name === 'unknown')
        ctx.addIssue({
          code: 'custom',
          path: ['topics', i, 'name'],
          message: '"unknown" is reserved for posts that match no topic',
        });
      if (t.coin && !cfg.coins.includes(t.coin))
        ctx.addIssue({
          code: 'custom',
          path: ['topics', i, 'coin'],
          message: `coin "${t.coin}" is not listed under coins (${cfg.coins.join(', ')})`,
        });
    });
    const ports = [cfg.services.collector.port, cfg.services.analytics.port].filter((p) => p !== 0);
    if (new Set(ports).size !== ports.length)
      ctx.addIssue({
        code: 'custom',
        path: ['services'],
        message: 'collector and analytics need different ports',
      });
  });

export type CoreConfig = z.infer<typeof coreConfigSchema>;
export type Topic = z.infer<typeof topicSchema>;
