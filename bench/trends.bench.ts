// Trends: the post pipeline's throughput with and without the trends hook, and the trends' memory
// over 10 million posts.
//
//   node --expose-gc --import tsx bench/trends.bench.ts [--posts N] [--memory-posts M] [--no-memory]
//     [--only with|without]   (one pipeline only: for a CPU profile, --cpu-prof)
//   (one-core figures: prefix with `taskset -c 0`)
//
// Posts are synthetic: a topic keyword, 8-14 words drawn from a Zipf vocabulary of 50,000 words
// (exponent 1.05, as word frequencies in English), a cashtag, and in one post of ten a never-seen term
// (a new word each time: the worst case for any counter that keeps what it sees).
// 1. Throughput: validate -> route -> sentiment -> line protocol (+ rollups) [+ trends], counting sink.
// 2. Memory: 10 million posts through the trends hook alone (term extraction, counters, sketches,
//    ranking at interval close), event time spread over 9 days so the 7-day baseline ring fills and
//    wraps; heap after a full GC every 500,000 posts.
import { performance } from 'node:perf_hooks';
import { SocialPipeline } from '../collectors/social/pipeline.ts';
import { createTopicRouter } from '../collectors/social/routing/index.ts';
import { createSentimentScorer } from '../collectors/social/sentiment/index.ts';
import { trendsConfigSchema } from '../collectors/social/trends/config.ts';
import { TrendTracker } from '../collectors/social/trends/tracker.ts';
import type { RawPost } from '../collectors/social/types.ts';
import { silentLogger } from '../src/core/log.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import { mulberry32 } from '../src/core/random.ts';
import type { PointWriter } from '../src/core/write/writer.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: number): number =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) || def : def;
const N = arg('--posts', 200_000);
const MEMORY_POSTS = arg('--memory-posts', 10_000_000);

const TOPICS = [
  { name: 'bitcoin', keywords: ['bitcoin', 'btc'], coin: 'BTC' },
  { name: 'ethereum', keywords: ['ethereum', 'eth'], coin: 'ETH' },
  { name: 'iota', keywords: ['iota'], coin: 'IOTA' },
  { name: 'crypto', keywords: ['crypto', 'defi', 'altcoin'] },
  { name: 'football', keywords: ['football'] },
  { name: 'weather', keywords: ['weather'] },
];
const KEYWORDS = TOPICS.flatMap((t) => t.keywords);
const VOCAB = 50_000;
const ZIPF_S = 1.05;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'zi', 'pe', 'shu', 'gra', 'den'];

/** A word for a rank: syllables, so words look like words and have realistic lengths. */
function word(rank: number): string {
  let w = '';
  let x = rank + 12;
  while (x > 0) {
    w += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length);
  }
  return w;
}

function zipfSampler(seed: number): () => string {
  const cum = new Float64Array(VOCAB);
  let s = 0;
  for (let r = 0; r < VOCAB; r++) cum[r] = s += 1 / Math.pow(r + 1, ZIPF_S);
  const words = Array.from({ length: VOCAB }, (_, r) => word(r));
  const rnd = mulberry32(seed);
  return () => {
    const u = rnd() * s;
    let lo = 0;
    let hi = VOCAB - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
}

function postTexts(seed: number): (i: number) => string {
  const next = zipfSampler(seed);
  const rnd = mulberry32(seed ^ 0x9e3779b9);
  return (i) => {
    const n = 8 + Math.floor(rnd() * 7);
    const parts = [KEYWORDS[Math.floor(rnd() * KEYWORDS.length)]!];
    for (let k = 0; k < n; k++) parts.push(next());
    parts.push(`$${next().slice(0, 5).toUpperCase()}`);
    if (i % 10 === 0) parts.push(`neverseen${i.toString(36)}`);
    return parts.join(' ');
  };
}

class CountingSink implements PointWriter {
  lines = 0;
  write(_b: 'raw' | 'main', lines: string | string[]): void {
    this.lines += typeof lines === 'string' ? 1 : lines.length;
  }
  async flush(): Promise<void> {}
  async drain(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
  bufferedLines(): number {
    return 0;
  }
  failing(): boolean {
    return false;
  }
}

function pipeline(withTrends: boolean, writer: PointWriter, now: () => number): SocialPipeline {
  const router = createTopicRouter(TOPICS);
  return new SocialPipeline({
    writer,
    router,
    scorer: createSentimentScorer(),
    metrics: createServiceRegistry('bench', { defaultMetrics: false }),
    log: silentLogger,
    rollupIntervalMs: 60_000,
    now,
    ...(withTrends
      ? { trends: { config: trendsConfigSchema.parse({}), coinOf: (t: string) => router.coinOf(t) } }
      : {}),
  });
}

function throughput(): void {
  const text = postTexts(1);
  const t0 = Date.UTC(2026, 0, 10);
  // 20,000 posts a second of event time: the rate being measured, so intervals close as they would.
  const posts: RawPost[] = Array.from({ length: N }, (_, i) => ({
    id: `p${i}`,
    text: text(i),
    createdAtMs: t0 + Math.floor(i / 20),
    langs: ['en'],
  }));
  console.log(`posts: ${N}; mean ${Math.round(posts.reduce((s, p) => s + p.text.length, 0) / N)} chars`);
  // CPU time of this process as well as wall time: on a shared machine the wall clock also counts
  // the time other processes held the core.
  console.log(
    '| pipeline | posts/s wall (median of 3) | min | max | posts per CPU second (median) | closing all intervals, ms | trend points |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  for (const withTrends of [false, true]) {
    if (only !== undefined && only !== (withTrends ? 'with' : 'without')) continue;
    const rates: number[] = [];
    const cpuRates: number[] = [];
    let trendPoints = 0;
    let closeMs = 0;
    for (let round = 0; round < 4; round++) {
      const sink = new CountingSink();
      let now = t0;
      const p = pipeline(withTrends, sink, () => now);
      const start = performance.now();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < posts.length; i++) {
        const post = posts[i]!;
        now = post.createdAtMs;
        p.ingest('x', post);
        if ((i & 1023) === 0) p.tick();
      }
      const secs = (performance.now() - start) / 1000;
      const cpu = process.cpuUsage(cpu0);
      // Closing every open interval (ranking, and the hourly themes: NMF over the last 2,000 posts of
      // each topic) happens once per interval in a collector, not per post: timed apart.
      const close0 = performance.now();
      p.flushAll();
      closeMs = performance.now() - close0;
      if (round > 0) {
        rates.push(N / secs); // round 0 warms the JIT
        cpuRates.push(N / ((cpu.user + cpu.system) / 1e6));
      }
      trendPoints = sink.lines;
    }
    rates.sort((a, b) => a - b);
    cpuRates.sort((a, b) => a - b);
    console.log(
      `| ${withTrends ? 'with trends' : 'without trends'} | ${Math.round(rates[1]!)} | ${Math.round(rates[0]!)} | ${Math.round(rates[2]!)} | ${Math.round(cpuRates[1]!)} | ${Math.round(closeMs)} | ${withTrends ? trendPoints : '-'} |`,
    );
  }
}

function memory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('\nmemory: skipped (run with node --expose-gc --import tsx)');
    return;
  }
  const text = postTexts(2);
  const router = createTopicRouter(TOPICS);
  const sink = new CountingSink();
  const t0 = Date.UTC(2026, 0, 1);
  const spanMs = 9 * 86_400_000; // 9 days: the 7-day baseline fills and wraps
  const step = spanMs / MEMORY_POSTS;
  let now = t0;
  const tracker = new TrendTracker({
    config: trendsConfigSchema.parse({}),
    coinOf: (t) => router.coinOf(t),
    writer: sink,
    metrics: createServiceRegistry('bench', { defaultMetrics: false }),
    log: silentLogger,
    now: () => now,
  });
  gc();
  const base = process.memoryUsage().heapUsed;
  console.log(
    `\nmemory over ${MEMORY_POSTS} posts (trends hook alone; heap after a full GC, baseline ${(base / 2 ** 20).toFixed(0)} MB)`,
  );
  // Sketches are typed arrays: their bytes are counted in arrayBuffers, not in the JS heap.
  console.log(
    '| posts | event day | heap MB (over baseline) | array buffers MB | rss MB | open slots | posts per CPU s |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const every = Math.min(500_000, MEMORY_POSTS);
  let t = process.cpuUsage();
  const heaps: number[] = [];
  for (let i = 0; i < MEMORY_POSTS; i++) {
    now = t0 + Math.floor(i * step);
    const body = text(i);
    tracker.add(router.route(body), body, now);
    if ((i & 1023) === 0) tracker.tick();
    if ((i + 1) % every === 0) {
      const c = process.cpuUsage(t);
      const rate = every / ((c.user + c.system) / 1e6);
      gc();
      const m = process.memoryUsage();
      const heap = (m.heapUsed - base) / 2 ** 20;
      heaps.push(heap);
      console.log(
        `| ${i + 1} | ${((now - t0) / 86_400_000).toFixed(2)} | ${heap.toFixed(1)} | ${(m.arrayBuffers / 2 ** 20).toFixed(1)} | ${(m.rss / 2 ** 20).toFixed(0)} | ${tracker.engine.openSlots()} | ${Math.round(rate)} |`,
      );
      t = process.cpuUsage();
    }
  }
  const after7 = heaps.slice(Math.floor((heaps.length * 7) / 9));
  console.log(
    `\nheap over baseline: max ${Math.max(...heaps).toFixed(1)} MB; from day 7 on ${Math.min(...after7).toFixed(1)}..${Math.max(...after7).toFixed(1)} MB; trend points written ${sink.lines}`,
  );
}

throughput();
if (!args.includes('--no-memory')) memory();
