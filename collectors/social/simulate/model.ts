// The simulator's model: per-minute post counts, sentiment mix and prices, each a pure function of
// (seed, config, minute index) with minute index = floor(epoch ms / 60,000). Any minute can be
// computed alone and gives the same numbers whichever range it was computed in (history, live, truth).
//
// Per coin c (topics without a coin get a driver of their own, unrelated to any price):
//   u[t], e[t]      independent N(0,1) white noise (the shared driver and the price's own noise)
//   y[t]            = sum_{j<40} PHI^j * A * u[t-j]          AR(1), truncated exactly
//   volume[t]       = base * (exp(season(t)) + y[t]) * (SPIKE_FACTOR during a volume spike)
//   count[t]        = round(volume[t])                       deterministic: no sampling noise
// (y is added, not multiplied, so the noise around the daily cycle is the same at every hour: a
// multiplicative one makes busy hours look anomalous to a detector that assumes constant spread.)
//   mood x[t]       = MOOD_SLOW * M[t] + MOOD_FAST * u[t]     M: smooth noise, knots every 2 h
//                     (CRASH_MOOD during a sentiment crash)
//   bull/bear/neu   = softmax(x, -x, 0) of the count, rounded
//   r[t]            = sigma * (rho' * u[t-L] + sqrt(1-rho'^2) * e[t]) + jump[t]
//   log price       = sum_{j<PRICE_TAPS} PSI^j * r[t-j]      slowly mean-reverting around basePrice
// so diff(log count)[t] ~ A*u[t]/exp(season) + small terms, leading the log return by exactly L minutes.
// rho' is the inner correlation, chosen so that corr(diff log count[t], r[t+L]) equals the
// configured correlation after the other terms (mean reversion, rounding, spikes, jumps) dilute it.
import type { SimulateConfig } from './config.ts';
import { DEFAULT_BASE_PRICE, DEFAULT_BASE_PRICES } from './config.ts';
import { normal, normalPair, streamId, uniform } from './rng.ts';

export const MINUTE_MS = 60_000;
export const DAY_MINUTES = 1440;

/** AR(1) coefficient of the volume factor and its innovation (share of the base volume): sd 0.1. */
export const VOLUME_AR = 0.6;
export const VOLUME_INNOVATION = 0.08;
/** The volume factor never goes below this share of the seasonal level (keeps counts positive). */
export const VOLUME_FLOOR = 0.25;
export const VOLUME_TAPS = 40;
/** Mood: weights of the slow (regime) and fast (shared with the price driver) parts. */
export const MOOD_SLOW = 0.15;
export const MOOD_FAST = 0.12;
export const MOOD_KNOT_MINUTES = 120;
/** Log price: mean reversion per minute (time constant about 1.4 days, spread about 3 %) and its exact truncation. */
export const PRICE_AR = 0.9995;
export const PRICE_TAPS = 20_000;
/** Anomaly shapes. */
export const SPIKE_FACTOR = 3;
export const SPIKE_MINUTES = 3;
export const CRASH_MOOD = -4;
export const CRASH_MINUTES = 5;
export const JUMP_SIGMAS = 8;
const MAX_ANOMALY_MINUTES = Math.max(SPIKE_MINUTES, CRASH_MINUTES);

// Stream ids: distinct per use so the draws are independent.
const S_DRIVER = 0x1000;
const S_MOOD = 0x2000;
const S_ANOMALY = 0x3000;

export type AnomalyKind = 'volume_spike' | 'sentiment_crash' | 'price_jump';
export type AnomalySeries = 'volume' | 'sentiment' | 'price';

export interface PlantedAnomaly {
  kind: AnomalyKind;
  /** The series the anomaly is planted in. */
  series: AnomalySeries;
  /** Every rollup or price field that moves with it (a volume spike also lifts pos/neg/neu counts). */
  affects: string[];
  /** The topic it was planted for; price jumps also name the coin. */
  topic: string;
  symbol?: string;
  direction: 'up' | 'down';
  /** First affected minute (ms) and the end of the last one (exclusive). */
  startMs: number;
  endMs: number;
  /** Volume factor, forced mood, or the jump in log-return units. */
  magnitude: number;
}

export interface TopicSpec {
  name: string;
  keywords: string[];
  coin?: string;
}

export interface SimulationSpec {
  sim: SimulateConfig;
  topics: TopicSpec[];
  quotes: string[];
}

export interface SimTopic {
  name: string;
  keywords: string[];
  coin?: string;
  /** Stream of the volume driver: the coin's for coin topics, the topic's own otherwise. */
  driver: number;
  key: number;
  /** Mean posts per minute before seasonality and the latent factor. */
  base: number;
  kinds: AnomalyKind[];
}

export interface SimCoin {
  symbol: string;
  quote: string;
  topics: string[];
  driver: number;
  lagMinutes: number;
  /** Configured target. */
  correlation: number;
  /** What the model gives in expectation (differs from the target only when it was out of reach). */
  expectedCorrelation: number;
  /** rho' in the file comment. */
  inner: number;
  volatility: number;
  basePrice: number;
}

export interface MinuteCounts {
  count: number;
  pos: number;
  neg: number;
  neu: number;
}

export class SimModel {
  readonly seed: number;
  readonly sim: SimulateConfig;
  readonly topics: SimTopic[];
  readonly coins: SimCoin[];
  readonly quote: string;
  /** Per topic (by position), day -> planted anomalies. */
  private readonly anomalyCache: Map<number, PlantedAnomaly[]>[];
  private readonly anchorCache = new Map<string, number>();
  private readonly priceCursor = new Map<string, { t: number; lp: number }>();
  private readonly returnCache = new Map<string, { t: number; r: number }[]>();

  constructor(spec: SimulationSpec) {
    this.sim = spec.sim;
    this.seed = spec.sim.seed >>> 0;
    const quote = spec.quotes[0];
    if (!quote) throw new Error('[source=simulate] quotes must name at least one currency');
    this.quote = quote;
    if (spec.topics.length === 0) throw new Error('[source=simulate] topics must list at least one topic');
    const perTopic = (spec.sim.postsPerSecond * 60) / spec.topics.length;
    const base = perTopic / seasonMean(spec.sim.seasonality);
    this.topics = spec.topics.map((t) => ({
      name: t.name,
      keywords: t.keywords,
      ...(t.coin ? { coin: t.coin } : {}),
      driver: streamId(t.coin ? `coin:${t.coin}` : `topic:${t.name}`),
      key: streamId(`topic:${t.name}`),
      base,
      kinds: t.coin ? ['volume_spike', 'sentiment_crash', 'price_jump'] : ['volume_spike', 'sentiment_crash'],
    }));
    this.anomalyCache = this.topics.map(() => new Map());
    const symbols = [...new Set(spec.topics.flatMap((t) => (t.coin ? [t.coin] : [])))];
    this.coins = symbols.map((symbol) => {
      const o = spec.sim.coins[symbol] ?? {};
      const topics = this.topics.filter((t) => t.coin === symbol);
      const correlation = o.correlation ?? spec.sim.correlation;
      const volatility = o.volatility ?? spec.sim.volatility;
      const { inner, expected } = innerCorrelation(correlation, topics[0]!, spec.sim, topics.length);
      return {
        symbol,
        quote,
        topics: topics.map((t) => t.name),
        driver: streamId(`coin:${symbol}`),
        lagMinutes: o.lagMinutes ?? spec.sim.lagMinutes,
        correlation,
        expectedCorrelation: expected,
        inner,
        volatility,
        basePrice: o.basePrice ?? DEFAULT_BASE_PRICES[symbol] ?? DEFAULT_BASE_PRICE,
      };
    });
  }

  topic(name: string): SimTopic | undefined {
    return this.topics.find((t) => t.name === name);
  }

  coin(symbol: string): SimCoin | undefined {
    return this.coins.find((c) => c.symbol === symbol);
  }

  /** Daily cycle of log volume at minute t. */
  season(t: number): number {
    const minuteOfDay = ((t % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
    return (
      this.sim.seasonality * Math.cos((2 * Math.PI * (minuteOfDay - this.sim.peakHourUtc * 60)) / DAY_MINUTES)
    );
  }

  /** The AR(1) latent volume factor of a driver at minute t (fixed order of summation: exact). */
  latent(driver: number, t: number): number {
    let acc = 0;
    for (let j = VOLUME_TAPS - 1; j >= 0; j--)
      acc = acc * VOLUME_AR + normalPair(this.seed, S_DRIVER ^ driver, t - j)[0];
    return VOLUME_INNOVATION * acc;
  }

  /** The slow mood of a topic: cosine-interpolated N(0,1) knots every MOOD_KNOT_MINUTES. */
  slowMood(topic: SimTopic, t: number): number {
    const k = Math.floor(t / MOOD_KNOT_MINUTES);
    const f = (t - k * MOOD_KNOT_MINUTES) / MOOD_KNOT_MINUTES;
    const w = (1 - Math.cos(Math.PI * f)) / 2;
    return (
      (1 - w) * normal(this.seed, S_MOOD ^ topic.key, k) + w * normal(this.seed, S_MOOD ^ topic.key, k + 1)
    );
  }

  /** Mood at minute t: positive is bullish. */
  mood(topic: SimTopic, t: number): number {
    if (this.activeAnomaly(topic, t, 'sentiment_crash')) return CRASH_MOOD;
    return (
      MOOD_SLOW * this.slowMood(topic, t) + MOOD_FAST * normalPair(this.seed, S_DRIVER ^ topic.driver, t)[0]
    );
  }

  /** Expected posts in minute t before rounding. */
  volume(topic: SimTopic, t: number): number {
    const spike = this.activeAnomaly(topic, t, 'volume_spike') ? SPIKE_FACTOR : 1;
    const level = Math.exp(this.season(t));
    return topic.base * Math.max(VOLUME_FLOOR * level, level + this.latent(topic.driver, t)) * spike;
  }

  counts(topic: SimTopic, t: number): MinuteCounts {
    const count = Math.max(0, Math.round(this.volume(topic, t)));
    const x = this.mood(topic, t);
    const eb = Math.exp(x);
    const er = Math.exp(-x);
    const sum = eb + er + 1;
    const pos = Math.min(count, Math.round((count * eb) / sum));
    const neg = Math.min(count - pos, Math.round((count * er) / sum));
    return { count, pos, neg, neu: count - pos - neg };
  }

  /** The planted anomalies of a topic on UTC day `day` (days since the epoch), in time order. */
  anomaliesOfDay(topic: SimTopic, day: number): PlantedAnomaly[] {
    const cache = this.anomalyCache[this.topics.indexOf(topic)] ?? new Map<number, PlantedAnomaly[]>();
    const hit = cache.get(day);
    if (hit) return hit;
    const k = this.sim.anomaliesPerDay;
    const out: PlantedAnomaly[] = [];
    if (k > 0) {
      const slot = Math.floor(DAY_MINUTES / k);
      const margin = Math.floor(slot / 6);
      const usable = Math.max(1, slot - 2 * margin - MAX_ANOMALY_MINUTES);
      for (let i = 0; i < k; i++) {
        const idx = day * 32 + i;
        // Kinds take turns, so every window of a few days holds about as many of each.
        const kind = topic.kinds[(day * k + i) % topic.kinds.length]!;
        const start =
          day * DAY_MINUTES +
          i * slot +
          margin +
          Math.floor(uniform(this.seed, S_ANOMALY ^ topic.key, idx * 3 + 1) * usable);
        const up = uniform(this.seed, S_ANOMALY ^ topic.key, idx * 3 + 2) < 0.5;
        out.push(this.makeAnomaly(topic, kind, start, up));
      }
    }
    if (cache.size > 1024) cache.clear();
    cache.set(day, out);
    return out;
  }

  private makeAnomaly(topic: SimTopic, kind: AnomalyKind, start: number, up: boolean): PlantedAnomaly {
    const startMs = start * MINUTE_MS;
    if (kind === 'volume_spike') {
      return {
        kind,
        series: 'volume',
        affects: ['count', 'pos', 'neg', 'neu'],
        topic: topic.name,
        direction: 'up',
        startMs,
        endMs: startMs + SPIKE_MINUTES * MINUTE_MS,
        magnitude: SPIKE_FACTOR,
      };
    }
    if (kind === 'sentiment_crash') {
      return {
        kind,
        series: 'sentiment',
        affects: ['score_mean', 'net', 'pos', 'neg', 'neu'],
        topic: topic.name,
        direction: 'down',
        startMs,
        endMs: startMs + CRASH_MINUTES * MINUTE_MS,
        magnitude: CRASH_MOOD,
      };
    }
    const coin = this.coin(topic.coin!);
    const sigma = coin?.volatility ?? this.sim.volatility;
    return {
      kind,
      series: 'price',
      affects: ['price'],
      topic: topic.name,
      symbol: topic.coin!,
      direction: up ? 'up' : 'down',
      startMs,
      endMs: startMs + MINUTE_MS,
      magnitude: (up ? 1 : -1) * JUMP_SIGMAS * sigma,
    };
  }

  /** Planted anomalies of every topic overlapping [fromMs, toMs), in time order. */
  anomalies(fromMs: number, toMs: number): PlantedAnomaly[] {
    const out: PlantedAnomaly[] = [];
    const d0 = Math.floor(fromMs / (DAY_MINUTES * MINUTE_MS));
    const d1 = Math.floor((toMs - 1) / (DAY_MINUTES * MINUTE_MS));
    for (let d = d0; d <= d1; d++) {
      for (const topic of this.topics) {
        for (const a of this.anomaliesOfDay(topic, d)) if (a.endMs > fromMs && a.startMs < toMs) out.push(a);
      }
    }
    return out.sort((a, b) => a.startMs - b.startMs || a.topic.localeCompare(b.topic));
  }

  private activeAnomaly(topic: SimTopic, t: number, kind: AnomalyKind): PlantedAnomaly | undefined {
    if (this.sim.anomaliesPerDay === 0) return undefined;
    const ms = t * MINUTE_MS;
    for (const a of this.anomaliesOfDay(topic, Math.floor(t / DAY_MINUTES))) {
      if (a.kind === kind && ms >= a.startMs && ms < a.endMs) return a;
    }
    return undefined;
  }

  /** The price jump planted in coin's log return at minute t (0 for none). */
  private jump(coin: SimCoin, t: number): number {
    if (this.sim.anomaliesPerDay === 0) return 0;
    let j = 0;
    for (const name of coin.topics) {
      const a = this.activeAnomaly(this.topic(name)!, t, 'price_jump');
      if (a) j += a.magnitude;
    }
    return j;
  }

  /** The model's log return of minute t (the price changes by exp(r[t]) at the start of minute t). */
  innovation(coin: SimCoin, t: number): number {
    const u = normalPair(this.seed, S_DRIVER ^ coin.driver, t - coin.lagMinutes)[0];
    const e = normalPair(this.seed, S_DRIVER ^ coin.driver, t)[1];
    return (
      coin.volatility * (coin.inner * u + Math.sqrt(1 - coin.inner * coin.inner) * e) + this.jump(coin, t)
    );
  }

  /** Log of price / basePrice at minute t. Exact: anchored at each UTC day start, stepped forward from there. */
  logPrice(coin: SimCoin, t: number): number {
    const anchor = Math.floor(t / DAY_MINUTES) * DAY_MINUTES;
    const cur = this.priceCursor.get(coin.symbol);
    let from: number;
    let lp: number;
    if (cur && cur.t <= t && cur.t >= anchor) {
      from = cur.t;
      lp = cur.lp;
    } else {
      from = anchor;
      lp = this.anchorLogPrice(coin, anchor);
    }
    const tail = Math.pow(PRICE_AR, PRICE_TAPS);
    for (let s = from + 1; s <= t; s++) {
      lp = PRICE_AR * lp + this.innovation(coin, s) - tail * this.innovation(coin, s - PRICE_TAPS);
    }
    this.priceCursor.set(coin.symbol, { t, lp });
    return lp;
  }

  private anchorLogPrice(coin: SimCoin, anchor: number): number {
    const key = `${coin.symbol}\u0000${anchor}`;
    const hit = this.anchorCache.get(key);
    if (hit !== undefined) return hit;
    let acc = 0;
    for (let j = PRICE_TAPS - 1; j >= 0; j--) acc = acc * PRICE_AR + this.innovation(coin, anchor - j);
    if (this.anchorCache.size > 256) this.anchorCache.clear();
    this.anchorCache.set(key, acc);
    return acc;
  }

  /** Price in the quote currency at minute t, to 10 significant digits. */
  price(coin: SimCoin, t: number): number {
    return Number((coin.basePrice * Math.exp(this.logPrice(coin, t))).toPrecision(10));
  }
}

/** Mean of exp(season) over a day, so `postsPerSecond` is the long-run mean rate. */
function seasonMean(amplitude: number): number {
  let s = 0;
  for (let m = 0; m < DAY_MINUTES; m++) s += Math.exp(amplitude * Math.cos((2 * Math.PI * m) / DAY_MINUTES));
  return s / DAY_MINUTES;
}

/**
 * The inner correlation rho' that makes corr(diff log count[t], r[t+L]) equal the target.
 * At minute-of-day m with level e^s, diff log count ~ A*u[t]/e^s + (mean reversion) + (seasonal
 * slope) + (rounding) + (spike edges), and r = sigma*(rho' u + ...) + jumps. Averaging each term's
 * expected covariance with u and variance over the day gives corr(diff log count, u) = k, and
 * target = rho' * k / sqrt(1 + jump variance / sigma^2), solved for rho' (capped below 1).
 */
function innerCorrelation(
  target: number,
  topic: SimTopic,
  sim: SimulateConfig,
  topicsOfCoin: number,
): { inner: number; expected: number } {
  const a2 = VOLUME_INNOVATION * VOLUME_INNOVATION;
  const perMinute = sim.anomaliesPerDay / DAY_MINUTES / topic.kinds.length;
  const spikes = perMinute * 2 * Math.log(SPIKE_FACTOR) ** 2;
  let cov = 0;
  let varX = 0;
  for (let m = 0; m < DAY_MINUTES; m++) {
    const s0 = sim.seasonality * Math.cos((2 * Math.PI * m) / DAY_MINUTES);
    const s1 = sim.seasonality * Math.cos((2 * Math.PI * (m + 1)) / DAY_MINUTES);
    const level = Math.exp(s1);
    const v = topic.base * level;
    cov += VOLUME_INNOVATION / level;
    // A rounded count is off by a uniform error of variance 1/12: 1/(12 v^2) in log units, twice per difference.
    varX += (2 * a2) / (1 + VOLUME_AR) / (level * level) + (s1 - s0) ** 2 + 2 / (12 * v * v) + spikes;
  }
  const k = cov / DAY_MINUTES / Math.sqrt(varX / DAY_MINUTES);
  const jumpShare = perMinute * topicsOfCoin * JUMP_SIGMAS * JUMP_SIGMAS;
  const scale = Math.sqrt(1 + jumpShare) / k;
  const inner = Math.max(-0.99, Math.min(0.99, target * scale));
  return { inner, expected: inner / scale };
}
