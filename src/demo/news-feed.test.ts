import { describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../../collectors/all.ts';
import { parseFeed } from '../../collectors/news/rss/parse.ts';
import { createTopicRouter } from '../../collectors/social/routing/router.ts';
import { scoreHeadline } from '../../collectors/social/sentiment/index.ts';
import { plantedTruth } from '../../collectors/social/simulate/truth.ts';
import { loadConfigFile } from '../core/config/load.ts';
import { DEMO_FEED_PATH, demoHeadlines, rssXml, startDemoNewsFeed } from './news-feed.ts';

const config = loadConfigFile(new URL('../../config.yaml', import.meta.url).pathname, SOURCE_SCHEMAS);
const TO = Date.UTC(2026, 10, 28, 12, 0);
const FROM = TO - 3 * 86_400_000;

describe('demo news wire', () => {
  it('has one headline per planted anomaly begun in the range, newest first', () => {
    const items = demoHeadlines(config, FROM, TO);
    const planted = plantedTruth(config, FROM, TO).anomalies.filter(
      (a) => a.startMs >= FROM && a.startMs <= TO,
    );
    expect(items.length).toBe(planted.length);
    expect(items.length).toBeGreaterThan(30);
    expect(new Set(items.map((i) => i.guid)).size).toBe(items.length);
    expect(items.map((i) => i.publishedMs)).toEqual(
      [...items.map((i) => i.publishedMs)].sort((a, b) => b - a),
    );
    expect(new Set(items.map((i) => i.topic))).toEqual(new Set(config.topics.map((t) => t.name)));
  });

  it('is an RSS 2.0 feed the real parser reads back, and the router sends each headline to its topic', () => {
    const items = demoHeadlines(config, FROM, TO);
    const parsed = parseFeed(rssXml(items, 'http://127.0.0.1:1'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.format).toBe('rss');
    expect(parsed.dropped).toBe(0);
    const router = createTopicRouter(config.topics);
    parsed.items.forEach((p, i) => {
      const want = items[i]!;
      expect(p).toMatchObject({
        guid: want.guid,
        title: want.title,
        publishedMs: Math.floor(want.publishedMs / 1000) * 1000,
      });
      expect(p.url).toBe(`http://127.0.0.1:1/news/${want.guid}`);
      expect(router.route(`${p.title} ${p.summary}`), p.title).toContain(want.topic);
    });
    // A mood crash and a price drop read as bad news to the headline scorer, a price jump as good.
    const label = (re: RegExp) => [
      ...new Set(parsed.items.filter((p) => re.test(p.title)).map((p) => scoreHeadline(p.title).label)),
    ];
    expect(label(/turns gloomy/)).toEqual(['neg']);
    expect(label(/ drops /)).toEqual(['neg']);
    expect(label(/ jumps /)).toEqual(['pos']);
  });

  it('serves the feed with an ETag (304 when unchanged) and an article page per link', async () => {
    const feed = await startDemoNewsFeed({ config, fromMs: FROM, now: () => TO });
    try {
      expect(feed.url.endsWith(DEMO_FEED_PATH)).toBe(true);
      const first = await fetch(feed.url);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toContain('application/rss+xml');
      const text = await first.text();
      const again = await fetch(feed.url, { headers: { 'if-none-match': first.headers.get('etag')! } });
      expect(again.status).toBe(304);
      const link = /<link>(http[^<]+\/news\/[^<]+)<\/link>/.exec(text)![1]!;
      const article = await fetch(link);
      expect(article.status).toBe(200);
      expect(await article.text()).toContain('<h1>');
    } finally {
      await feed.stop();
    }
  });
});
