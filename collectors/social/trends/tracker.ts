// The trends hook of the social pipeline: terms of each accepted post in, trend, emerging-term,
// theme and share-of-voice points out at interval close. The I/O edge around the pure engine: it
// writes lines, counts what it does (Prometheus) and keeps its state in a file beside the rollups'.
import { readFileSync } from 'node:fs';
import type { Logger } from '../../../src/core/log.ts';
import type { ServiceRegistry } from '../../../src/core/metrics/registry.ts';
import type { PointWriter } from '../../../src/core/write/writer.ts';
import { UNKNOWN_TOPIC } from '../routing/router.ts';
import type { TokenBuffer } from '../sentiment/tokenize.ts';
import type { TrendsConfig } from './config.ts';
import { TrendEngine, type TrendOutput, type TrendSnapshot } from './engine.ts';
import { emergingLine, shareLine, themeLine, trendLine } from './lines.ts';
import { engineOptions } from './options.ts';
import { stopWordSet } from './stopwords.ts';
import { TermExtractor, createPostTerms } from './terms.ts';
import { writeFileAtomic } from '../../../src/core/state-file.ts';

/** The trend state is large (sketches): it is saved at most this often, and at shutdown. */
export const TRENDS_STATE_SAVE_MS = 60_000;

export interface TrendTrackerOptions {
  config: TrendsConfig;
  coinOf: (topic: string) => string | undefined;
  writer: PointWriter;
  metrics: ServiceRegistry;
  log: Logger;
  stateFile?: string;
  now?: () => number;
}

export class TrendTracker {
  readonly engine: TrendEngine;
  private readonly extractor: TermExtractor;
  private readonly terms = createPostTerms();
  private readonly topicsBuf: string[] = [];
  private readonly now: () => number;
  private lastSave = -Infinity;
  private readonly m;

  constructor(private readonly o: TrendTrackerOptions) {
    this.now = o.now ?? Date.now;
    this.engine = new TrendEngine(engineOptions(o.config, o.coinOf));
    this.extractor = new TermExtractor(stopWordSet(o.config.stopWords));
    const r = o.metrics;
    this.m = {
      late: r.counter('trend_late_posts_total', 'Posts too late for their trend interval (already ranked).'),
      points: r.counter('trend_points_written_total', 'Trend result points written, by measurement.', [
        'measurement',
      ]),
      slots: r.gauge('trend_open_slots', 'Trend counting slots (topic x shortest interval) held in memory.'),
    };
    if (o.stateFile) this.loadState(o.stateFile);
  }

  /**
   * Counts one accepted post (posts matching no topic are left out). `tokens`: the tokenize() result
   * of exactly `text` if the caller has it (the scorer's, lastTokensOf), saving a second pass.
   */
  add(topics: readonly string[], text: string, createdAtMs: number, tokens?: TokenBuffer): void {
    const t = this.topicsBuf;
    t.length = 0;
    for (const x of topics) if (x !== UNKNOWN_TOPIC) t.push(x);
    if (t.length === 0) return;
    if (tokens !== undefined) this.extractor.extractFromTokens(tokens, tokens.length, this.terms);
    else this.extractor.extractInto(text, this.terms);
    if (this.engine.addTerms(t, this.terms, createdAtMs, this.now()) === 'late') this.m.late.inc();
  }

  /** Ranks what is due and writes it; returns the results (the CLI prints them). */
  tick(all = false): TrendOutput {
    const out = this.engine.collect(this.now(), all);
    const write = (measurement: string, lines: string[]): void => {
      if (!lines.length) return;
      this.o.writer.write('main', lines);
      this.m.points.inc({ measurement }, lines.length);
    };
    write('trend', out.trends.map(trendLine));
    write('emerging_term', out.emerging.map(emergingLine));
    write('theme', out.themes.map(themeLine));
    write('share_of_voice', out.share.map(shareLine));
    this.m.slots.set(this.engine.openSlots());
    return out;
  }

  /** Saves the state (at most every TRENDS_STATE_SAVE_MS unless forced). */
  saveState(force = false): void {
    const file = this.o.stateFile;
    if (!file) return;
    const now = Date.now();
    if (!force && now - this.lastSave < TRENDS_STATE_SAVE_MS) return;
    this.lastSave = now;
    try {
      writeFileAtomic(file, JSON.stringify(this.engine.snapshot()));
    } catch (err) {
      this.o.log.error({ err: String(err), file }, 'could not save trend state');
    }
  }

  private loadState(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    try {
      if (!this.engine.restore(JSON.parse(text) as TrendSnapshot))
        this.o.log.warn({ file }, 'trend state was saved with other intervals or baseline; ignored');
    } catch (err) {
      this.o.log.warn({ file, err: String(err) }, 'trend state unreadable; starting fresh');
    }
  }
}
