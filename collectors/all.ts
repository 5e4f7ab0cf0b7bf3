// Every source, registered with one line each. The config loader validates `sources.<name>` with the
// schema registered here; the collector starts the enabled ones.
import type { ZodType } from 'zod';
import type { SourceDefinition } from './source.ts';
import { cryptocompareSource } from './prices/cryptocompare/index.ts';
import { coinbaseSource } from './prices/exchange/index.ts';
import { rssSource } from './news/rss/index.ts';
import { xSource } from './social/x/index.ts';
import { blueskySource } from './social/bluesky/index.ts';
import { simulateSource } from './social/simulate/index.ts';
import { replaySource } from './social/replay/index.ts';

export const SOURCES: SourceDefinition[] = [
  cryptocompareSource,
  coinbaseSource,
  rssSource,
  xSource,
  blueskySource,
  simulateSource,
  replaySource,
];

export const SOURCE_SCHEMAS: Record<string, ZodType> = Object.fromEntries(
  SOURCES.map((s) => [s.name, s.configSchema]),
);
