// The planted truths: what the analytics should find in the simulated data. A pure function of the
// configuration and a time range, so tests and the demo report can ask for it without the file.
import type { Config } from '../../../src/core/config/load.ts';
import { simulateConfigSchema, type SimulateConfig } from './config.ts';
import { DAY_MINUTES, MINUTE_MS, SimModel, type PlantedAnomaly, type SimulationSpec } from './model.ts';
import { writeFileAtomic } from '../../../src/core/state-file.ts';

/** Longest range plantedTruth computes realized statistics for (it walks every minute). */
export const MAX_TRUTH_RANGE_MS = 31 * DAY_MINUTES * MINUTE_MS;

export interface PlantedCoinTruth {
  symbol: string;
  quote: string;
  /** Topics whose social series carry this coin's planted relationship. */
  topics: string[];
  /** Post volume leads the price by this much (positive = social leads, as the `lag` measurement). */
  lagMinutes: number;
  lagSeconds: number;
  /** The social signal the relationship is planted in: diff of log post count per minute. */
  signal: 'volume_change';
  /** Configured target of corr(volume change[t], log return[t + lag]). */
  correlation: number;
  /** What the model gives in expectation; equals `correlation` unless the target was out of reach. */
  expectedCorrelation: number;
  /** Measured on the generated minutes of the range (first topic of the coin), at the planted lag. */
  realized: {
    /** corr(diff log count[t], log return[t + lag]). */
    volumeChangeR: number | null;
    /** corr((pos - neg) / count [t], log return[t + lag]): the mood shares the driver. */
    netSentimentR: number | null;
    n: number;
  };
}

export interface PlantedTruth {
  source: 'simulate';
  seed: number;
  fromMs: number;
  toMs: number;
  bucketSeconds: 60;
  coins: PlantedCoinTruth[];
  /** Topics without a coin: their series are independent of every price (correlation ~ 0). */
  controlTopics: string[];
  anomalies: PlantedAnomaly[];
}

/** The simulation's inputs from the whole configuration (the simulate section may be absent). */
export function simulationSpec(config: Pick<Config, 'topics' | 'quotes' | 'sources'>): SimulationSpec {
  const sim: SimulateConfig = simulateConfigSchema.parse(config.sources.simulate ?? {});
  return {
    sim,
    topics: config.topics.map((t) => ({
      name: t.name,
      keywords: t.keywords,
      ...(t.coin ? { coin: t.coin } : {}),
    })),
    quotes: config.quotes,
  };
}

/** What the simulator plants in [fromMs, toMs) for this configuration. */
export function plantedTruth(
  config: Pick<Config, 'topics' | 'quotes' | 'sources'>,
  fromMs: number,
  toMs: number,
): PlantedTruth {
  return truthOf(new SimModel(simulationSpec(config)), fromMs, toMs);
}

export function truthOf(model: SimModel, fromMs: number, toMs: number): PlantedTruth {
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs))
    throw new RangeError(`[source=simulate] truth range must have toMs > fromMs (got ${fromMs}..${toMs})`);
  if (toMs - fromMs > MAX_TRUTH_RANGE_MS)
    throw new RangeError(
      `[source=simulate] truth range is limited to 31 days (got ${(toMs - fromMs) / 86_400_000} days)`,
    );
  const m0 = Math.ceil(fromMs / MINUTE_MS);
  const m1 = Math.ceil(toMs / MINUTE_MS);
  return {
    source: 'simulate',
    seed: model.seed,
    fromMs,
    toMs,
    bucketSeconds: 60,
    coins: model.coins.map((coin) => {
      const topic = model.topic(coin.topics[0]!)!;
      const len = m1 - m0;
      const x = new Float64Array(len).fill(NaN);
      const s = new Float64Array(len).fill(NaN);
      const r = new Float64Array(len).fill(NaN);
      let prevCount = model.counts(topic, m0 - 1).count;
      let prevLp = model.logPrice(coin, m0 - 1);
      for (let i = 0; i < len; i++) {
        const c = model.counts(topic, m0 + i);
        const lp = model.logPrice(coin, m0 + i);
        if (c.count > 0 && prevCount > 0) x[i] = Math.log(c.count) - Math.log(prevCount);
        if (c.count > 0) s[i] = (c.pos - c.neg) / c.count;
        r[i] = lp - prevLp;
        prevCount = c.count;
        prevLp = lp;
      }
      const vol = laggedPearson(x, r, coin.lagMinutes);
      const net = laggedPearson(s, r, coin.lagMinutes);
      return {
        symbol: coin.symbol,
        quote: coin.quote,
        topics: coin.topics,
        lagMinutes: coin.lagMinutes,
        lagSeconds: coin.lagMinutes * 60,
        signal: 'volume_change' as const,
        correlation: coin.correlation,
        expectedCorrelation: round(coin.expectedCorrelation),
        realized: { volumeChangeR: vol.r, netSentimentR: net.r, n: vol.n },
      };
    }),
    controlTopics: model.topics.filter((t) => !t.coin).map((t) => t.name),
    anomalies: model.anomalies(fromMs, toMs),
  };
}

/** Writes the truth as JSON, atomically (a reader never sees half a file). */
export function writeTruthFile(file: string, truth: PlantedTruth): void {
  writeFileAtomic(file, `${JSON.stringify(truth, null, 2)}\n`);
}

/** Pearson of a[t] with b[t + lag] over the finite pairs. */
function laggedPearson(a: Float64Array, b: Float64Array, lag: number): { r: number | null; n: number } {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let t = 0; t + lag < a.length; t++) {
    const x = a[t]!;
    const y = b[t + lag]!;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      n++;
      sa += x;
      sb += y;
    }
  }
  if (n < 3) return { r: null, n };
  const ma = sa / n;
  const mb = sb / n;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let t = 0; t + lag < a.length; t++) {
    const x = a[t]!;
    const y = b[t + lag]!;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      saa += (x - ma) ** 2;
      sbb += (y - mb) ** 2;
      sab += (x - ma) * (y - mb);
    }
  }
  if (saa === 0 || sbb === 0) return { r: null, n };
  return { r: round(sab / Math.sqrt(saa * sbb)), n };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
