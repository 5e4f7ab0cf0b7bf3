// RSS/Atom news against a local feed server, verified with Flux in the real InfluxDB: exact points,
// dedupe across restarts, conditional GET, and bad feeds counted without writing anything.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { rssConfigSchema, type RssConfig } from '../collectors/news/rss/config.ts';
import { RssSource } from '../collectors/news/rss/source.ts';
import { scoreHeadline } from '../collectors/social/sentiment/index.ts';
import { buildSourceContext } from '../src/collector/context.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { createServiceRegistry } from '../src/core/metrics/registry.ts';
import type { InfluxWriter } from '../src/core/write/writer.ts';
import { FakeFeeds, atomDocument, rssDocument } from './fakes/rss.ts';
import { freshBuckets, queryRows, testWriter } from './helpers/influx.ts';
import { metric } from './helpers/metrics.ts';

let fake: FakeFeeds;
let base: string;
let buckets: { main: string; raw: string };
let writer: InfluxWriter;
const NOW = Date.now();
const at = (minutesAgo: number) => new Date(Math.floor(NOW / 1000) * 1000 - minutesAgo * 60_000);

beforeAll(async () => {
  fake = new FakeFeeds();
  base = await fake.start();
  buckets = await freshBuckets('news');
  writer = testWriter(buckets);
});
afterAll(async () => {
  await writer.close();
  await fake.stop();
});

function makeSource(feeds: RssConfig['feeds'], stateDir: string) {
  const metrics = createServiceRegistry('test', { defaultMetrics: false });
  const ctx = buildSourceContext({
    config: parseConfig(readFileSync('config.yaml', 'utf8'), SOURCE_SCHEMAS),
    writer,
    metrics,
    stateDir,
  });
  const cfg = rssConfigSchema.parse({ enabled: true, feeds, pollIntervalSeconds: 3600 });
  return { source: new RssSource(ctx, cfg), metrics };
}

type NewsRow = {
  _time: string;
  source: string;
  topic: string;
  label: string;
  title: string;
  url?: string;
  score: number;
  guid: string;
};

async function newsRows(source: string): Promise<NewsRow[]> {
  await writer.flush();
  return queryRows<NewsRow>(
    `from(bucket: "${buckets.raw}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "news" and r.source == "${source}")
     |> pivot(rowKey: ["_time", "source", "topic", "label"], columnKey: ["_field"], valueColumn: "_value")
     |> group() |> sort(columns: ["_time", "topic"])`,
  );
}

async function pollOnce(source: RssSource): Promise<void> {
  await source.start();
  await source.whenIdle();
  await source.stop();
}

describe('rss source', () => {
  it('writes one news point per headline and topic with sentiment, and nothing twice across restarts', async () => {
    const sameSecond = at(30).toUTCString();
    fake.routes.set('/rss', {
      body: rssDocument([
        {
          title: 'Bitcoin rallies as ETF inflows surge',
          link: 'https://n.example/1',
          guid: 'n-1',
          pubDate: at(10).toUTCString(),
        },
        {
          title: 'Ethereum & bitcoin slide after hack',
          link: 'https://n.example/2',
          guid: 'n-2',
          pubDate: sameSecond,
          description: '&lt;p&gt;Exploit&lt;/p&gt;',
        },
        {
          title: 'Weather: heavy rain expected',
          link: 'https://n.example/3',
          guid: 'n-3',
          pubDate: sameSecond,
        },
        {
          title: 'Old story about IOTA',
          link: 'https://n.example/4',
          guid: 'n-4',
          pubDate: at(60 * 24 * 30).toUTCString(),
        },
        { title: '', guid: 'n-5' },
      ]),
    });
    fake.routes.set('/atom', {
      contentType: 'application/atom+xml',
      body: atomDocument([
        {
          title: 'IOTA tangle upgrade ships',
          href: 'https://a.example/1',
          id: 'urn:a:1',
          updated: at(5).toISOString(),
        },
      ]),
    });
    const stateDir = mkdtempSync(join(tmpdir(), 'rss-state-'));
    const feeds = [
      { url: `${base}/rss`, name: 'fakerss' },
      { url: `${base}/atom`, name: 'fakeatom' },
    ];
    const a = makeSource(feeds, stateDir);
    await pollOnce(a.source);

    const rows = await newsRows('fakerss');
    expect(rows.map((r) => [r._time.slice(0, 19), r.topic, r.title, r.guid, r.url])).toEqual([
      [
        at(30).toISOString().slice(0, 19),
        'bitcoin',
        'Ethereum & bitcoin slide after hack',
        'n-2',
        'https://n.example/2',
      ],
      [
        at(30).toISOString().slice(0, 19),
        'ethereum',
        'Ethereum & bitcoin slide after hack',
        'n-2',
        'https://n.example/2',
      ],
      [
        at(30).toISOString().slice(0, 19),
        'weather',
        'Weather: heavy rain expected',
        'n-3',
        'https://n.example/3',
      ],
      [
        at(10).toISOString().slice(0, 19),
        'bitcoin',
        'Bitcoin rallies as ETF inflows surge',
        'n-1',
        'https://n.example/1',
      ],
    ]);
    // Two headlines in the same second keep distinct timestamps.
    expect(new Set(rows.map((r) => r._time)).size).toBe(3);
    for (const r of rows) {
      const s = scoreHeadline(r.title);
      expect(r.score).toBeCloseTo(s.score, 10);
      expect(r.label).toBe(s.label);
    }
    const atom = await newsRows('fakeatom');
    expect(atom.map((r) => [r.topic, r.title, r.guid])).toEqual([
      ['iota', 'IOTA tangle upgrade ships', 'urn:a:1'],
    ]);
    expect(await metric(a.metrics, 'news_items_total', { feed: 'fakerss' })).toBe(3);
    expect(await metric(a.metrics, 'news_items_total', { feed: 'fakeatom' })).toBe(1);
    expect(await metric(a.metrics, 'news_dropped_total', { reason: 'too_old' })).toBe(1);
    expect(await metric(a.metrics, 'news_dropped_total', { reason: 'missing_field' })).toBe(1);

    // A restart with a changed feed (so no 304): only the new item is written.
    const doc = fake.routes
      .get('/rss')!
      .body.replace(
        '<item>',
        `<item><title>Bitcoin hits record</title><guid>n-6</guid><pubDate>${at(1).toUTCString()}</pubDate></item><item>`,
      );
    fake.routes.set('/rss', { body: doc });
    const b = makeSource(feeds, stateDir);
    await pollOnce(b.source);
    expect((await newsRows('fakerss')).length).toBe(5);
    expect(await metric(b.metrics, 'news_items_total', { feed: 'fakerss' })).toBe(1);
    // n-1..n-3 were written, n-4 was refused as too old: all four are remembered.
    expect(await metric(b.metrics, 'news_dropped_total', { reason: 'duplicate' })).toBe(4);
    // The unchanged Atom feed answered 304 to the conditional GET.
    expect(await metric(b.metrics, 'news_fetches_total', { feed: 'fakeatom', result: 'not_modified' })).toBe(
      1,
    );
    const atomReqs = fake.requests.filter((r) => r.path === '/atom');
    expect(atomReqs.at(-1)!.headers['if-none-match']).toMatch(/^"[0-9a-f]{16}"$/);
    expect(atomReqs.at(-1)!.status).toBe(304);
  });

  it('counts broken XML, HTML error pages and HTTP errors per feed and writes nothing for them', async () => {
    fake.routes.set('/broken', { body: readFileSync('collectors/news/rss/testdata/broken.xml', 'utf8') });
    fake.routes.set('/html', {
      body: readFileSync('collectors/news/rss/testdata/error-page.html', 'utf8'),
      contentType: 'text/html',
    });
    fake.routes.set('/down', { status: 503, body: 'Service Unavailable', contentType: 'text/plain' });
    const feeds = [
      { url: `${base}/broken`, name: 'broken' },
      { url: `${base}/html`, name: 'html' },
      { url: `${base}/down`, name: 'down' },
      { url: 'http://127.0.0.1:1/nothing', name: 'refused' },
    ];
    const { source, metrics } = makeSource(feeds, mkdtempSync(join(tmpdir(), 'rss-bad-')));
    await pollOnce(source);
    expect(await metric(metrics, 'news_fetches_total', { feed: 'broken', result: 'broken_xml' })).toBe(1);
    expect(await metric(metrics, 'news_fetches_total', { feed: 'html', result: 'html' })).toBe(1);
    expect(await metric(metrics, 'news_fetches_total', { feed: 'down', result: 'http' })).toBe(1);
    expect(await metric(metrics, 'news_fetches_total', { feed: 'refused', result: 'network' })).toBe(1);
    for (const f of ['broken', 'html', 'down', 'refused']) expect(await newsRows(f)).toEqual([]);
  });
});
