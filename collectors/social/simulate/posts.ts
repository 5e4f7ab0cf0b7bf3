// The posts of one minute: how many of each label the model says, with texts, ids, authors and
// creation times spread over the minute. Pure given the model and the text table.
import type { RawPost, SentimentLabel, SentimentScorer, TopicRouter } from '../types.ts';
import { MINUTE_MS, type SimModel, type SimTopic } from './model.ts';
import { hash3, mulberry32, streamId } from './rng.ts';
import { EMERGING_PROBE, activeEmergingTerm, namesTerm } from './emerging.ts';
import { CRYPTO_TEMPLATES, GENERAL_TEMPLATES, fill, keywordVariants } from './templates.ts';

export const AUTHOR_POOL = 5000;
const S_POSTS = streamId('posts');

/** Per topic and label, the texts to pick from; `emergingSafe`: texts that keep their label with a planted cashtag appended. */
export type TextTable = Map<string, Record<SentimentLabel, string[]>> & { emergingSafe?: Set<string> };

export interface GeneratedPost extends RawPost {
  topic: string;
  label: SentimentLabel;
  langs: string[];
  authorId: string;
}

/**
 * Every (template, keyword spelling) text per topic and label. With a router, only texts routed to
 * exactly their topic are kept; with a scorer, only texts the scorer gives the intended label. A pool
 * that filtering would empty keeps all its texts (a custom keyword may defeat the templates).
 */
export function buildTextTable(model: SimModel, router?: TopicRouter, scorer?: SentimentScorer): TextTable {
  const table: TextTable = new Map();
  const safe = new Set<string>();
  for (const topic of model.topics) {
    const pools = topic.coin ? CRYPTO_TEMPLATES : GENERAL_TEMPLATES;
    const variants = keywordVariants(topic.keywords, topic.coin);
    const entry = {} as Record<SentimentLabel, string[]>;
    for (const label of ['pos', 'neg', 'neu'] as const) {
      const all = pools[label].flatMap((t) => variants.map((v) => fill(t, v)));
      const kept = all.filter((text) => {
        if (router) {
          const topics = router.route(text);
          if (topics.length !== 1 || topics[0] !== topic.name) return false;
        }
        return !scorer || scorer.score(text).label === label;
      });
      entry[label] = kept.length > 0 ? kept : all;
      for (const text of entry[label])
        if (!scorer || scorer.score(`${text} ${EMERGING_PROBE}`).label === label) safe.add(text);
    }
    table.set(topic.name, entry);
  }
  table.emergingSafe = safe;
  return table;
}

export function postId(seed: number, minute: number, topic: string, k: number): string {
  return `sim-${seed}-${minute}-${topic}-${k}`;
}

/** The posts of one topic in minute t, ordered by creation time (then id). */
export function topicPosts(model: SimModel, table: TextTable, topic: SimTopic, t: number): GeneratedPost[] {
  const c = model.counts(topic, t);
  const texts = table.get(topic.name)!;
  const rnd = mulberry32(hash3(model.seed, S_POSTS ^ topic.key, t));
  const emerging = activeEmergingTerm(model, topic, t);
  const out: GeneratedPost[] = [];
  for (let k = 0; k < c.count; k++) {
    const label: SentimentLabel = k < c.pos ? 'pos' : k < c.pos + c.neg ? 'neg' : 'neu';
    const pool = texts[label];
    const offset = Math.floor(rnd() * MINUTE_MS);
    let text = pool[Math.floor(rnd() * pool.length)]!;
    if (emerging && namesTerm(model, topic, t, k, emerging.share) && (table.emergingSafe?.has(text) ?? true))
      text = `${text} ${emerging.text}`;
    const author = Math.floor(rnd() * AUTHOR_POOL);
    out.push({
      id: postId(model.seed, t, topic.name, k),
      text,
      createdAtMs: t * MINUTE_MS + offset,
      langs: ['en'],
      authorId: `simuser-${author}`,
      topic: topic.name,
      label,
    });
  }
  return out.sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : 1));
}

/** The posts of every topic in minute t, ordered by creation time. */
export function minutePosts(model: SimModel, table: TextTable, t: number): GeneratedPost[] {
  return model.topics
    .flatMap((topic) => topicPosts(model, table, topic, t))
    .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : 1));
}
