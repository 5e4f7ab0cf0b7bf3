// Where every social source hands its posts: validate -> route to topics -> score sentiment ->
// one `post` point per topic (raw bucket) -> per-interval `social` rollups (main bucket).
// Routine outcomes are counted (posts received by source and topic, dropped by reason), not logged.
import type { Logger } from '../../src/core/log.ts';
import type { ServiceRegistry } from '../../src/core/metrics/registry.ts';
import { InvalidPointError } from '../../src/core/write/line.ts';
import type { PointWriter } from '../../src/core/write/writer.ts';
import { postLines, validatePost } from './post.ts';
import { RollupAggregator, rollupLine, type RollupWriterTags } from './rollup.ts';
import { RollupJournal } from './rollup-journal.ts';
import { DEFAULT_INSTANCE, inShard, shardLabel, type ShardSpec, UNSHARDED } from './shard.ts';
import { lastTokensOf } from './sentiment/tokenize.ts';
import { TrendTracker, type TrendsConfig } from './trends/index.ts';
import type { DropReason, SentimentScorer, TopicRouter } from './types.ts';

export interface SocialPipelineOptions {
  writer: PointWriter;
  router: TopicRouter;
  scorer: SentimentScorer;
  metrics: ServiceRegistry;
  log: Logger;
  rollupIntervalMs: number;
  /** How long after an interval ends it is first written (late posts still correct it later). */
  rollupGraceMs?: number;
  /** How long a written interval is kept for late posts. */
  rollupRetainMs?: number;
  /**
   * Where the rollup state is saved, so a restart continues the open intervals: the journal directory
   * is this path without `.json` plus `.d` (rollup-journal.ts); a state file of the old single-file
   * format at this path is read once and moved into the journal.
   */
  stateFile?: string;
  /** This collector's shard (collector.shard): posts of other shards are skipped before any write. */
  shard?: ShardSpec;
  /** collector.instance: tags the rollups so replicas of one shard never overwrite each other. */
  instance?: string;
  now?: () => number;
  /** Trending terms, emerging terms, themes, share of voice (collectors/social/trends); absent = off. */
  trends?: { config: TrendsConfig; coinOf: (topic: string) => string | undefined };
}

export type IngestOptions = { requireEnglish?: boolean };

export const DEFAULT_ROLLUP_GRACE_MS = 5_000;
export const DEFAULT_ROLLUP_RETAIN_MS = 10 * 60_000;

export class SocialPipeline {
  private readonly agg: RollupAggregator;
  private readonly now: () => number;
  private readonly m;
  private readonly lastPost = new Map<string, number>();
  /** Labelled children cached: a label lookup per post and topic is measurable at 20k posts/s. */
  private readonly receivedChild = new Map<string, { inc(n?: number): void }>();
  private readonly shard: ShardSpec;
  private readonly writerTags: RollupWriterTags;
  private readonly journal: RollupJournal | undefined;
  /** The old single-file state, deleted by the first save once its rows are in the journal. */
  private legacyState: string | undefined;
  private resaveAll = false;
  private readonly lastPostChild = new Map<string, { set(v: number): void }>();

  constructor(private readonly o: SocialPipelineOptions) {
    this.now = o.now ?? Date.now;
    this.shard = o.shard ?? UNSHARDED;
    this.writerTags = { shard: shardLabel(this.shard), instance: o.instance ?? DEFAULT_INSTANCE };
    this.agg = new RollupAggregator({
      intervalMs: o.rollupIntervalMs,
      graceMs: o.rollupGraceMs ?? DEFAULT_ROLLUP_GRACE_MS,
      retainMs: o.rollupRetainMs ?? DEFAULT_ROLLUP_RETAIN_MS,
      journal: o.stateFile !== undefined,
    });
    this.journal = o.stateFile
      ? new RollupJournal(o.stateFile.replace(/(\.json)?$/, '.d'), o.rollupIntervalMs)
      : undefined;
    const r = o.metrics;
    this.m = {
      received: r.counter('posts_received_total', 'Posts accepted, by source and topic.', [
        'source',
        'topic',
      ]),
      dropped: r.counter('posts_dropped_total', 'Posts not stored, by source and reason.', [
        'source',
        'reason',
      ]),
      lastPost: r.gauge('last_post_timestamp_seconds', 'Unix time a post last arrived, by source.', [
        'source',
      ]),
      rollups: r.counter(
        'rollups_written_total',
        'Rollup points written (re-writes of late intervals included).',
      ),
      late: r.counter(
        'rollup_late_posts_total',
        'Posts stored as points but too late for their rollup interval (already written and evicted).',
        ['source'],
      ),
      open: r.gauge('rollup_open_intervals', 'Rollup intervals held in memory.'),
      skipped: r.counter(
        'posts_skipped_total',
        'Valid posts left to another collector, by source and reason (other_shard).',
        ['source', 'reason'],
      ),
    };
    if (o.stateFile) this.loadState(o.stateFile);
    // Trend points carry no shard tag: shard 0 ranks its sample of the posts, the others none.
    if (o.trends?.config.enabled && this.shard.index === 0)
      this.trends = new TrendTracker({
        ...o.trends,
        writer: o.writer,
        metrics: r,
        log: o.log,
        now: this.now,
        ...(o.stateFile ? { stateFile: o.stateFile.replace(/(\.json)?$/, '-trends.json') } : {}),
      });
  }

  readonly trends: TrendTracker | undefined;

  /** Handles one post from a source. Never throws: bad input is counted and skipped. */
  ingest(source: string, raw: unknown, opts: IngestOptions = {}): 'accepted' | 'other_shard' | DropReason {
    const now = this.now();
    const v = validatePost(raw, { requireEnglish: opts.requireEnglish ?? true, now });
    if (!v.ok) return this.drop(source, v.reason);
    const post = v.post;
    if (!inShard(post.id, this.shard)) {
      this.m.skipped.inc({ source, reason: 'other_shard' });
      return 'other_shard';
    }
    const topics = this.o.router.route(post.text);
    const s = this.o.scorer.score(post.text);
    const added = this.agg.add(source, topics, post.id, post.createdAtMs, s, now);
    if (added === 'duplicate') return this.drop(source, 'duplicate');
    if (added === 'late') this.m.late.inc({ source });
    let lines: string[];
    try {
      lines = postLines(source, topics, post, s);
    } catch (err) {
      if (err instanceof InvalidPointError) return this.drop(source, 'invalid_point');
      throw err;
    }
    this.o.writer.write('raw', lines);
    // The scorer's tokens of this text (if it offers them) spare the trends a second tokenizing pass.
    if (this.trends)
      this.trends.add(topics, post.text, post.createdAtMs, lastTokensOf(this.o.scorer, post.text));
    for (const topic of topics) {
      const key = `${source}\u0000${topic}`;
      let child = this.receivedChild.get(key);
      if (!child) this.receivedChild.set(key, (child = this.m.received.labels({ source, topic })));
      child.inc();
    }
    if (this.lastPost.get(source) !== now) {
      let child = this.lastPostChild.get(source);
      if (!child) this.lastPostChild.set(source, (child = this.m.lastPost.labels({ source })));
      child.set(now / 1000);
      this.lastPost.set(source, now);
    }
    return 'accepted';
  }

  /** Counts a drop that a source decided on before ingest (e.g. an unknown event kind). */
  drop(source: string, reason: DropReason | string): DropReason {
    this.m.dropped.inc({ source, reason });
    return reason as DropReason;
  }

  /** Writes the rollups that are due; the collector calls this every second. */
  tick(all = false): number {
    const due = this.agg.collect(this.now(), all);
    if (due.length)
      this.o.writer.write(
        'main',
        due.map((v) => rollupLine(v, this.writerTags)),
      );
    this.m.rollups.inc(due.length);
    this.m.open.set(this.agg.openIntervals());
    this.trends?.tick(all);
    return due.length;
  }

  /** Writes every interval, open ones included, and saves the state (shutdown). */
  flushAll(): number {
    // Saved before the open trend intervals are ranked, so a restart continues them.
    this.trends?.saveState(true);
    const n = this.tick(true);
    this.saveState();
    return n;
  }

  lastPostAt(source: string): number | undefined {
    return this.lastPost.get(source);
  }

  saveState(): void {
    this.trends?.saveState();
    if (!this.journal) return;
    let changes = this.agg.takeChanges();
    // After a failed save the journal may lack rows: it is rewritten whole from memory.
    const rewrite = this.resaveAll;
    if (rewrite) changes = { intervals: this.agg.snapshot().intervals, evicted: [] };
    try {
      this.journal.save(changes, this.agg.maxEventTimeMs(), { legacyFile: this.legacyState, rewrite });
      this.legacyState = undefined;
      this.resaveAll = false;
    } catch (err) {
      this.resaveAll = true;
      this.o.log.error({ err: String(err), file: this.o.stateFile }, 'could not save rollup state');
    }
  }

  private loadState(file: string): void {
    try {
      const saved = this.journal!.load(file);
      if (!saved) return;
      if (!saved.saved) this.legacyState = file;
      if (!this.agg.restore(saved))
        this.o.log.warn({ file }, 'rollup state was saved with another interval; ignored');
    } catch (err) {
      this.o.log.warn({ file, err: String(err) }, 'rollup state unreadable; starting fresh');
    }
  }
}
