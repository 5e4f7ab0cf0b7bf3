// Coinbase Exchange ticker stream: registration (see README.md for config keys and points).
import type { SourceDefinition } from '../../source.ts';
import { coinbaseConfigSchema, type CoinbaseConfig } from './config.ts';
import { CoinbaseSource, SOURCE_NAME } from './source.ts';

export const coinbaseSource: SourceDefinition<CoinbaseConfig> = {
  name: SOURCE_NAME,
  kind: 'price',
  description: 'live tickers from the Coinbase Exchange WebSocket feed, one point per product per second',
  configSchema: coinbaseConfigSchema,
  create: (ctx, config) => new CoinbaseSource(ctx, config),
};

export { CoinbaseSource } from './source.ts';
export * from './config.ts';
