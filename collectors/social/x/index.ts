// X filtered stream: posts matching the configured keywords, English, no retweets.
import type { SourceDefinition } from '../../source.ts';
import { xConfigSchema, type XConfig } from './config.ts';
import { X_SOURCE, XStreamSource } from './source.ts';

export const xSource: SourceDefinition<XConfig> = {
  name: X_SOURCE,
  kind: 'social',
  description: 'X filtered stream (twitter-api-v2 rules, X_BEARER_TOKEN from the environment)',
  configSchema: xConfigSchema,
  create: (ctx, config) => new XStreamSource(ctx, config),
};

export { xConfigSchema, type XConfig } from './config.ts';
export { XStreamSource, rulesFor, type XSourceOptions } from './source.ts';
export { DEFAULT_X_RECONNECT_TIMING, XReconnectPolicy, backoffMs, scaleTiming } from './reconnect.ts';
