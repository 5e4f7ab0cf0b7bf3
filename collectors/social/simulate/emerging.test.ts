import { describe, expect, it } from 'vitest';
import { createTopicRouter } from '../routing/index.ts';
import { createSentimentScorer } from '../sentiment/index.ts';
import { EMERGING_MINUTES, emergingTermsOf } from './emerging.ts';
import { MINUTE_MS, SimModel } from './model.ts';
import { buildTextTable, topicPosts } from './posts.ts';
import { simulationSpec } from './truth.ts';
import { testConfig } from './testdata/config.ts';

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 0, 10);
const config = testConfig();
const model = new SimModel(simulationSpec(config));
const router = createTopicRouter(config.topics);
const scorer = createSentimentScorer();
const table = buildTextTable(model, router, scorer);

describe('planted emerging terms', () => {
  it('plants two new cashtags per topic and day, deterministic, distinct, at known times', () => {
    const a = emergingTermsOf(model, FROM, FROM + DAY);
    expect(a).toEqual(emergingTermsOf(new SimModel(simulationSpec(config)), FROM, FROM + DAY));
    expect(a.length).toBeGreaterThanOrEqual(2 * model.topics.length);
    expect(new Set(a.map((e) => e.term)).size).toBe(a.length);
    for (const e of a) {
      expect(e.text).toMatch(/^\$[A-Z]{5}$/);
      expect(e.term).toBe(e.text.toLowerCase());
      expect(e.endMs - e.startMs).toBe(EMERGING_MINUTES * MINUTE_MS);
      expect(e.startMs % MINUTE_MS).toBe(0);
    }
  });

  it('names the term in about half the posts of its minutes, and nowhere else; topics and labels unchanged', () => {
    const e = emergingTermsOf(model, FROM, FROM + DAY).find((x) => x.startMs >= FROM)!;
    const topic = model.topic(e.topic)!;
    const t0 = e.startMs / MINUTE_MS;
    let naming = 0;
    let total = 0;
    for (let t = t0 - 5; t < t0 + EMERGING_MINUTES + 5; t++) {
      for (const p of topicPosts(model, table, topic, t)) {
        const has = p.text.includes(e.text);
        if (t < t0 || t >= t0 + EMERGING_MINUTES) expect(has).toBe(false);
        else {
          total++;
          if (has) naming++;
        }
        expect(router.route(p.text)).toEqual([p.topic]);
        expect(scorer.score(p.text).label).toBe(p.label);
      }
    }
    expect(naming / total).toBeGreaterThan(0.35);
    expect(naming / total).toBeLessThan(0.65);
  });

  it('plants none when emergingTermsPerDay is 0', () => {
    const m = new SimModel({ ...simulationSpec(config), sim: { ...model.sim, emergingTermsPerDay: 0 } });
    expect(emergingTermsOf(m, FROM, FROM + DAY)).toEqual([]);
  });
});
