// `sources.cryptocompare` in config.yaml. Every option carries its unit in the name and a DEFAULT_
// constant that config.test.ts pins. Validation never connects anywhere.
import cron from 'node-cron';
import { z } from 'zod';
import { DEFAULT_MAX_PRICE } from '../price.ts';

export const DEFAULT_BASE_URL = 'https://min-api.cryptocompare.com';
/** node-cron with seconds: every 10 s, as the original project polled. */
export const DEFAULT_SCHEDULE = '*/10 * * * * *';
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/**
 * A keyless ballpark: CryptoCompare's free tiers have been quoted at around 100,000 calls a month.
 * Polling every 10 s needs about 268,000 calls in a 31-day month, so at this limit polling stops after
 * about 11.5 days; poll every 30 s (about 89,000 calls) to last the month.
 */
export const DEFAULT_MONTHLY_CALL_LIMIT = 100_000;
export const DEFAULT_MAX_BACKOFF_MS = 10 * 60_000;
export const DEFAULT_BACKFILL_ON_START = true;
export const DEFAULT_BACKFILL_MAX_DAYS = 7;
/** CryptoCompare keeps about 7 days of minute bars on free plans. */
export const DEFAULT_MINUTE_HISTORY_DAYS = 7;
/** Beyond this, history is read as day bars. */
export const DEFAULT_HOUR_HISTORY_DAYS = 90;
/** A hole in the live series longer than this is a gap worth filling (minute bars are the finest fill). */
export const DEFAULT_GAP_MIN_SECONDS = 120;

const coinSymbol = z.string().regex(/^[A-Z0-9]{2,10}$/, 'expected an upper-case symbol such as "BTC"');

export const cryptoCompareConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    baseUrl: z
      .url({ message: 'expected an http(s) URL such as "https://min-api.cryptocompare.com"' })
      .default(DEFAULT_BASE_URL),
    schedule: z
      .string()
      .refine((v) => cron.validate(v), {
        message: 'expected a node-cron expression such as "*/10 * * * * *"',
      })
      .default(DEFAULT_SCHEDULE),
    /** Override the top-level `coins` / `quotes` for this source. */
    coins: z.array(coinSymbol).min(1).optional(),
    quotes: z.array(coinSymbol).min(1).optional(),
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(DEFAULT_REQUEST_TIMEOUT_MS),
    monthlyCallLimit: z.number().int().min(1).default(DEFAULT_MONTHLY_CALL_LIMIT),
    maxPrice: z.number().positive().default(DEFAULT_MAX_PRICE),
    maxBackoffMs: z.number().int().min(1000).default(DEFAULT_MAX_BACKOFF_MS),
    backfillOnStart: z.boolean().default(DEFAULT_BACKFILL_ON_START),
    backfillMaxDays: z.number().int().min(1).max(3650).default(DEFAULT_BACKFILL_MAX_DAYS),
    minuteHistoryDays: z.number().min(0).max(30).default(DEFAULT_MINUTE_HISTORY_DAYS),
    hourHistoryDays: z.number().min(0).max(3650).default(DEFAULT_HOUR_HISTORY_DAYS),
    gapMinSeconds: z.number().int().min(60).default(DEFAULT_GAP_MIN_SECONDS),
  })
  .strict()
  .refine((c) => c.hourHistoryDays >= c.minuteHistoryDays, {
    message: 'hourHistoryDays must be at least minuteHistoryDays',
    path: ['hourHistoryDays'],
  });

export type CryptoCompareConfig = z.infer<typeof cryptoCompareConfigSchema>;
