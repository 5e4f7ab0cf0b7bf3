// The planted truths, checked with the project's own analytics math on generated data: what the
// end-to-end test expects the jobs to find must be there to be found.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anomalyDetectionVec } from '../../../analytics/math/anomaly-detection.ts';
import { pearson } from '../../../analytics/math/correlation.ts';
import { crossCorrelation } from '../../../analytics/math/xcorr.ts';
import { DAY_MINUTES, MINUTE_MS, SimModel, type PlantedAnomaly, type SimTopic } from './model.ts';
import { plantedTruth, simulationSpec, truthOf, writeTruthFile } from './truth.ts';
import { testConfig } from './testdata/config.ts';

const FROM = Date.UTC(2026, 0, 10);

interface Series {
  count: number[];
  volumeChange: number[];
  net: number[];
  logReturn: number[];
}

/** The 1-minute series the analytics builds from `social` rollups and `price` points. */
function series(m: SimModel, topic: SimTopic, fromMs: number, minutes: number): Series {
  const t0 = fromMs / MINUTE_MS;
  const coin = topic.coin ? m.coin(topic.coin)! : undefined;
  const out: Series = { count: [], volumeChange: [], net: [], logReturn: [] };
  let prevCount = m.counts(topic, t0 - 1).count;
  let prevLp = coin ? m.logPrice(coin, t0 - 1) : 0;
  for (let t = t0; t < t0 + minutes; t++) {
    const c = m.counts(topic, t);
    out.count.push(c.count);
    out.volumeChange.push(Math.log(c.count) - Math.log(prevCount));
    out.net.push((c.pos - c.neg) / c.count);
    const lp = coin ? m.logPrice(coin, t) : 0;
    out.logReturn.push(lp - prevLp);
    prevCount = c.count;
    prevLp = lp;
  }
  return out;
}

function pearsonR(x: number[], y: number[]): number {
  const r = pearson(x, y);
  if (r.kind !== 'ok') throw new Error('no correlation');
  return r.r;
}

/** Share of planted windows with a detection, and share of detections inside a planted window (+-1 min). */
function score(
  found: number[],
  planted: PlantedAnomaly[],
  fromMs: number,
): { recall: number; precision: number } {
  const inside = (i: number, a: PlantedAnomaly) => {
    const ms = fromMs + i * MINUTE_MS;
    return ms >= a.startMs - MINUTE_MS && ms < a.endMs + MINUTE_MS;
  };
  const hit = planted.filter((a) => found.some((i) => inside(i, a))).length;
  const good = found.filter((i) => planted.some((a) => inside(i, a))).length;
  return { recall: hit / planted.length, precision: found.length ? good / found.length : 1 };
}

describe('planted truth', () => {
  const config = testConfig();
  const model = new SimModel(simulationSpec(config));

  it('is recovered by cross-correlation: lag within one bucket, r near the target, for every coin', () => {
    const truth = truthOf(model, FROM, FROM + 3 * DAY_MINUTES * MINUTE_MS);
    for (const coin of model.coins) {
      const s = series(model, model.topic(coin.topics[0]!)!, FROM, 3 * DAY_MINUTES);
      // The realized r of the truth is Pearson's r of volume change against the return L minutes later.
      const L = coin.lagMinutes;
      const r = pearsonR(s.volumeChange.slice(0, -L), s.logReturn.slice(L));
      expect(truth.coins.find((c) => c.symbol === coin.symbol)!.realized.volumeChangeR).toBeCloseTo(r, 5);
      const xc = crossCorrelation(s.volumeChange, s.logReturn, 60);
      expect(Math.abs(xc.bestLag! - coin.lagMinutes)).toBeLessThanOrEqual(1);
      expect(xc.significant).toBe(true);
      expect(xc.bestR!).toBeGreaterThan(coin.correlation - 0.05);
      expect(xc.bestR!).toBeLessThan(coin.correlation + 0.05);
      // Mean sentiment shares the driver: the same lag shows in the net sentiment.
      const xs = crossCorrelation(s.net, s.logReturn, 60);
      expect(Math.abs(xs.bestLag! - coin.lagMinutes)).toBeLessThanOrEqual(1);
      expect(xs.bestR!).toBeGreaterThan(0.25);
    }
  });

  it('follows per-coin lags and signs, and reports the realized r the analytics will measure', () => {
    const cfg = testConfig({
      coins: { ETH: { lagMinutes: 15, correlation: -0.5 }, IOTA: { lagMinutes: 0, correlation: 0.3 } },
    });
    const m = new SimModel(simulationSpec(cfg));
    const truth = truthOf(m, FROM, FROM + 2 * DAY_MINUTES * MINUTE_MS);
    for (const c of truth.coins) {
      const s = series(m, m.topic(c.topics[0]!)!, FROM, 2 * DAY_MINUTES);
      const xc = crossCorrelation(s.volumeChange, s.logReturn, 60);
      expect(Math.abs(xc.bestLag! - c.lagMinutes)).toBeLessThanOrEqual(1);
      expect(Math.abs(xc.bestR! - c.correlation)).toBeLessThan(0.06);
      const at = xc.curve.find((p) => p.lag === c.lagMinutes)!;
      expect(c.realized.volumeChangeR!).toBeCloseTo(at.r!, 2);
    }
    expect(truth.coins.map((c) => [c.symbol, c.lagSeconds])).toEqual([
      ['BTC', 420],
      ['ETH', 900],
      ['IOTA', 0],
    ]);
  });

  it('keeps control topics unrelated to every price', () => {
    const btc = series(model, model.topic('bitcoin')!, FROM, 2 * DAY_MINUTES);
    for (const name of ['crypto', 'football', 'weather']) {
      const s = series(model, model.topic(name)!, FROM, 2 * DAY_MINUTES);
      const xc = crossCorrelation(s.volumeChange, btc.logReturn, 60);
      expect(Math.abs(xc.bestR!)).toBeLessThan(0.1);
    }
    expect(plantedTruth(config, FROM, FROM + MINUTE_MS * 60).controlTopics).toEqual([
      'crypto',
      'football',
      'weather',
    ]);
  });

  it('plants anomalies that seasonal hybrid ESD finds: recall >= 0.9, precision >= 0.8 over a week', () => {
    const minutes = 7 * DAY_MINUTES;
    const toMs = FROM + minutes * MINUTE_MS;
    const planted = model.anomalies(FROM, toMs);
    const topic = model.topic('bitcoin')!;
    const s = series(model, topic, FROM, minutes);
    const opts = { period: DAY_MINUTES, maxAnoms: 0.02, alpha: 0.05, direction: 'both' as const };
    const detect = (values: number[]) => anomalyDetectionVec(values, opts).map((a) => a.index);

    const spikes = planted.filter((a) => a.kind === 'volume_spike' && a.topic === 'bitcoin');
    const crashes = planted.filter((a) => a.kind === 'sentiment_crash' && a.topic === 'bitcoin');
    const jumps = planted.filter((a) => a.kind === 'price_jump' && a.symbol === 'BTC');
    expect(spikes.length).toBeGreaterThanOrEqual(8);
    expect(crashes.length).toBeGreaterThanOrEqual(8);
    expect(jumps.length).toBeGreaterThanOrEqual(8);

    for (const [values, truth] of [
      [s.count, spikes],
      [s.net, crashes],
      [s.logReturn, jumps],
    ] as const) {
      const q = score(detect(values), truth, FROM);
      expect(q.recall).toBeGreaterThanOrEqual(0.9);
      expect(q.precision).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('is the same for the same configuration and range, and written as JSON', () => {
    const a = plantedTruth(config, FROM, FROM + DAY_MINUTES * MINUTE_MS);
    const b = plantedTruth(config, FROM, FROM + DAY_MINUTES * MINUTE_MS);
    expect(a).toEqual(b);
    expect(a.anomalies).toHaveLength(6 * 4);
    expect(a.anomalies[0]).toMatchObject({ series: expect.any(String), direction: expect.any(String) });
    const file = join(mkdtempSync(join(tmpdir(), 'simtruth-')), 'sub', 'truth.json');
    writeTruthFile(file, a);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(a);
  });

  it('refuses ranges it cannot compute', () => {
    expect(() => plantedTruth(config, FROM, FROM)).toThrow(/toMs > fromMs/);
    expect(() => plantedTruth(config, FROM, FROM + 40 * DAY_MINUTES * MINUTE_MS)).toThrow(/31 days/);
  });
});
