import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ANOMALIES_PER_DAY,
  DEFAULT_BASE_PRICE,
  DEFAULT_BASE_PRICES,
  DEFAULT_CORRELATION,
  DEFAULT_HISTORY_HOURS,
  DEFAULT_LAG_MINUTES,
  DEFAULT_PEAK_HOUR_UTC,
  DEFAULT_POSTS_PER_SECOND,
  DEFAULT_PRICE_INTERVAL_SECONDS,
  DEFAULT_SEASONALITY,
  DEFAULT_SIMULATE_MODE,
  DEFAULT_SIMULATE_SEED,
  DEFAULT_TRUTH_FILE,
  DEFAULT_VOLATILITY,
  simulateConfigSchema,
} from './config.ts';

describe('simulate config', () => {
  it('pins the documented defaults', () => {
    expect({
      DEFAULT_SIMULATE_MODE,
      DEFAULT_SIMULATE_SEED,
      DEFAULT_POSTS_PER_SECOND,
      DEFAULT_PRICE_INTERVAL_SECONDS,
      DEFAULT_HISTORY_HOURS,
      DEFAULT_LAG_MINUTES,
      DEFAULT_CORRELATION,
      DEFAULT_VOLATILITY,
      DEFAULT_SEASONALITY,
      DEFAULT_PEAK_HOUR_UTC,
      DEFAULT_ANOMALIES_PER_DAY,
      DEFAULT_TRUTH_FILE,
      DEFAULT_BASE_PRICE,
      DEFAULT_BASE_PRICES,
    }).toEqual({
      DEFAULT_SIMULATE_MODE: 'live',
      DEFAULT_SIMULATE_SEED: 42,
      DEFAULT_POSTS_PER_SECOND: 2,
      DEFAULT_PRICE_INTERVAL_SECONDS: 10,
      DEFAULT_HISTORY_HOURS: 72,
      DEFAULT_LAG_MINUTES: 7,
      DEFAULT_CORRELATION: 0.6,
      DEFAULT_VOLATILITY: 0.001,
      DEFAULT_SEASONALITY: 0.4,
      DEFAULT_PEAK_HOUR_UTC: 15,
      DEFAULT_ANOMALIES_PER_DAY: 4,
      DEFAULT_TRUTH_FILE: '.cryptocrawler/simulate-truth.json',
      DEFAULT_BASE_PRICE: 100,
      DEFAULT_BASE_PRICES: { BTC: 60_000, ETH: 3_000, IOTA: 0.25 },
    });
  });

  it('fills every default into an empty section', () => {
    expect(simulateConfigSchema.parse({})).toEqual({
      enabled: true,
      mode: 'live',
      seed: 42,
      postsPerSecond: 2,
      priceIntervalSeconds: 10,
      historyHours: 72,
      lagMinutes: 7,
      correlation: 0.6,
      volatility: 0.001,
      seasonality: 0.4,
      peakHourUtc: 15,
      anomaliesPerDay: 4,
      coins: {},
      truthFile: '.cryptocrawler/simulate-truth.json',
    });
  });

  it.each([
    [{ mode: 'replay' }, 'mode'],
    [{ correlation: 1 }, 'correlation'],
    [{ lagMinutes: 2.5 }, 'lagMinutes'],
    [{ priceIntervalSeconds: 0 }, 'priceIntervalSeconds'],
    [{ anomaliesPerDay: 25 }, 'anomaliesPerDay'],
    [{ coins: { btc: {} } }, 'coins.btc'],
    [{ coins: { BTC: { lagMinutes: -1 } } }, 'coins.BTC.lagMinutes'],
    [{ postsPerSeconds: 3 }, ''],
  ])('rejects %j at the key that is wrong', (section, key) => {
    const r = simulateConfigSchema.safeParse(section);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path.join('.')).toBe(key);
  });
});
