// The `replay` source: recorded posts from an NDJSON or CSV file at a chosen speed (see README.md).
import type { SourceDefinition } from '../../source.ts';
import { replayConfigSchema, type ReplayConfig } from './config.ts';
import { ReplaySource } from './source.ts';

export const replaySource: SourceDefinition<ReplayConfig> = {
  name: 'replay',
  kind: 'social',
  description:
    'Recorded posts from an NDJSON or CSV file, streamed at the recorded pace, N times faster or as fast as possible.',
  configSchema: replayConfigSchema,
  create: (ctx, config) => new ReplaySource(ctx, config),
};

export { ReplaySource } from './source.ts';
export type { ReplayOptions, ReplaySummary } from './source.ts';
export { replayConfigSchema } from './config.ts';
export type { ReplayConfig } from './config.ts';
export { parseCsvFields, parseCsvRecord, parseNdjsonRecord, parseTimeMs } from './parse.ts';
