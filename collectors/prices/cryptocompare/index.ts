// CryptoCompare current prices: registration (see README.md for config keys and points).
import type { SourceDefinition } from '../../source.ts';
import { cryptoCompareConfigSchema, type CryptoCompareConfig } from './config.ts';
import { CryptoCompareSource, SOURCE_NAME } from './source.ts';

export const cryptocompareSource: SourceDefinition<CryptoCompareConfig> = {
  name: SOURCE_NAME,
  kind: 'price',
  description:
    'current prices of the configured coins from CryptoCompare pricemulti, polled on a cron schedule',
  configSchema: cryptoCompareConfigSchema,
  create: (ctx, config) => new CryptoCompareSource(ctx, config),
};

export { CryptoCompareSource, UnknownCoinError, API_KEY_ENV, READ_TOKEN_ENV } from './source.ts';
export * from './config.ts';
