// The running simulator: history first (as fast as the pipeline takes it), then, in live mode, posts at
// their creation time and prices every `priceIntervalSeconds`. Posts go through the social pipeline
// like any other source's; prices are written as `price` points. All numbers come from SimModel, so a
// restart with the same seed writes the same points again (idempotent).
import type { Source, SourceContext, SourceState } from '../../source.ts';
import { toLine } from '../../../src/core/write/line.ts';
import type { SimulateConfig } from './config.ts';
import { DAY_MINUTES, MINUTE_MS, SimModel, type SimCoin } from './model.ts';
import { buildTextTable, minutePosts, type GeneratedPost, type TextTable } from './posts.ts';
import { simulationSpec, truthOf, writeTruthFile } from './truth.ts';

export const SOURCE_NAME = 'simulate';
/** How often the live loop wakes up. */
export const LIVE_TICK_MS = 200;
/** History minutes generated between two yields to the event loop. */
export const BACKFILL_CHUNK_MINUTES = 10;
/** During history, wait for the writer once this many lines are waiting. */
export const BACKFILL_MAX_BUFFERED_LINES = 50_000;
/** How far past `now` the truth file looks, so a live run finds its next anomalies there. */
export const TRUTH_AHEAD_MS = 24 * 3600_000;
/** The truth file is rewritten this often while live. */
export const TRUTH_REFRESH_MS = 3600_000;
/** Fewest posts per topic and minute the model is meant for (fewer gives empty minutes). */
export const MIN_POSTS_PER_TOPIC_MINUTE = 3;

export class SimulateSource implements Source {
  readonly model: SimModel;
  private table: TextTable | undefined;
  private st: SourceState = 'stopped';
  private stopping = false;
  private run: Promise<void> | undefined;
  private historyPromise: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private historyStartMs = 0;
  private readonly m;
  // Live cursor: the minute being emitted, its posts, and how many went out.
  private liveMinute = 0;
  private livePosts: GeneratedPost[] = [];
  private liveIndex = 0;
  private nextPriceMs = 0;
  private lastTickMs = 0;
  private lastTruthMs = 0;

  constructor(
    private readonly ctx: SourceContext,
    private readonly cfg: SimulateConfig,
  ) {
    this.model = new SimModel({ ...simulationSpec(ctx.config), sim: cfg });
    const perTopic = (cfg.postsPerSecond * 60) / this.model.topics.length;
    if (perTopic < MIN_POSTS_PER_TOPIC_MINUTE) {
      throw new Error(
        `[source=simulate] sources.simulate.postsPerSecond: ${cfg.postsPerSecond} gives ${perTopic.toFixed(2)} posts ` +
          `per topic and minute over ${this.model.topics.length} topics; expected at least ${MIN_POSTS_PER_TOPIC_MINUTE} ` +
          `(postsPerSecond >= ${((MIN_POSTS_PER_TOPIC_MINUTE * this.model.topics.length) / 60).toFixed(2)})`,
      );
    }
    const r = ctx.metrics;
    this.m = {
      posts: r.counter('simulate_posts_generated_total', 'Synthetic posts generated, by phase.', ['phase']),
      prices: r.counter('simulate_prices_generated_total', 'Synthetic price points generated, by phase.', [
        'phase',
      ]),
      historyMinute: r.gauge('simulate_history_progress_ratio', 'Share of the history generated so far.'),
    };
  }

  state(): SourceState {
    return this.st;
  }

  async start(): Promise<void> {
    if (this.run) return;
    this.st = 'starting';
    this.stopping = false;
    // Texts are checked against the real router and scorer once, so labels and topics come out as planned.
    this.table = buildTextTable(this.model, this.ctx.router, this.ctx.sentiment);
    const startMs = this.ctx.now();
    const m0 = Math.floor(startMs / MINUTE_MS);
    const historyMinutes = Math.round(this.cfg.historyHours * 60);
    this.historyStartMs = (m0 - historyMinutes) * MINUTE_MS;
    this.writeTruth(startMs);
    this.st = 'running';
    this.run = this.runAll(m0 - historyMinutes, m0).catch((err: unknown) => {
      this.st = 'failed';
      this.ctx.log.error(
        { source: SOURCE_NAME, err: String(err) },
        'simulate stopped on an unexpected error',
      );
    });
  }

  /** Resolves once the history has been handed to the pipeline (live mode keeps running after it). */
  historyDone(): Promise<void> {
    return this.historyPromise ?? Promise.resolve();
  }

  /** Resolves when the run ends: after the history in backfill mode, after stop() in live mode. */
  finished(): Promise<void> {
    return this.run ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
    await this.run;
    this.run = undefined;
    if (this.st !== 'failed') this.st = 'stopped';
  }

  private async runAll(fromMinute: number, toMinute: number): Promise<void> {
    this.historyPromise = this.history(fromMinute, toMinute);
    await this.historyPromise;
    if (this.stopping) return;
    if (this.cfg.mode === 'backfill') {
      this.st = 'stopped';
      return;
    }
    await this.live(toMinute);
  }

  /** Minutes [fromMinute, toMinute): posts and one price a minute per coin, then every rollup written. */
  private async history(fromMinute: number, toMinute: number): Promise<void> {
    const total = Math.max(1, toMinute - fromMinute);
    for (let t = fromMinute; t < toMinute && !this.stopping; t++) {
      const posts = minutePosts(this.model, this.table!, t);
      for (const post of posts) this.ctx.social.ingest(SOURCE_NAME, post);
      this.m.posts.inc({ phase: 'history' }, posts.length);
      this.writePrices(t, [t * MINUTE_MS], 'history');
      // Each finished minute is due at once (its end is long past): one rollup point per interval.
      this.ctx.social.tick();
      if ((t - fromMinute) % BACKFILL_CHUNK_MINUTES === BACKFILL_CHUNK_MINUTES - 1) {
        this.m.historyMinute.set((t - fromMinute + 1) / total);
        if (this.ctx.writer.bufferedLines() > BACKFILL_MAX_BUFFERED_LINES) await this.ctx.writer.flush();
        else await new Promise((resolve) => setImmediate(resolve));
      }
    }
    this.m.historyMinute.set(1);
    this.ctx.social.flushAll();
  }

  private async live(fromMinute: number): Promise<void> {
    this.liveMinute = fromMinute;
    this.livePosts = this.postsOf(fromMinute);
    this.liveIndex = 0;
    this.nextPriceMs = fromMinute * MINUTE_MS;
    while (!this.stopping) {
      this.liveStep(this.ctx.now());
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, LIVE_TICK_MS);
      });
    }
    // Whatever is due up to now goes out before the last rollups are written.
    this.liveStep(this.ctx.now());
    this.ctx.social.flushAll();
  }

  private postsOf(t: number): GeneratedPost[] {
    return minutePosts(this.model, this.table!, t);
  }

  /** Emits every post and price due by `now`; never runs long (catch-up is bounded per step). */
  private liveStep(now: number): void {
    let budget = 20_000;
    while (budget > 0) {
      const post = this.livePosts[this.liveIndex];
      if (post && post.createdAtMs <= now) {
        this.ctx.social.ingest(SOURCE_NAME, post);
        this.m.posts.inc({ phase: 'live' });
        this.liveIndex++;
        budget--;
        continue;
      }
      if (!post && (this.liveMinute + 1) * MINUTE_MS <= now) {
        this.liveMinute++;
        this.livePosts = this.postsOf(this.liveMinute);
        this.liveIndex = 0;
        continue;
      }
      break;
    }
    const due: number[] = [];
    const step = this.cfg.priceIntervalSeconds * 1000;
    while (this.nextPriceMs <= now && due.length < 10_000) {
      due.push(this.nextPriceMs);
      this.nextPriceMs += step;
    }
    // Prices of one minute share the minute's value: the return series the analytics sees is exact.
    let i = 0;
    while (i < due.length) {
      const minute = Math.floor(due[i]! / MINUTE_MS);
      const times: number[] = [];
      while (i < due.length && Math.floor(due[i]! / MINUTE_MS) === minute) times.push(due[i++]!);
      this.writePrices(minute, times, 'live');
    }
    if (now - this.lastTickMs >= 1000) {
      this.lastTickMs = now;
      this.ctx.social.tick();
    }
    if (now - this.lastTruthMs >= TRUTH_REFRESH_MS) this.writeTruth(now);
  }

  private writePrices(minute: number, timesMs: number[], phase: 'history' | 'live'): void {
    const lines: string[] = [];
    for (const coin of this.model.coins) {
      const price = this.model.price(coin, minute);
      for (const ms of timesMs) lines.push(priceLine(coin, price, ms));
    }
    if (lines.length === 0) return;
    this.ctx.writer.write('main', lines);
    this.m.prices.inc({ phase }, lines.length);
  }

  private writeTruth(now: number): void {
    this.lastTruthMs = now;
    const from = this.historyStartMs < now ? this.historyStartMs : now - MINUTE_MS;
    // Realized statistics walk every minute: keep the range within what plantedTruth allows.
    const to = Math.min(now + TRUTH_AHEAD_MS, from + 30 * DAY_MINUTES * MINUTE_MS);
    try {
      writeTruthFile(this.cfg.truthFile, truthOf(this.model, from, to));
    } catch (err) {
      this.ctx.log.error(
        { source: SOURCE_NAME, file: this.cfg.truthFile, err: String(err) },
        'could not write the truth file',
      );
    }
  }
}

/** `price,quote=USD,source=simulate,symbol=BTC price=60123.45 <ns>` */
export function priceLine(coin: SimCoin, price: number, timeMs: number): string {
  return toLine({
    measurement: 'price',
    tags: { symbol: coin.symbol, quote: coin.quote, source: SOURCE_NAME },
    fields: { price },
    timeNs: (BigInt(timeMs) * 1_000_000n).toString(),
  });
}
