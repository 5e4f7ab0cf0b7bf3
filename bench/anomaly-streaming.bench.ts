// Streaming detector speed for docs/performance.md. Run: taskset -c 0 npx tsx bench/anomaly-streaming.bench.ts
//   1,000 series, each warmed with 3 days of 1-minute history (4,320 points, so the daily profile is
//   live), then 60 cycles of one new point per series, as the service feeds them each minute; target
//   under 100 ms of detector time per cycle on one core. Also the state size per series (snapshot as
//   JSON, and the typed arrays held in memory). Data is synthetic and seeded.
import { createStreamingDetector } from '../analytics/streaming/index.ts';
import { mulberry32 } from '../src/core/random.ts';

const SERIES = 1000;
const HISTORY = 3 * 1440;
const CYCLES = 60;
const STEP = 60_000;
const T0 = Date.UTC(2026, 0, 1);

const random = mulberry32(42);
const phase = Array.from({ length: SERIES }, () => random() * 2 * Math.PI);
const scale = Array.from({ length: SERIES }, () => 1 + 1000 * random());
function value(s: number, i: number): number {
  const cycle = Math.sin((2 * Math.PI * i) / 1440 + (phase[s] as number));
  const burst = random() < 0.001 ? 8 : 0;
  return (scale[s] as number) * (1 + 0.3 * cycle + 0.05 * random() + burst);
}

const detectors = Array.from({ length: SERIES }, () => createStreamingDetector());
const warmStart = performance.now();
for (let i = 0; i < HISTORY; i++) {
  for (let s = 0; s < SERIES; s++) detectors[s]?.update(T0 + i * STEP, value(s, i));
}
const warmMs = performance.now() - warmStart;

const cycleMs: number[] = [];
let flags = 0;
for (let c = 0; c < CYCLES; c++) {
  const i = HISTORY + c;
  const values = Array.from({ length: SERIES }, (_, s) => value(s, i));
  const start = performance.now();
  for (let s = 0; s < SERIES; s++) if (detectors[s]?.update(T0 + i * STEP, values[s] as number).flag) flags++;
  cycleMs.push(performance.now() - start);
}
cycleMs.sort((a, b) => a - b);
const pct = (p: number) => cycleMs[Math.min(cycleMs.length - 1, Math.floor(p * cycleMs.length))] as number;

const snapshot = detectors[0]?.snapshot() as Record<string, unknown>;
const jsonBytes = Buffer.byteLength(JSON.stringify(snapshot));
const arrayBytes = Object.values(snapshot)
  .filter((v) => Array.isArray(v))
  .reduce((n, v) => n + 8 * (v as unknown[]).length, 0);
global.gc?.();
const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const heapBefore = used();
const extra = Array.from({ length: SERIES }, () => {
  const d = createStreamingDetector();
  for (let i = 0; i < 20; i++) d.update(T0 + i * STEP, i); // step known: profile allocated
  return d;
});
global.gc?.();
const heapPerSeries = (used() - heapBefore) / SERIES;

const rows = [
  [
    'warm-up: 1,000 series x 4,320 points (1-minute, 3 days)',
    `${(warmMs / 1000).toFixed(2)} s`,
    `${((warmMs * 1000) / (SERIES * HISTORY)).toFixed(2)} µs per update`,
  ],
  [
    'one cycle: 1 new point for each of 1,000 series (60 cycles)',
    `median ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${pct(1).toFixed(1)} ms`,
    `target < 100 ms; ${flags} flags in the 60 cycles`,
  ],
  [
    'state per series (1-minute data: 1,440-slot daily profile)',
    `${(arrayBytes / 1024).toFixed(1)} KiB of numbers`,
    `snapshot JSON ${(jsonBytes / 1024).toFixed(1)} KiB; heap and buffers ~${(heapPerSeries / 1024).toFixed(1)} KiB${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`,
  ],
];
console.log('| streaming detector | figure | note |');
console.log('| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
void extra;
