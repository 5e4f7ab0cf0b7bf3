import { describe, expect, it } from 'vitest';
import { createTopicRouter } from '../routing/index.ts';
import { createSentimentScorer } from '../sentiment/index.ts';
import { MINUTE_MS, SimModel } from './model.ts';
import { buildTextTable, minutePosts, topicPosts } from './posts.ts';
import { simulationSpec } from './truth.ts';
import { testConfig } from './testdata/config.ts';

const T0 = Date.UTC(2026, 0, 10) / MINUTE_MS;
const config = testConfig();
const router = createTopicRouter(config.topics);
const scorer = createSentimentScorer();
const model = new SimModel(simulationSpec(config));
const table = buildTextTable(model, router, scorer);

describe('simulated posts', () => {
  it('routes every text to exactly its topic and scores it with the planned label', () => {
    for (let t = T0; t < T0 + 20; t++) {
      for (const p of minutePosts(model, table, t)) {
        expect(router.route(p.text)).toEqual([p.topic]);
        expect(scorer.score(p.text).label).toBe(p.label);
      }
    }
  });

  it('has stable unique ids, English, authors, and creation times inside the minute, in order', () => {
    const t = T0 + 77;
    const posts = minutePosts(model, table, t);
    expect(new Set(posts.map((p) => p.id)).size).toBe(posts.length);
    for (const p of posts) {
      expect(p.id).toMatch(new RegExp(`^sim-42-${t}-[a-z]+-\\d+$`));
      expect(p.langs).toEqual(['en']);
      expect(p.authorId).toMatch(/^simuser-\d+$/);
      expect(p.createdAtMs).toBeGreaterThanOrEqual(t * MINUTE_MS);
      expect(p.createdAtMs).toBeLessThan((t + 1) * MINUTE_MS);
    }
    expect(posts.map((p) => p.createdAtMs)).toEqual(
      [...posts.map((p) => p.createdAtMs)].sort((a, b) => a - b),
    );
    expect(minutePosts(model, table, t)).toEqual(posts);
  });

  it('gives each topic as many posts of each label as the model counts', () => {
    const topic = model.topic('ethereum')!;
    const t = T0 + 500;
    const c = model.counts(topic, t);
    const posts = topicPosts(model, table, topic, t);
    expect(posts).toHaveLength(c.count);
    expect(posts.filter((p) => p.label === 'pos')).toHaveLength(c.pos);
    expect(posts.filter((p) => p.label === 'neg')).toHaveLength(c.neg);
  });

  it('drops texts a custom keyword would route elsewhere', () => {
    const m = new SimModel({
      sim: model.sim,
      topics: [
        { name: 'football', keywords: ['champions league'] },
        { name: 'winners', keywords: ['champions'] },
      ],
      quotes: ['USD'],
    });
    const r = createTopicRouter([
      { name: 'football', keywords: ['champions league'] },
      { name: 'winners', keywords: ['champions'] },
    ]);
    const texts = buildTextTable(m, r).get('winners')!;
    for (const label of ['pos', 'neg', 'neu'] as const) {
      expect(texts[label].length).toBeGreaterThan(0);
      for (const text of texts[label]) expect(r.route(text)).toEqual(['winners']);
    }
  });
});
