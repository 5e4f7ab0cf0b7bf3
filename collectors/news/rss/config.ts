// `sources.rss` in config.yaml. Every option carries its unit in the name and a DEFAULT_ constant
// that config.test.ts pins. Validation never connects anywhere.
import { z } from 'zod';

export const DEFAULT_POLL_INTERVAL_SECONDS = 300;
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** Ids remembered per feed for deduplication; feeds list far fewer items than this. */
export const DEFAULT_MAX_SEEN_PER_FEED = 10_000;
/**
 * Headlines older than this are not written: the raw bucket keeps 7 days, and InfluxDB refuses points
 * beyond a bucket's retention.
 */
export const DEFAULT_MAX_ITEM_AGE_DAYS = 7;

const feedName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'expected a lower-case name: letters, digits, "_" or "-", at most 40');

export const feedSchema = z
  .object({
    url: z.url({ message: 'expected an http(s) URL of an RSS or Atom feed' }),
    /** The `source` tag of its headlines; default: the host name, sanitized. */
    name: feedName.optional(),
  })
  .strict();

export const rssConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    feeds: z.array(feedSchema).default([]),
    pollIntervalSeconds: z.number().int().min(1).max(86_400).default(DEFAULT_POLL_INTERVAL_SECONDS),
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(DEFAULT_REQUEST_TIMEOUT_MS),
    maxSeenPerFeed: z.number().int().min(10).max(1_000_000).default(DEFAULT_MAX_SEEN_PER_FEED),
    maxItemAgeDays: z.number().min(0.01).max(3650).default(DEFAULT_MAX_ITEM_AGE_DAYS),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.enabled && c.feeds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['feeds'], message: 'expected at least one feed when enabled' });
  });

export type RssConfig = z.infer<typeof rssConfigSchema>;
