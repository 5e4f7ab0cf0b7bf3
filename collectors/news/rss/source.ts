// RSS/Atom headlines -> `news` points. Every pollIntervalSeconds each feed is fetched (conditional
// GET), parsed (parse.ts), deduplicated by guid/link against what it delivered before (seen.ts,
// persisted), scored with the project's sentiment (scoreHeadline) and routed to topics by title and
// summary. Polls never overlap; a poll that finds the last one still running is skipped and counted.
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { InvalidPointError } from '../../../src/core/write/line.ts';
import { scoreHeadline } from '../../social/sentiment/index.ts';
import type { Source, SourceContext, SourceState } from '../../source.ts';
import type { RssConfig } from './config.ts';
import { feedDispatcher, fetchFeed } from './fetch.ts';
import { feedNameFromUrl, newsLines } from './item.ts';
import { parseFeed } from './parse.ts';
import { SeenStore } from './seen.ts';

export const SOURCE_NAME = 'rss';
export const SEEN_FILE = 'rss-seen.json';
export const USER_AGENT = 'cryptocrawler/0.1 (+https://github.com/cryptocrawler)';
/** Items dated further ahead than this are stamped with the time they were first seen. */
export const MAX_FUTURE_MS = 3600_000;

export interface Feed {
  url: string;
  name: string;
}

export class RssSource implements Source {
  private st: SourceState = 'stopped';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly feeds: Feed[];
  private readonly seen: SeenStore;
  private readonly dispatcher: Dispatcher;
  private readonly log;
  private readonly m;

  constructor(
    private readonly ctx: SourceContext,
    private readonly cfg: RssConfig,
  ) {
    this.log = ctx.log.child({ source: SOURCE_NAME });
    this.feeds = cfg.feeds.map((f) => ({ url: f.url, name: f.name ?? feedNameFromUrl(f.url) }));
    this.seen = new SeenStore(join(ctx.stateDir, SEEN_FILE), cfg.maxSeenPerFeed);
    this.dispatcher = feedDispatcher(cfg.requestTimeoutMs);
    const r = ctx.metrics;
    this.m = {
      items: r.counter('news_items_total', 'Headlines written, by feed.', ['feed']),
      dropped: r.counter('news_dropped_total', 'Headlines not written, by reason.', ['reason']),
      fetches: r.counter('news_fetches_total', 'Feed downloads, by feed and result.', ['feed', 'result']),
      skipped: r.counter('polls_skipped_total', 'Scheduled polls not run, by source and reason.', [
        'source',
        'reason',
      ]),
      duration: r.histogram('poll_duration_seconds', 'Duration of one poll, by source.', ['source']),
      lastEvent: r.gauge(
        'last_event_timestamp_seconds',
        'Unix time a source last produced data, by source.',
        ['source'],
      ),
    };
  }

  state(): SourceState {
    return this.st;
  }

  async start(): Promise<void> {
    this.st = 'running';
    this.tick();
    this.timer = setInterval(() => this.tick(), this.cfg.pollIntervalSeconds * 1000);
  }

  async stop(): Promise<void> {
    this.st = 'stopped';
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.seen.save();
    await this.dispatcher.close().catch(() => undefined);
  }

  /** Resolves when no poll is running (the first poll starts with start()). */
  async whenIdle(): Promise<void> {
    await this.running;
  }

  tick(): void {
    if (this.st !== 'running') return;
    if (this.running) {
      this.m.skipped.inc({ source: SOURCE_NAME, reason: 'overlap' });
      return;
    }
    this.running = this.pollAll().finally(() => (this.running = undefined));
  }

  /** Polls every feed once, one after the other; never throws. */
  async pollAll(): Promise<void> {
    const end = this.m.duration.startTimer({ source: SOURCE_NAME });
    try {
      for (const feed of this.feeds) {
        if (this.st !== 'running') break;
        await this.pollFeed(feed);
      }
      this.seen.save();
    } catch (err) {
      this.log.error({ error: String(err) }, 'news poll failed unexpectedly');
    } finally {
      end();
    }
  }

  private async pollFeed(feed: Feed): Promise<void> {
    const res = await fetchFeed(feed.url, this.seen.validators(feed.name), {
      timeoutMs: this.cfg.requestTimeoutMs,
      dispatcher: this.dispatcher,
      userAgent: USER_AGENT,
    });
    if (res.kind !== 'ok') {
      this.m.fetches.inc({ feed: feed.name, result: res.kind });
      if (res.kind === 'http' || res.kind === 'network')
        this.log.debug({ feed: feed.name, result: res.kind }, 'feed download failed; next poll retries');
      return;
    }
    const parsed = parseFeed(res.text);
    if (!parsed.ok) {
      this.m.fetches.inc({ feed: feed.name, result: parsed.reason });
      return;
    }
    this.m.fetches.inc({ feed: feed.name, result: 'ok' });
    if (parsed.dropped > 0) this.m.dropped.inc({ reason: 'missing_field' }, parsed.dropped);
    const now = this.ctx.now();
    const oldest = now - this.cfg.maxItemAgeDays * 86_400_000;
    const lines: string[] = [];
    let written = 0;
    for (const item of parsed.items) {
      if (this.seen.has(feed.name, item.guid)) {
        this.m.dropped.inc({ reason: 'duplicate' });
        continue;
      }
      const t =
        item.publishedMs !== undefined && item.publishedMs <= now + MAX_FUTURE_MS ? item.publishedMs : now;
      if (t < oldest) {
        this.m.dropped.inc({ reason: 'too_old' });
        this.seen.add(feed.name, item.guid);
        continue;
      }
      const s = scoreHeadline(item.title);
      const topics = this.ctx.router.route(`${item.title} ${item.summary}`);
      try {
        lines.push(...newsLines(feed.name, item, topics, s, t));
      } catch (err) {
        if (!(err instanceof InvalidPointError)) throw err;
        this.m.dropped.inc({ reason: 'invalid_point' });
        continue;
      }
      this.seen.add(feed.name, item.guid);
      written++;
    }
    // Validators are kept only after a parse that worked, so a broken answer is fetched in full again.
    this.seen.setValidators(feed.name, { etag: res.etag, lastModified: res.lastModified });
    if (lines.length > 0) {
      this.ctx.writer.write('raw', lines);
      this.m.items.inc({ feed: feed.name }, written);
      this.m.lastEvent.set({ source: SOURCE_NAME }, now / 1000);
    }
  }
}
