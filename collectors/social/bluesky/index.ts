// Bluesky Jetstream: the free public firehose of Bluesky posts, filtered by the topics' keywords.
import type { SourceDefinition } from '../../source.ts';
import { blueskyConfigSchema, type BlueskyConfig } from './config.ts';
import { BLUESKY_SOURCE, BlueskyJetstreamSource } from './source.ts';

export const blueskySource: SourceDefinition<BlueskyConfig> = {
  name: BLUESKY_SOURCE,
  kind: 'social',
  description: 'Bluesky Jetstream firehose (WebSocket, cursor resumed after disconnects and restarts)',
  configSchema: blueskyConfigSchema,
  create: (ctx, config) => new BlueskyJetstreamSource(ctx, config),
};

export { blueskyConfigSchema, type BlueskyConfig } from './config.ts';
export { BlueskyJetstreamSource, subscribeUrl, type BlueskySourceOptions } from './source.ts';
export { DEFAULT_JETSTREAM_TIMING, jitteredBackoffMs } from './backoff.ts';
