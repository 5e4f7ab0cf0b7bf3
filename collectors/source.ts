// The source seam. A source is one folder under collectors/<kind>/<name>/ holding its code, its
// config schema (config.ts), a sample config, a README with the points it writes, and tests with
// recorded payloads. Enabling a new source touches one line: its registration in collectors/all.ts.
//
// Lifecycle (Telegraf's Init/Start/Stop): the schema validates at load time and never connects;
// create() builds the source without I/O; start() connects and returns once it is running (network
// errors after that are retried inside the source, never fatal); stop() disconnects and returns once
// no more points will be produced. The collector then flushes the writer (sources first, then writer).
import type { ZodType } from 'zod';
import type { Config } from '../src/core/config/load.ts';
import type { Logger } from '../src/core/log.ts';
import type { ServiceRegistry } from '../src/core/metrics/registry.ts';
import type { PointWriter } from '../src/core/write/writer.ts';
import type { SocialPipeline } from './social/pipeline.ts';
import type { SentimentScorer, TopicRouter } from './social/types.ts';

export type SourceKind = 'social' | 'price' | 'news';
export type SourceState = 'starting' | 'running' | 'reconnecting' | 'stopped' | 'failed';

export interface SourceContext {
  config: Config;
  writer: PointWriter;
  metrics: ServiceRegistry;
  log: Logger;
  /** A directory this source may keep state in (cursors, dedupe sets); created on demand. */
  stateDir: string;
  /** Social sources hand posts here: routing, sentiment, `post` points and `social` rollups. */
  social: SocialPipeline;
  sentiment: SentimentScorer;
  router: TopicRouter;
  now: () => number;
}

export interface Source {
  start(): Promise<void>;
  stop(): Promise<void>;
  state(): SourceState;
}

export interface SourceDefinition<
  C extends { enabled: boolean } = { enabled: boolean } & Record<string, unknown>,
> {
  /** The key under `sources:` in config.yaml and the `source` tag value. */
  name: string;
  kind: SourceKind;
  description: string;
  configSchema: ZodType<C>;
  create(ctx: SourceContext, config: C): Source;
}
