import { describe, expect, it } from 'vitest';
import { DAY_MINUTES, MINUTE_MS, SimModel } from './model.ts';
import { simulationSpec } from './truth.ts';
import { testConfig } from './testdata/config.ts';

const T0 = Date.UTC(2026, 0, 10) / MINUTE_MS;

function model(simulate: Record<string, unknown> = {}): SimModel {
  return new SimModel(simulationSpec(testConfig(simulate)));
}

describe('SimModel', () => {
  it('gives the same counts, moods and prices for the same seed, in any order of computation', () => {
    const a = model();
    const b = model();
    const minutes = [T0 + 5, T0 + 1439, T0 + 1440, T0 + 3000, T0 + 7];
    // b walks forward through a whole day first; a computes each minute cold.
    const btcB = b.coin('BTC')!;
    for (let t = T0; t <= T0 + 1440; t++) b.logPrice(btcB, t);
    for (const t of minutes) {
      for (const topic of a.topics) expect(a.counts(topic, t)).toEqual(b.counts(b.topic(topic.name)!, t));
      for (const coin of a.coins) expect(a.price(coin, t)).toBe(b.price(b.coin(coin.symbol)!, t));
    }
  });

  it('changes everything with another seed', () => {
    const a = model({ seed: 1 });
    const b = model({ seed: 2 });
    const t = T0 + 100;
    expect(a.price(a.coin('BTC')!, t)).not.toBe(b.price(b.coin('BTC')!, t));
    const counts = (m: SimModel) => Array.from({ length: 30 }, (_, i) => m.counts(m.topics[0]!, t + i).count);
    expect(counts(a)).not.toEqual(counts(b));
  });

  it('averages postsPerSecond over the topics across days', () => {
    const m = model({ postsPerSecond: 3 });
    let total = 0;
    for (let t = T0; t < T0 + 2 * DAY_MINUTES; t++)
      for (const topic of m.topics) total += m.counts(topic, t).count;
    const perSecond = total / (2 * DAY_MINUTES * 60);
    expect(perSecond).toBeGreaterThan(3 * 0.93);
    expect(perSecond).toBeLessThan(3 * 1.07);
  });

  it('splits every minute into pos + neg + neu = count, bullish and bearish in turn with the mood', () => {
    const m = model();
    const topic = m.topic('bitcoin')!;
    let minPos = 1;
    let maxPos = 0;
    for (let t = T0; t < T0 + DAY_MINUTES; t++) {
      const c = m.counts(topic, t);
      expect(c.pos + c.neg + c.neu).toBe(c.count);
      expect(c.count).toBeGreaterThan(0);
      minPos = Math.min(minPos, c.pos / c.count);
      maxPos = Math.max(maxPos, c.pos / c.count);
    }
    expect(minPos).toBeLessThan(0.22);
    expect(maxPos).toBeGreaterThan(0.45);
  });

  it('peaks the daily volume cycle at peakHourUtc', () => {
    const m = model({ anomaliesPerDay: 0 });
    const byHour = new Array<number>(24).fill(0);
    for (let d = 0; d < 3; d++)
      for (let t = 0; t < DAY_MINUTES; t++)
        byHour[Math.floor(t / 60)]! += m.counts(m.topics[0]!, T0 + d * DAY_MINUTES + t).count;
    const peak = byHour.indexOf(Math.max(...byHour));
    expect(Math.abs(peak - 15)).toBeLessThanOrEqual(1);
    expect(Math.max(...byHour) / Math.min(...byHour)).toBeGreaterThan(1.8);
  });

  it('plants anomaliesPerDay per topic and day, kinds taking turns, inside the day', () => {
    const m = model({ anomaliesPerDay: 6 });
    const day = T0 / DAY_MINUTES;
    const btc = m.anomaliesOfDay(m.topic('bitcoin')!, day);
    expect(btc).toHaveLength(6);
    expect(new Set(btc.map((a) => a.kind))).toEqual(
      new Set(['volume_spike', 'sentiment_crash', 'price_jump']),
    );
    for (const a of btc) {
      expect(a.startMs).toBeGreaterThanOrEqual(day * DAY_MINUTES * MINUTE_MS);
      expect(a.endMs).toBeLessThanOrEqual((day + 1) * DAY_MINUTES * MINUTE_MS);
    }
    const weather = m.anomaliesOfDay(m.topic('weather')!, day);
    expect(weather.some((a) => a.kind === 'price_jump')).toBe(false);
    expect(model({ anomaliesPerDay: 0 }).anomalies(T0 * MINUTE_MS, (T0 + DAY_MINUTES) * MINUTE_MS)).toEqual(
      [],
    );
  });

  it('moves the price by the planted jump in the minute of a price jump', () => {
    const m = model();
    const jump = m
      .anomalies(T0 * MINUTE_MS, (T0 + 3 * DAY_MINUTES) * MINUTE_MS)
      .find((a) => a.kind === 'price_jump')!;
    const coin = m.coin(jump.symbol!)!;
    const t = jump.startMs / MINUTE_MS;
    const r = m.logPrice(coin, t) - m.logPrice(coin, t - 1);
    expect(Math.abs(r - jump.magnitude)).toBeLessThan(5 * coin.volatility);
    expect(Math.sign(jump.magnitude)).toBe(jump.direction === 'up' ? 1 : -1);
  });

  it('keeps prices around the base price of each coin', () => {
    const m = model();
    for (const coin of m.coins) {
      const p = m.price(coin, T0);
      expect(p / coin.basePrice).toBeGreaterThan(0.8);
      expect(p / coin.basePrice).toBeLessThan(1.25);
    }
    expect(m.coin('BTC')!.basePrice).toBe(60_000);
  });

  it('applies per-coin overrides', () => {
    const m = model({ coins: { ETH: { lagMinutes: 12, correlation: -0.4, basePrice: 2000 } } });
    expect(m.coin('ETH')).toMatchObject({ lagMinutes: 12, correlation: -0.4, basePrice: 2000 });
    expect(m.coin('BTC')).toMatchObject({ lagMinutes: 7, correlation: 0.6 });
  });
});
