// The streaming detector against the simulator's planted truth, offline: the streaming part of the soak
// test test/soak/analytics-simulate.test.ts in seconds, without InfluxDB, for tuning the detector.
//
//   npx tsx bench/streaming-simulate.ts [--hours 72] [--warmup 36] [--config config.yaml]
//                                       [--end ISO ...] [--lead SECONDS] [--no-cache] [--verbose] [--json]
//
// What it does, step by step, with the project's own code at every step:
//   1. The simulate source (sources.simulate forced to `mode: backfill`, `historyHours: --hours`, the
//      rest of its section and every topic and coin as in --config) runs its history through the real
//      collector wiring (src/collector/context.ts: router, sentiment scorer, SocialPipeline and its
//      rollups), with an in-memory PointWriter in place of InfluxDB. The collector's clock is frozen
//      at its start (`--end` minus `--lead` seconds), so the history is the minutes
//      [start - hours, start) as in the soak test. Trends are switched off: they write only trend
//      points and never touch the `social` rollups.
//   2. The captured main-bucket line protocol is read back as the analytics service's Flux would: the
//      last write of each point wins (as InfluxDB overwrites), social fields summed per writer series
//      and bucket then combined with the service's SocialCombiner (analytics/jobs/read.ts), the last
//      price per coin and bucket in the configured quote (and price source). Missing social buckets
//      stay NaN, as the streaming job reads them (`fillGaps` false).
//   3. bucketValues/streamingSeries (analytics/jobs/streaming-state.ts) turn that into the 21 series
//      the service watches, and StreamingDetectors feeds them bucket by bucket as the service's
//      StreamingJob does: warm-up over [end - hours, end - hours + warmup) with nothing kept, then the
//      rest up to the last bucket closed at `--end` (settle from config). Only flags the service would
//      write are kept (finite value and expectation).
//   4. Scored with the soak test's hit rule (analytics/planted/hits.ts, shared with the soak test)
//      against `plantedTruth` over the streamed span: planted anomalies starting in [stream start,
//      stream end) and flags in it, stream end = `--end` minus 5 minutes, bucket-aligned (the soak
//      test's `streamToMs`).
//
// Time alignment with the soak test: there the collector starts at T, writes minutes
// [T - 72 h, T), and the analysis clock `endMs` is read once the collector has finished (T plus the
// collector's run time: 145 s on a loaded 2-core machine); the streaming warm-up starts at
// endMs - 72 h. `--end` is that endMs (default: now) and `--lead` the collector's run time in seconds
// (default 60). The soak test prints both (`[simulate e2e] endMs ...` with the replay command). Any
// lead from 60 s to just under 300 s gives the same figures: the history then starts before the
// warm-up's first bucket and covers the scored span, which ends 5 minutes before endMs (a lead under
// a minute leaves the first return of the warm-up missing, which can move a flag). The planted
// anomalies are fixed by the seed and the UTC time, so runs at different times cover different
// anomalies: to compare detector versions, pin `--end`.
//
// Several `--end`: one history covering them all is generated once, each run keeps only the minutes its
// own collector would have written (each minute's posts, rollup and prices depend on that minute
// only, so this equals separate runs: checked, same flags and scores), and the figures are printed
// per run and pooled (sums of hits over sums of planted anomalies and flags). 36 planted anomalies
// are a small sample; ends a few hours apart give other anomalies and other hours of the day.
//
// Cache: step 1 is the real pipeline and costs 15-70 s (520,000 posts scored; the range is the
// machine's load); steps 2-4 about 2 s a run. The main-bucket points step 1 writes are kept in
// ~/.cache/cryptocrawler/streaming-simulate/ (about 8 MB for 72 h; the newest 12 are kept), keyed by
// a hash of the clock, the config file and the contents of every source file they depend on
// (simulator, social pipeline, scorer, line protocol, config schema, job options, this file), so
// with a pinned `--end` a detector change reruns in about 3 s, and an edit to any of those inputs
// regenerates. `--no-cache` always regenerates.
//
// Output: recall, precision, each missed planted anomaly with the highest score each series of its
// topic (or coin) reached within one bucket of its span, each false flag (series, time, score, kind,
// value, expected). `--json` prints one JSON object instead; `--verbose` adds every flag and the
// stage timings. Scores come from a second, identical set of detectors fed the same values (the
// service's StreamingDetectors returns flags only); the run checks that both flag the same buckets.
//
// Checked against the soak test (detector 61a2d7a, simulator and pipeline at 1199c8e): its run with
// endMs 2026-11-28T20:51:25.637Z (collector 145.1 s) gave recall 0.474 (18 of 38) and precision 0.348
// (23 of 66); `--end 2026-11-28T20:51:25.637Z --lead 145.1` gives the same figures, the same 20 missed
// anomalies and the same 43 false flags with bit-identical values and expectations. The figures in
// docs/analytics.md (recall 0.50, 18 of 36; precision 0.47, 23 of 49; missed 10 sentiment crashes, 7
// volume spikes, the IOTA jump; false flags 13 negative_posts, 7 volume, 5 sentiment, 1 return) come
// out exactly with `--end 2026-11-28T18:35:30Z` (any --lead from 60 to 145 s): that run's clock. The
// figures move with the clock: over the ends 18:05-18:40 recall stays 18 of 36 and precision is
// 22-24 of 47-60 flags (0.42 pooled), as the false flags of the noisy small-count series come and go.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { jobOptionsFromConfig } from '../analytics/jobs/options.ts';
import { emptyTopicSeries, type AlignedSeries, type TopicSeries } from '../analytics/jobs/series.ts';
import { streamingSettingsFromConfig } from '../analytics/jobs/streaming.ts';
import {
  StreamingDetectors,
  bucketValues,
  seriesKey,
  streamingSeries,
  type StreamingFlag,
} from '../analytics/jobs/streaming-state.ts';
import { scorePlanted } from '../analytics/planted/hits.ts';
import { createStreamingDetector } from '../analytics/streaming/index.ts';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { SocialCombiner } from '../collectors/social/rollup-flux.ts';
import { plantedTruth, simulateSource, type PlantedTruth } from '../collectors/social/simulate/index.ts';
import type { SimulateConfig } from '../collectors/social/simulate/index.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig, type Config } from '../src/core/config/load.ts';
import type { BucketRole, PointWriter } from '../src/core/write/writer.ts';

/** The soak test's stream end: the last minutes before endMs have no posts. */
const STREAM_END_MARGIN_MS = 5 * 60_000;

type Planted = PlantedTruth['anomalies'][number];

// ---------------------------------------------------------------------------------------------------
// In-memory writer and the line protocol read back

/** One parsed point: measurement, tags, fields, time in ms. */
interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number>;
  timeMs: number;
}

/** Splits on `sep` outside backslash escapes and double quotes. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (c === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Numeric fields only (strings and booleans are skipped): `21i` -> 21, `1.02` -> 1.02. */
function parsePoint(line: string): Point | undefined {
  const parts = splitUnescaped(line, ' ');
  if (parts.length !== 3) return undefined;
  const [head, fieldText, time] = parts as [string, string, string];
  const [measurement, ...tagPairs] = splitUnescaped(head, ',');
  const tags: Record<string, string> = {};
  for (const kv of tagPairs) {
    const [k, v] = splitUnescaped(kv, '=');
    if (k !== undefined && v !== undefined) tags[unescape(k)] = unescape(v);
  }
  const fields: Record<string, number> = {};
  for (const kv of splitUnescaped(fieldText, ',')) {
    const eq = kv.indexOf('=');
    const k = unescape(kv.slice(0, eq));
    const raw = kv.slice(eq + 1);
    if (raw.startsWith('"') || raw === 't' || raw === 'f' || raw === 'true' || raw === 'false') continue;
    const v = Number(/[iu]$/.test(raw) ? raw.slice(0, -1) : raw);
    if (Number.isFinite(v)) fields[k] = v;
  }
  return {
    measurement: unescape(measurement ?? ''),
    tags,
    fields,
    timeMs: Number(BigInt(time) / 1_000_000n),
  };
}

/**
 * A PointWriter that keeps what InfluxDB would keep of the main bucket: one point per series key and
 * timestamp, a later write's fields overwriting an earlier one's. The raw bucket (`post` points) is
 * only counted.
 */
class MemoryWriter implements PointWriter {
  /** `${series key} ${time}` -> the line's point. */
  readonly main = new Map<string, Point>();
  rawLines = 0;
  mainLines = 0;

  write(bucket: BucketRole, lines: string | string[]): void {
    const list = typeof lines === 'string' ? [lines] : lines;
    if (bucket === 'raw') {
      this.rawLines += list.length;
      return;
    }
    for (const line of list) {
      this.mainLines++;
      const p = parsePoint(line);
      if (!p) throw new Error(`unparsable line protocol: ${line}`);
      const key = `${splitUnescaped(line, ' ')[0]} ${p.timeMs}`;
      const prev = this.main.get(key);
      this.main.set(key, prev ? { ...p, fields: { ...prev.fields, ...p.fields } } : p);
    }
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  drain(): Promise<boolean> {
    return Promise.resolve(true);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  bufferedLines(): number {
    return 0;
  }
  failing(): boolean {
    return false;
  }
}

/**
 * Buckets [startMs, startMs + length * bucketMs) as the streaming job's read gives them
 * (analytics/jobs/read.ts with flux.ts's socialQuery and priceQuery, `fillGaps` false).
 */
function alignedFromPoints(
  points: Iterable<Point>,
  o: { topics: string[]; symbols: string[]; quote: string; priceSource: string | null; bucketMs: number },
  startMs: number,
  length: number,
): AlignedSeries {
  const topics = new Map<string, TopicSeries>(o.topics.map((t) => [t, emptyTopicSeries(length)]));
  const prices = new Map<string, Float64Array>(o.symbols.map((s) => [s, new Float64Array(length).fill(NaN)]));
  const fieldKey = { count: 'count', pos: 'pos', neg: 'neg', score_sum: 'scoreSum' } as const;
  // socialQuery: aggregateWindow(sum) per writer series (every tag) and bucket, one row each.
  const perWriter = new Map<
    string,
    { topic: string; key: keyof TopicSeries; slot: number; source: string; shard: string; v: number }
  >();
  // priceQuery: the last price (by time) per symbol and bucket.
  const lastPrice = new Map<string, { timeMs: number; v: number }>();
  for (const p of points) {
    const slot = Math.floor((p.timeMs - startMs) / o.bucketMs);
    if (slot < 0 || slot >= length) continue;
    if (p.measurement === 'social') {
      const topic = p.tags.topic ?? '';
      if (!topics.has(topic)) continue;
      const tagKey = Object.entries(p.tags)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      for (const [field, key] of Object.entries(fieldKey)) {
        const v = p.fields[field];
        if (v === undefined) continue;
        const k = `${tagKey}\u0000${field}\u0000${slot}`;
        const cur = perWriter.get(k);
        if (cur) cur.v += v;
        else
          perWriter.set(k, { topic, key, slot, source: p.tags.source ?? '', shard: p.tags.shard ?? '', v });
      }
    } else if (p.measurement === 'price') {
      const symbol = p.tags.symbol ?? '';
      const v = p.fields.price;
      if (!prices.has(symbol) || v === undefined || p.tags.quote !== o.quote) continue;
      if (o.priceSource !== null && p.tags.source !== o.priceSource) continue;
      const k = `${symbol}\u0000${slot}`;
      const cur = lastPrice.get(k);
      if (!cur || p.timeMs >= cur.timeMs) lastPrice.set(k, { timeMs: p.timeMs, v });
    }
  }
  // read.ts: shards and sources add up, replicas of a shard count once.
  const combiner = new SocialCombiner();
  for (const r of perWriter.values()) {
    const grow = combiner.add(`${r.topic}\u0000${r.key}`, r.slot, r.source, r.shard, r.v);
    const series = topics.get(r.topic)!;
    const cur = series[r.key][r.slot]!;
    series[r.key][r.slot] = (Number.isNaN(cur) ? 0 : cur) + grow;
  }
  for (const [k, { v }] of lastPrice) {
    const [symbol, slot] = k.split('\u0000') as [string, string];
    // read.ts drops a non-positive price as bad input.
    if (v > 0) prices.get(symbol)![Number(slot)] = v;
  }
  return { startMs, bucketMs: o.bucketMs, length, topics, prices };
}

// ---------------------------------------------------------------------------------------------------
// Cache of the history: the detector is what changes between tuning runs, the data does not

/** Where the series read back are kept between runs (the project's cache, beside the influxd build). */
const CACHE_DIR = join(homedir(), '.cache', 'cryptocrawler', 'streaming-simulate');

/**
 * Everything the series depend on besides the clock and the config: the simulator, the social
 * pipeline (router, scorer, rollups, post validation), the line protocol, the config schema and the
 * job options. The other social sources and the trends (off here) are left out, so their edits do not
 * throw the cache away; an edit to anything listed does.
 */
const CACHE_INPUTS = [
  'collectors/social',
  'collectors/all.ts',
  'collectors/source.ts',
  'src/collector',
  'src/core/config',
  'src/core/hash.ts',
  'src/core/random.ts',
  'src/core/write/line.ts',
  'analytics/jobs/options.ts',
  'analytics/jobs/series.ts',
  'analytics/jobs/streaming.ts',
  'package-lock.json',
  'bench/streaming-simulate.ts',
];
const CACHE_SKIP = [
  'collectors/social/x',
  'collectors/social/bluesky',
  'collectors/social/replay',
  'collectors/social/trends',
];

function filesUnder(path: string): string[] {
  if (!existsSync(path) || CACHE_SKIP.includes(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)))
    .filter((f) => !f.endsWith('.test.ts') && !f.includes('/testdata/'));
}

/** A hash of the inputs' contents, the config file and the clock: a change to any misses the cache. */
function cacheKey(configFile: string, clock: Record<string, number>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(clock));
  for (const f of [configFile, ...CACHE_INPUTS.flatMap(filesUnder)]) {
    h.update(`\u0000${f}\u0000`);
    h.update(readFileSync(f));
  }
  return h.digest('hex').slice(0, 32);
}

/** Cache files kept: the newest ones (a file per clock and inputs; each about 8 MB for 72 h). */
const CACHE_KEEP = 12;

function writeCachedPoints(file: string, points: readonly Point[], posts: number): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify({ posts, points }));
  renameSync(`${file}.tmp`, file);
  const files = readdirSync(CACHE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ f: join(CACHE_DIR, f), t: statSync(join(CACHE_DIR, f)).mtimeMs }))
    .sort((x, y) => y.t - x.t);
  for (const { f } of files.slice(CACHE_KEEP)) rmSync(f, { force: true });
}

function readCachedPoints(file: string): { points: Point[]; posts: number } | undefined {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as { points?: unknown; posts?: unknown };
    return Array.isArray(c.points) && typeof c.posts === 'number'
      ? { points: c.points as Point[], posts: c.posts }
      : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// The run

interface Args {
  hours: number;
  warmupHours: number;
  configFile: string;
  endsMs: number[];
  leadMs: number;
  verbose: boolean;
  json: boolean;
  cache: boolean;
}

function parseCli(): Args {
  const { values } = parseArgs({
    options: {
      hours: { type: 'string', default: '72' },
      warmup: { type: 'string', default: '36' },
      config: { type: 'string', default: 'config.yaml' },
      end: { type: 'string', multiple: true },
      lead: { type: 'string', default: '60' },
      verbose: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const hours = Number(values.hours);
  const warmupHours = Number(values.warmup);
  const endsMs = (values.end ?? [new Date().toISOString()]).map((e) => {
    const ms = Date.parse(e);
    if (!Number.isFinite(ms)) throw new RangeError(`--end ${e}: not a date`);
    return ms;
  });
  const leadMs = Number(values.lead) * 1000;
  if (!(hours > 0) || !(warmupHours >= 0) || warmupHours >= hours)
    throw new RangeError(`--hours ${values.hours} --warmup ${values.warmup}: need 0 <= warmup < hours`);
  if (!(leadMs >= 0)) throw new RangeError(`--lead ${values.lead}: not a number of seconds >= 0`);
  return {
    hours,
    warmupHours,
    configFile: values.config,
    endsMs,
    leadMs,
    verbose: values.verbose,
    json: values.json,
    cache: !values['no-cache'],
  };
}

/** config.yaml with the simulate source alone, in backfill mode over `hours`, trends off. */
function loadConfig(file: string, hours: number, work: string): Config {
  const raw = yaml.load(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
  const sim = (raw.sources?.simulate ?? {}) as Record<string, unknown>;
  raw.sources = {
    simulate: {
      ...sim,
      enabled: true,
      mode: 'backfill',
      historyHours: hours,
      truthFile: join(work, 'truth.json'),
    },
  };
  raw.influx = { ...raw.influx, spool: { dir: join(work, 'spool') } };
  if (raw.trends) raw.trends = { ...raw.trends, enabled: false };
  return parseConfig(yaml.dump(raw), SOURCE_SCHEMAS, file);
}

/**
 * The main-bucket points the simulate source's history writes through the collector pipeline when
 * the collector starts at `collectorStartMs` with `historyMinutes` of history.
 */
async function collectorHistory(
  configFile: string,
  collectorStartMs: number,
  historyMinutes: number,
): Promise<{ points: Point[]; posts: number }> {
  const work = mkdtempSync(join(tmpdir(), 'streaming-simulate-'));
  try {
    const config = loadConfig(configFile, historyMinutes / 60, work);
    const writer = new MemoryWriter();
    const ctx = buildSourceContext({
      config,
      writer,
      stateDir: join(work, 'state'),
      now: () => collectorStartMs,
    });
    const source = simulateSource.create(ctx, config.sources.simulate as unknown as SimulateConfig);
    await source.start();
    await (source as unknown as { finished(): Promise<void> }).finished();
    await source.stop();
    return { points: [...writer.main.values()], posts: writer.rawLines };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface FlagReport {
  series: string;
  key: string;
  time: string;
  timeMs: number;
  score: number;
  kind: string | null;
  value: number;
  expected: number;
}

export interface MissReport {
  kind: string;
  topic: string;
  symbol: string | null;
  start: string;
  startMs: number;
  minutes: number;
  magnitude: number;
  /** Highest score of each series of its topic (and coin) within one bucket of its span. */
  maxScore: Record<string, number>;
}

export interface RunReport {
  end: string;
  endMs: number;
  collectorStart: string;
  streamFrom: string;
  streamTo: string;
  series: number;
  planted: number;
  recalled: number;
  recall: number;
  flags: number;
  inPlantedSpan: number;
  precision: number;
  missed: MissReport[];
  falseFlags: FlagReport[];
  allFlags?: FlagReport[];
}

/** Steps 2-4 for the soak test's clock `endMs`, on points of a history that covers its own. */
function streamAndScore(config: Config, allPoints: readonly Point[], args: Args, endMs: number): RunReport {
  const o = jobOptionsFromConfig(config);
  const settings = streamingSettingsFromConfig(config);
  const b = o.bucketMs;
  const H = 3_600_000;
  // The soak test's clock: warm-up from endMs - hours, live up to the last bucket closed at endMs.
  const collectorStartMs = endMs - args.leadMs;
  const histStartMs = Math.floor((endMs - args.hours * H) / b) * b;
  const streamFromMs = histStartMs + args.warmupHours * H;
  const closedEndMs = Math.floor((endMs - settings.settleMs) / b) * b;
  const streamToMs = Math.floor((endMs - STREAM_END_MARGIN_MS) / b) * b;
  // Bucket 0 is read only for the first return, as the service reads one bucket in front.
  const readStartMs = histStartMs - b;
  const length = (closedEndMs - readStartMs) / b;

  // Only what this run's collector would have written: minutes [m0 - hours, m0) (a longer history
  // holds the same points for these minutes: each minute's posts, rollup and prices are its own).
  const m0 = Math.floor(collectorStartMs / 60_000) * 60_000;
  const dataFromMs = m0 - Math.round(args.hours * 60) * 60_000;
  const points = allPoints.filter((p) => p.timeMs >= dataFromMs && p.timeMs < m0);
  const aligned = alignedFromPoints(points, o, readStartMs, length);
  const ids = streamingSeries(o.topics, o.symbols);
  const values = bucketValues(aligned, ids);

  const detectors = StreamingDetectors.create(ids, b, histStartMs);
  const warmEnd = 1 + (streamFromMs - histStartMs) / b;
  detectors.feed(values, readStartMs, 1, warmEnd); // warm-up: fed, nothing kept
  const live = detectors.feed(values, readStartMs, warmEnd, length);
  // The service writes a flag only with a finite value and expectation (StreamingJob.line).
  const written = live.filter((f) => Number.isFinite(f.value) && Number.isFinite(f.verdict.expected));

  // Scores: identical detectors on the same values, every verdict kept.
  const scores = new Map<string, Float64Array>();
  const shadowFlags: string[] = [];
  for (const id of ids) {
    const key = seriesKey(id);
    const v = values.get(key)!;
    const d = createStreamingDetector();
    const s = new Float64Array(length).fill(NaN);
    for (let i = 1; i < length; i++) {
      const verdict = d.update(readStartMs + i * b, v[i]!);
      s[i] = verdict.score;
      if (verdict.flag && i >= warmEnd) shadowFlags.push(`${key} ${readStartMs + i * b}`);
    }
    scores.set(key, s);
  }
  const liveKeys = live.map((f) => `${seriesKey(f)} ${f.timeMs}`).sort();
  if (liveKeys.join('\n') !== shadowFlags.sort().join('\n'))
    throw new Error(
      'the score detectors flagged other buckets than StreamingDetectors: not the same detector',
    );

  // Scoring over the streamed span.
  const truth = plantedTruth(config, endMs - args.hours * H, endMs);
  const planted = truth.anomalies.filter((p) => p.startMs >= streamFromMs && p.startMs < streamToMs);
  const found = written.filter((f) => f.timeMs >= streamFromMs && f.timeMs < streamToMs);
  const score = scorePlanted(found, planted, b, (f: StreamingFlag) => ({ timeMs: f.timeMs, target: f.key }));

  const flagReport = (f: StreamingFlag): FlagReport => ({
    series: f.series,
    key: f.key,
    time: new Date(f.timeMs).toISOString(),
    timeMs: f.timeMs,
    score: f.verdict.score,
    kind: f.verdict.kind,
    value: f.value,
    expected: f.verdict.expected,
  });
  const missReport = (p: Planted): MissReport => {
    const maxScore: Record<string, number> = {};
    for (const id of ids) {
      if (id.key !== p.topic && id.key !== p.symbol) continue;
      const s = scores.get(seriesKey(id))!;
      // The hit rule's window: buckets [start - 1, end + 1); a missing bucket (NaN) scores nothing.
      let m = NaN;
      const from = Math.max(1, (p.startMs - b - readStartMs) / b);
      const to = Math.min(length, (p.endMs + b - readStartMs) / b);
      for (let i = from; i < to; i++) {
        const x = s[i]!;
        if (!Number.isNaN(x) && !(x <= m)) m = x;
      }
      maxScore[seriesKey(id)] = m;
    }
    return {
      kind: p.kind,
      topic: p.topic,
      symbol: p.symbol ?? null,
      start: new Date(p.startMs).toISOString(),
      startMs: p.startMs,
      minutes: (p.endMs - p.startMs) / 60_000,
      magnitude: p.magnitude,
      maxScore,
    };
  };
  return {
    end: new Date(endMs).toISOString(),
    endMs,
    collectorStart: new Date(collectorStartMs).toISOString(),
    streamFrom: new Date(streamFromMs).toISOString(),
    streamTo: new Date(streamToMs).toISOString(),
    series: ids.length,
    planted: planted.length,
    recalled: score.found.length,
    recall: score.recall,
    flags: found.length,
    inPlantedSpan: score.correct.length,
    precision: score.precision,
    missed: score.missed.map(missReport),
    falseFlags: score.wrong.map(flagReport),
    ...(args.verbose
      ? {
          allFlags: found.map((f) => ({ ...flagReport(f), hit: score.correct.includes(f) })),
        }
      : {}),
  };
}

const n3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : String(x));
const g = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));
const flagText = (f: FlagReport): string =>
  `${`${f.series}/${f.key}`.padEnd(25)} ${f.time}  score ${n3(f.score)}  ${String(f.kind).padEnd(15)} value ${g(f.value)}, expected ${g(f.expected)}`;

function runText(r: RunReport, args: Args, posts: number, cached: boolean): string[] {
  const out = [
    `streaming detector on the simulate source: ${args.hours} h of history to ${r.end} (collector from ${r.collectorStart}), ` +
      `warm-up ${args.warmupHours} h, streamed ${r.streamFrom} .. ${r.streamTo} (${r.series} series, ${posts} posts${cached ? ', cached' : ''})`,
    `recall    ${n3(r.recall)}  (${r.recalled} of ${r.planted} planted anomalies)`,
    `precision ${n3(r.precision)}  (${r.inPlantedSpan} of ${r.flags} flags in a planted span)`,
    '',
    `missed (${r.missed.length}): kind, topic/symbol, start, size, highest score within a bucket of the span`,
  ];
  for (const m of r.missed)
    out.push(
      `  ${m.kind.padEnd(15)} ${(m.symbol ? `${m.topic}/${m.symbol}` : m.topic).padEnd(13)} ${m.start}  ` +
        `${m.minutes} min, ${m.kind === 'price_jump' ? 'jump' : m.kind === 'volume_spike' ? 'x' : 'mood'} ${g(m.magnitude)}  ` +
        Object.entries(m.maxScore)
          .map(([k, v]) => `${k} ${n3(v)}`)
          .join(', '),
    );
  out.push('', `false flags (${r.falseFlags.length}): series, time, score, kind, value, expected`);
  for (const f of r.falseFlags) out.push(`  ${flagText(f)}`);
  if (r.allFlags) {
    out.push('', `every flag in the streamed span (${r.allFlags.length}):`);
    for (const f of r.allFlags as (FlagReport & { hit: boolean })[])
      out.push(`  ${f.hit ? 'hit  ' : 'FALSE'} ${flagText(f)}`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseCli();
  const t0 = performance.now();
  const stages: Record<string, number> = {};
  let t = t0;
  const stage = (name: string): void => {
    const now = performance.now();
    stages[name] = (now - t) / 1000;
    t = now;
  };
  const work = mkdtempSync(join(tmpdir(), 'streaming-simulate-'));
  let config: Config;
  try {
    config = loadConfig(args.configFile, args.hours, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // Several ends share one history that covers them all (from the earliest run's first minute to the
  // latest run's collector start); each run keeps only its own minutes of it.
  if (args.endsMs.length > 1 && config.rollup.intervalSeconds !== 60)
    throw new RangeError('several --end need rollup.intervalSeconds 60 (one rollup per history minute)');
  const lastStartMs = Math.max(...args.endsMs) - args.leadMs;
  const firstStartMs = Math.min(...args.endsMs) - args.leadMs;
  const historyMinutes =
    Math.floor(lastStartMs / 60_000) - Math.floor(firstStartMs / 60_000) + Math.round(args.hours * 60);
  const cacheFile = args.cache
    ? join(
        CACHE_DIR,
        `${cacheKey(args.configFile, { collectorMinute: Math.floor(lastStartMs / 60_000), historyMinutes })}.json`,
      )
    : undefined;
  const hit = cacheFile ? readCachedPoints(cacheFile) : undefined;
  const history = hit ?? (await collectorHistory(args.configFile, lastStartMs, historyMinutes));
  if (cacheFile && !hit) writeCachedPoints(cacheFile, history.points, history.posts);
  stage(hit ? 'history read from the cache' : 'collector history (posts, sentiment, rollups)');

  const runs = args.endsMs.map((endMs) => streamAndScore(config, history.points, args, endMs));
  stage('series, detectors and scoring');
  const seconds = (performance.now() - t0) / 1000;
  const sum = (k: 'planted' | 'recalled' | 'flags' | 'inPlantedSpan'): number =>
    runs.reduce((a, r) => a + r[k], 0);
  const pooled = {
    runs: runs.length,
    planted: sum('planted'),
    recalled: sum('recalled'),
    recall: sum('recalled') / sum('planted'),
    flags: sum('flags'),
    inPlantedSpan: sum('inPlantedSpan'),
    precision: sum('inPlantedSpan') / sum('flags'),
  };
  const meta = {
    config: args.configFile,
    hours: args.hours,
    warmupHours: args.warmupHours,
    leadSeconds: args.leadMs / 1000,
  };

  if (args.json) {
    const body =
      runs.length === 1
        ? { ...meta, ...runs[0]!, posts: history.posts, seconds, stages }
        : { ...meta, pooled, runs, posts: history.posts, seconds, stages };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  const out: string[] = [];
  for (const r of runs) out.push(...runText(r, args, history.posts, hit !== undefined), '');
  if (runs.length > 1)
    out.push(
      `pooled over ${runs.length} ends: recall ${n3(pooled.recall)} (${pooled.recalled} of ${pooled.planted}), ` +
        `precision ${n3(pooled.precision)} (${pooled.inPlantedSpan} of ${pooled.flags}); per end:`,
      ...runs.map(
        (r) =>
          `  ${r.end}  recall ${n3(r.recall)} (${r.recalled}/${r.planted})  precision ${n3(r.precision)} (${r.inPlantedSpan}/${r.flags})`,
      ),
      '',
    );
  if (args.verbose)
    out.push(
      'stages: ' +
        Object.entries(stages)
          .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
          .join('; '),
    );
  out.push(`${seconds.toFixed(1)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
