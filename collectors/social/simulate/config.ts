// Configuration of the `simulate` source (config.yaml: sources.simulate). Every option carries its unit
// in its name and a DEFAULT_ constant that config.test.ts pins. Validation never touches anything.
import { z } from 'zod';

export const DEFAULT_SIMULATE_MODE = 'live';
export const DEFAULT_SIMULATE_SEED = 42;
/** Mean posts per second over all topics (both in history and live): 2/s is 20/min per topic with 6 topics. */
export const DEFAULT_POSTS_PER_SECOND = 2;
export const DEFAULT_PRICE_INTERVAL_SECONDS = 10;
/** Three days: enough for the 3-day anomaly lookback and the 24h correlation window at start. */
export const DEFAULT_HISTORY_HOURS = 72;
export const DEFAULT_LAG_MINUTES = 7;
export const DEFAULT_CORRELATION = 0.6;
/** Standard deviation of the 1-minute log return (0.001 = 0.1 % a minute, about 3.8 % a day). */
export const DEFAULT_VOLATILITY = 0.001;
/** Amplitude of the daily cycle of post volume, in natural-log units (0.4: about x1.5 at the peak). */
export const DEFAULT_SEASONALITY = 0.4;
export const DEFAULT_PEAK_HOUR_UTC = 15;
export const DEFAULT_ANOMALIES_PER_DAY = 4;
export const DEFAULT_TRUTH_FILE = '.cryptocrawler/simulate-truth.json';
/** Mean price levels of well-known coins; any other coin centres on 100. */
export const DEFAULT_BASE_PRICES: Readonly<Record<string, number>> = Object.freeze({
  BTC: 60_000,
  ETH: 3_000,
  IOTA: 0.25,
});
export const DEFAULT_BASE_PRICE = 100;

const coinSymbol = z.string().regex(/^[A-Z0-9]{2,10}$/, 'expected an upper-case coin symbol such as "BTC"');

/** Per-coin overrides of the planted relationship and the price level. */
export const simulateCoinSchema = z
  .object({
    lagMinutes: z.number().int().min(0).max(360).optional(),
    correlation: z.number().min(-0.95).max(0.95).optional(),
    volatility: z.number().gt(0).max(0.05).optional(),
    basePrice: z.number().gt(0).max(1e9).optional(),
  })
  .strict();

export const simulateConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** live: history first, then posts and prices at wall-clock time; backfill: history only, then stop. */
    mode: z.enum(['live', 'backfill']).default(DEFAULT_SIMULATE_MODE),
    /** Same seed, same posts, prices and anomalies. */
    seed: z.number().int().min(0).max(0xffffffff).default(DEFAULT_SIMULATE_SEED),
    postsPerSecond: z.number().gt(0).max(5000).default(DEFAULT_POSTS_PER_SECOND),
    priceIntervalSeconds: z.number().int().min(1).max(60).default(DEFAULT_PRICE_INTERVAL_SECONDS),
    /** History generated at start, as fast as the pipeline takes it; 0 for none. */
    historyHours: z
      .number()
      .min(0)
      .max(24 * 31)
      .default(DEFAULT_HISTORY_HOURS),
    /** Minutes by which post volume leads the price (the planted lag). */
    lagMinutes: z.number().int().min(0).max(360).default(DEFAULT_LAG_MINUTES),
    /** Target correlation of post-volume change with the log return `lagMinutes` later. */
    correlation: z.number().min(-0.95).max(0.95).default(DEFAULT_CORRELATION),
    volatility: z.number().gt(0).max(0.05).default(DEFAULT_VOLATILITY),
    seasonality: z.number().min(0).max(2).default(DEFAULT_SEASONALITY),
    peakHourUtc: z.number().min(0).lt(24).default(DEFAULT_PEAK_HOUR_UTC),
    /** Anomalies planted per topic and UTC day (volume spikes, sentiment crashes, price jumps). */
    anomaliesPerDay: z.number().int().min(0).max(24).default(DEFAULT_ANOMALIES_PER_DAY),
    /** Emerging terms planted per topic and UTC day (emerging.ts); absent: 2, 0 for none. */
    emergingTermsPerDay: z.number().int().min(0).max(24).optional(),
    coins: z.record(coinSymbol, simulateCoinSchema).default({}),
    /** Where the planted truths are written as JSON (relative to the working directory). */
    truthFile: z.string().min(1).default(DEFAULT_TRUTH_FILE),
  })
  .strict();

export type SimulateConfig = z.infer<typeof simulateConfigSchema>;
