// Analytics figures for docs/performance.md. Run: npx tsx bench/analytics.bench.ts
//   (a) a full cycle: 20 series pairs x 7 days of 1-minute data (10,080 points): rolling Pearson over
//       1 h / 6 h / 24 h, cross-correlation over +-360 lags, Granger both ways; target < 2 s, one core;
//   (b) S-H-ESD on 30 days of 1-minute data (43,200 points), STL and ESD timed apart, and the ESD
//       loop against R's recompute-everything loop;
//   (c) rolling O(1) updates against a full recompute per step: speed and largest difference.
// Data is synthetic and seeded, so runs are comparable. Prints a markdown table to stdout.

import { median, mad } from '../analytics/math/descriptive.ts';
import { pearson } from '../analytics/math/correlation.ts';
import { esdCriticalValue, generalizedEsd } from '../analytics/math/esd.ts';
import { grangerBothWays } from '../analytics/math/granger.ts';
import { rollingPearson } from '../analytics/math/rolling.ts';
import { seasonalHybridEsd } from '../analytics/math/shesd.ts';
import { stl } from '../analytics/math/stl.ts';
import { crossCorrelation } from '../analytics/math/xcorr.ts';
import { mulberry32 } from '../src/core/random.ts';

const random = mulberry32;

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

/** Post-volume change and price log returns where social leads price by `lead` minutes. */
function seriesPair(
  length: number,
  lead: number,
  seed: number,
): { social: Float64Array; price: Float64Array } {
  const next = random(seed);
  const social = new Float64Array(length);
  const price = new Float64Array(length);
  for (let t = 0; t < length; t++) social[t] = gaussian(next);
  for (let t = 0; t < length; t++) {
    price[t] = 1e-4 * (0.3 * (t >= lead ? (social[t - lead] as number) : 0) + gaussian(next));
  }
  return { social, price };
}

function time<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

const rows: [string, string, string][] = [];
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

// (a) full cycle
{
  const PAIRS = 20;
  const LENGTH = 7 * 1440;
  const MAX_LAG = 360;
  const pairs = Array.from({ length: PAIRS }, (_, i) => seriesPair(LENGTH, 5 + i, 1000 + i));
  const cycle = (): { rolling: number; xcorr: number; granger: number; recovered: number } => {
    let rolling = 0;
    let xcorr = 0;
    let granger = 0;
    let recovered = 0;
    pairs.forEach(({ social, price }, i) => {
      rolling += time(() => {
        for (const window of [60, 360, 1440]) rollingPearson(social, price, window);
      }).ms;
      const x = time(() => crossCorrelation(social, price, MAX_LAG));
      xcorr += x.ms;
      if (x.value.bestLag === 5 + i) recovered++;
      granger += time(() => grangerBothWays(social, price, { lagOrder: 5 })).ms;
    });
    return { rolling, xcorr, granger, recovered };
  };
  cycle(); // warm-up: let the JIT compile the hot loops once
  const runs = [cycle(), cycle(), cycle()];
  const totals = runs.map((r) => r.rolling + r.xcorr + r.granger).sort((a, b) => a - b);
  const best = runs.find((r) => r.rolling + r.xcorr + r.granger === totals[0]) ?? runs[0];
  if (!best) throw new Error('no runs');
  rows.push([
    '(a) full cycle: 20 pairs x 10,080 pts, windows 1h/6h/24h, lags +-360, Granger p=5 both ways',
    `${fmt(totals[1] as number)} (median of 3; best ${fmt(totals[0] as number)})`,
    `target < 2000 ms; planted lag recovered in ${best.recovered}/20 pairs`,
  ]);
  rows.push([
    '(a) of which rolling Pearson (3 windows x 20 pairs)',
    fmt(best.rolling),
    '604,800 O(1) updates + results',
  ]);
  rows.push([
    '(a) of which cross-correlation (721 lags x 20 pairs)',
    fmt(best.xcorr),
    'prefix sums + one dot product per lag',
  ]);
  rows.push([
    '(a) of which Granger (2 directions x 20 pairs)',
    fmt(best.granger),
    'one QR per direction, nested RSS',
  ]);
}

// (b) S-H-ESD on 30 days of minutes
{
  const LENGTH = 30 * 1440;
  const next = random(7);
  const values = new Float64Array(LENGTH);
  for (let t = 0; t < LENGTH; t++) {
    values[t] = 200 + 60 * Math.sin((2 * Math.PI * t) / 1440) + 0.001 * t + 8 * gaussian(next);
  }
  const planted = [3000, 11111, 25000, 40000, 43000];
  for (const t of planted) values[t] = (values[t] as number) + 120;
  seasonalHybridEsd(values, 1440, { maxAnoms: 0.02, direction: 'both' }); // warm-up
  const decomposition = time(() => stl(values, 1440, { seasonalWindow: 'periodic', robust: true }));
  for (const maxAnoms of [0.02, 0.1]) {
    const full = time(() => seasonalHybridEsd(values, 1440, { maxAnoms, direction: 'both' }));
    const found = planted.filter((t) => full.value.anomalies.includes(t)).length;
    rows.push([
      `(b) S-H-ESD, 43,200 pts, period 1440, maxAnoms ${maxAnoms} (${Math.trunc(LENGTH * maxAnoms)} ESD rounds)`,
      fmt(full.ms),
      `${full.value.anomalies.length} anomalies, ${found}/5 planted found`,
    ]);
  }
  rows.push(['(b) of which robust periodic STL (16 passes)', fmt(decomposition.ms), '']);
  const residual = Float64Array.from(values, (v, i) => v - (decomposition.value.seasonal[i] as number));
  const fast = time(() => generalizedEsd(residual, 864, 0.05, 'both'));
  // R's loop: median and MAD from scratch over the remaining points every round (here by quickselect).
  const naive = time(() => {
    let data = Array.from(residual);
    let count = 0;
    for (let i = 1; i <= 864; i++) {
      const m = median(data);
      const s = mad(data);
      let best = 0;
      for (let k = 1; k < data.length; k++) {
        if (Math.abs((data[k] as number) - m) > Math.abs((data[best] as number) - m)) best = k;
      }
      if (Math.abs((data[best] as number) - m) / s > esdCriticalValue(residual.length, i, 0.05, 'both'))
        count = i;
      data = data.filter((_, k) => k !== best);
    }
    return count;
  });
  rows.push([
    '(b) ESD loop alone, 864 rounds: sorted once + O(log n) rounds vs median/MAD recomputed each round',
    `${fmt(fast.ms)} vs ${fmt(naive.ms)}`,
    `${(naive.ms / fast.ms).toFixed(0)}x faster; same count: ${fast.value.length === naive.value}`,
  ]);
}

// (c) rolling O(1) vs full recompute
{
  const LENGTH = 7 * 1440;
  const WINDOW = 1440;
  const next = random(99);
  const x = new Float64Array(LENGTH);
  const y = new Float64Array(LENGTH);
  let price = 60000;
  for (let t = 0; t < LENGTH; t++) {
    const step = 5 * gaussian(next);
    price += step;
    x[t] = price;
    y[t] = 300 + 2 * step + 10 * gaussian(next);
  }
  const rolling = time(() => rollingPearson(x, y, WINDOW));
  const full = time(() => {
    const out = [];
    for (let end = 0; end < LENGTH; end++) {
      const start = Math.max(0, end - WINDOW + 1);
      out.push(pearson(x.subarray(start, end + 1), y.subarray(start, end + 1)));
    }
    return out;
  });
  let worst = 0;
  rolling.value.forEach((r, i) => {
    const f = full.value[i];
    if (r.kind === 'ok' && f?.kind === 'ok') worst = Math.max(worst, Math.abs(r.r - f.r));
  });
  rows.push([
    '(c) rolling Pearson, 10,080 steps, window 1440, prices ~60000: O(1) update vs full recompute',
    `${fmt(rolling.ms)} vs ${fmt(full.ms)}`,
    `max |r difference| ${worst.toExponential(2)} (limit 1e-9)`,
  ]);
}

console.log(`Analytics bench, node ${process.version}, ${new Date().toISOString()}\n`);
console.log('| what | time | notes |');
console.log('| --- | --- | --- |');
for (const [what, ms, notes] of rows) console.log(`| ${what} | ${ms} | ${notes} |`);
