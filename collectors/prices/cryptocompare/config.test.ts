import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PRICE } from '../price.ts';
import {
  DEFAULT_BACKFILL_MAX_DAYS,
  DEFAULT_BACKFILL_ON_START,
  DEFAULT_BASE_URL,
  DEFAULT_GAP_MIN_SECONDS,
  DEFAULT_HOUR_HISTORY_DAYS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MINUTE_HISTORY_DAYS,
  DEFAULT_MONTHLY_CALL_LIMIT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SCHEDULE,
  cryptoCompareConfigSchema,
} from './config.ts';

describe('cryptocompare config', () => {
  it('pins the documented defaults', () => {
    expect([
      DEFAULT_BASE_URL,
      DEFAULT_SCHEDULE,
      DEFAULT_REQUEST_TIMEOUT_MS,
      DEFAULT_MONTHLY_CALL_LIMIT,
      DEFAULT_MAX_BACKOFF_MS,
      DEFAULT_BACKFILL_ON_START,
      DEFAULT_BACKFILL_MAX_DAYS,
      DEFAULT_MINUTE_HISTORY_DAYS,
      DEFAULT_HOUR_HISTORY_DAYS,
      DEFAULT_GAP_MIN_SECONDS,
      DEFAULT_MAX_PRICE,
    ]).toEqual([
      'https://min-api.cryptocompare.com',
      '*/10 * * * * *',
      10_000,
      100_000,
      600_000,
      true,
      7,
      7,
      90,
      120,
      1e12,
    ]);
    expect(cryptoCompareConfigSchema.parse({})).toEqual({
      enabled: false,
      baseUrl: DEFAULT_BASE_URL,
      schedule: DEFAULT_SCHEDULE,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      monthlyCallLimit: DEFAULT_MONTHLY_CALL_LIMIT,
      maxPrice: DEFAULT_MAX_PRICE,
      maxBackoffMs: DEFAULT_MAX_BACKOFF_MS,
      backfillOnStart: true,
      backfillMaxDays: 7,
      minuteHistoryDays: 7,
      hourHistoryDays: 90,
      gapMinSeconds: 120,
    });
  });

  it('refuses a bad cron expression, a bad symbol and unknown keys, naming the key', () => {
    const r = cryptoCompareConfigSchema.safeParse({ schedule: 'every 10s', coins: ['btc'], pollEvery: 1 });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.') || (i as { keys?: string[] }).keys?.join(','));
    expect(paths).toEqual(expect.arrayContaining(['schedule', 'coins.0', 'pollEvery']));
  });
});

describe('sample configs', () => {
  it('every price sample.yaml parses against its schema', async () => {
    const { readFileSync } = await import('node:fs');
    const yaml = (await import('js-yaml')).default;
    const { coinbaseConfigSchema } = await import('../exchange/config.ts');
    const read = (p: string) =>
      yaml.load(readFileSync(new URL(p, import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(cryptoCompareConfigSchema.parse(read('./sample.yaml').cryptocompare).schedule).toBe(
      '*/30 * * * * *',
    );
    expect(
      cryptoCompareConfigSchema.parse(read('../backfill/sample.yaml').cryptocompare).minuteHistoryDays,
    ).toBe(7);
    expect(coinbaseConfigSchema.parse(read('../exchange/sample.yaml').coinbase).products).toEqual([
      'BTC/USD',
      'ETH/USD',
    ]);
  });
});
