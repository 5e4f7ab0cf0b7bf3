// `sources.bluesky` in config.yaml: the public Jetstream firehose. Validation only, no connection.
import { z } from 'zod';

export const DEFAULT_JETSTREAM_ENDPOINT = 'wss://jetstream2.us-east.bsky.network/subscribe';
export const DEFAULT_CURSOR_SAVE_INTERVAL_MS = 5_000;
/** Reconnects replay from this far before the last event seen, so nothing between is missed. */
export const DEFAULT_CURSOR_SAFETY_MARGIN_MS = 1_000;
/** Asked of the server (maxMessageSizeBytes) and enforced on the socket (ws maxPayload, x2). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_000_000;

export const blueskyConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Jetstream WebSocket endpoint (any public instance, or your own). */
    endpoint: z
      .url({ protocol: /^wss?$/, message: 'expected a ws:// or wss:// URL' })
      .default(DEFAULT_JETSTREAM_ENDPOINT),
    /** Posts that match no topic are counted (reason no_topic) and not stored: the firehose is mostly off-topic. */
    dropUnmatched: z.boolean().default(true),
    /** Keep only posts whose first `langs` entry is English. */
    requireEnglish: z.boolean().default(true),
    cursorSaveIntervalMs: z.number().int().min(100).max(600_000).default(DEFAULT_CURSOR_SAVE_INTERVAL_MS),
    cursorSafetyMarginMs: z.number().int().min(0).max(600_000).default(DEFAULT_CURSOR_SAFETY_MARGIN_MS),
    maxMessageBytes: z.number().int().min(10_000).max(64_000_000).default(DEFAULT_MAX_MESSAGE_BYTES),
  })
  .strict();

export type BlueskyConfig = z.infer<typeof blueskyConfigSchema>;
