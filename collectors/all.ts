// Every source, registered with one line each. The config loader validates `sources.<name>` with the
// schema registered here; the collector starts the enabled ones.
import type { ZodType } from 'zod';
import type { SourceDefinition } from './source.ts';

export const SOURCES: SourceDefinition[] = [];

export const SOURCE_SCHEMAS: Record<string, ZodType> = Object.fromEntries(SOURCES.map((s) => [s.name, s.configSchema]));
