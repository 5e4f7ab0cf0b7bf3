// RSS/Atom news headlines: registration (see README.md for config keys and points).
import type { SourceDefinition } from '../../source.ts';
import { rssConfigSchema, type RssConfig } from './config.ts';
import { RssSource, SOURCE_NAME } from './source.ts';

export const rssSource: SourceDefinition<RssConfig> = {
  name: SOURCE_NAME,
  kind: 'news',
  description: 'headlines from RSS 2.0 and Atom feeds, scored for sentiment and routed to topics',
  configSchema: rssConfigSchema,
  create: (ctx, config) => new RssSource(ctx, config),
};

export { RssSource } from './source.ts';
export * from './config.ts';
