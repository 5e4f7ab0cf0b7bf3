import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ITEM_AGE_DAYS,
  DEFAULT_MAX_SEEN_PER_FEED,
  DEFAULT_POLL_INTERVAL_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  rssConfigSchema,
} from './config.ts';
import { feedNameFromUrl, newsLines, sanitizeFeedName } from './item.ts';
import { MAX_GUID_CHARS, MAX_TITLE_CHARS, parseFeed } from './parse.ts';
import { SeenStore } from './seen.ts';

const data = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

describe('feed parser on recorded feeds', () => {
  it('reads RSS 2.0: CDATA, entities, escaped HTML, a link standing in for a missing guid', () => {
    const r = parseFeed(data('coindesk-rss.xml'));
    expect(r).toMatchObject({ ok: true, format: 'rss', dropped: 1 });
    if (!r.ok) return;
    expect(r.items).toEqual([
      {
        guid: 'b1d7a0f4-1f0e-4d7e-9c1e-3b2a9f0e7c11',
        title: 'Bitcoin Rallies Past $100K as ETF Inflows Surge',
        url: 'https://www.coindesk.com/markets/2025/01/06/bitcoin-rallies-past-100k',
        summary: 'BTC climbed & held above the round number.',
        publishedMs: Date.parse('2025-01-06T10:00:00Z'),
      },
      {
        guid: 'c2e8b1a5-2a1f-4e8f-8d2f-4c3b0a1f8d22',
        title: 'Ether & Solana Slide After Exploit',
        url: 'https://www.coindesk.com/markets/2025/01/06/ether-solana-slide',
        summary: 'Ethereum fell 5%.',
        publishedMs: Date.parse('2025-01-06T09:30:00Z'),
      },
      {
        guid: 'https://www.coindesk.com/policy/2025/01/06/no-guid',
        title: 'No guid, only a link',
        url: 'https://www.coindesk.com/policy/2025/01/06/no-guid',
        summary: '',
        publishedMs: Date.parse('2025-01-06T09:00:00Z'),
      },
    ]);
  });

  it('reads Atom: the alternate link, published before updated, an undated entry', () => {
    const r = parseFeed(data('atom.xml'));
    expect(r).toMatchObject({ ok: true, format: 'atom', dropped: 0 });
    if (!r.ok) return;
    expect(r.items).toEqual([
      {
        guid: 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a',
        title: 'IOTA tangle upgrade ships',
        url: 'https://blog.example.org/iota-upgrade',
        summary: 'The network upgrade went live.',
        publishedMs: Date.parse('2025-01-06T08:00:00Z'),
      },
      {
        guid: 'tag:blog.example.org,2025:undated',
        title: 'Undated entry',
        url: 'https://blog.example.org/undated',
        summary: '',
      },
    ]);
  });

  it('classifies broken XML, HTML error pages, empty bodies and other XML', () => {
    expect(parseFeed(data('broken.xml'))).toEqual({ ok: false, reason: 'broken_xml' });
    expect(parseFeed(data('error-page.html'))).toEqual({ ok: false, reason: 'html' });
    expect(parseFeed('<html><body>oops</body></html>')).toEqual({ ok: false, reason: 'html' });
    expect(parseFeed('  ')).toEqual({ ok: false, reason: 'empty' });
    expect(parseFeed('<?xml version="1.0"?><note><to>x</to></note>')).toEqual({
      ok: false,
      reason: 'not_a_feed',
    });
  });

  it('refuses entity expansion bombs without hanging', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`,
    ).join(
      '',
    )}]><rss version="2.0"><channel><item><title>&lol9;</title><guid>1</guid></item></channel></rss>`;
    const r = parseFeed(bomb);
    // DOCTYPE entities are never expanded: the item survives with the reference as plain text.
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ guid: '1', title: '&lol9;' });
  });
});

describe('feed parser under fuzzing', () => {
  const good = data('coindesk-rss.xml');
  const check = (text: string) => {
    const r = parseFeed(text);
    if (!r.ok) return;
    for (const i of r.items) {
      expect(i.title.length).toBeGreaterThan(0);
      expect(i.title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
      expect(i.guid.length).toBeGreaterThan(0);
      expect(i.guid.length).toBeLessThanOrEqual(MAX_GUID_CHARS);
      if (i.url !== undefined) expect(i.url).toMatch(/^https?:\/\/\S+$/i);
      if (i.publishedMs !== undefined) expect(Number.isFinite(i.publishedMs)).toBe(true);
      // Every item must make valid line protocol.
      newsLines('f', i, ['t'], { score: 0, label: 'neu' }, i.publishedMs ?? 1);
    }
  };

  it('never throws on truncations and byte flips of a real feed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: good.length }),
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.string({ maxLength: 3 }),
        (cut, at, junk) => {
          check(good.slice(0, cut));
          check(good.slice(0, at) + junk + good.slice(at + 1));
        },
      ),
      { numRuns: 800 },
    );
  }, 30_000);

  it('never throws on generated feed-shaped XML and arbitrary strings', () => {
    const txt = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('&amp;', '&#0;', '&bogus;', ']]>', '<![CDATA[x]]>', '\u0000', 'https://x/y'),
    );
    const item = fc
      .record({ title: txt, link: txt, guid: txt, pubDate: txt, description: txt }, { requiredKeys: [] })
      .map(
        (o) =>
          `<item>${Object.entries(o)
            .map(([k, v]) => `<${k}>${v}</${k}>`)
            .join('')}</item>`,
      );
    const feed = fc
      .tuple(fc.array(item, { maxLength: 6 }), fc.constantFrom('rss', 'feed', 'rdf:RDF'))
      .map(
        ([items, root]) =>
          `<?xml version="1.0"?><${root}><channel>${items.join('')}</channel>${items.join('')}</${root}>`,
      );
    fc.assert(fc.property(fc.oneof(feed, fc.string()), check), { numRuns: 3000 });
  }, 30_000);
});

describe('news points and dedupe state', () => {
  it('one line per topic, at pubDate plus a guid-derived ns offset', () => {
    const lines = newsLines(
      'coindesk',
      { guid: 'g1', title: 'BTC "up"', url: 'https://x/1', summary: '' },
      ['bitcoin', 'crypto'],
      { score: 0.5, label: 'pos' },
      Date.parse('2025-01-06T10:00:00Z'),
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^news,label=pos,source=coindesk,topic=bitcoin title="BTC \\"up\\"",url="https:\/\/x\/1",score=0\.5,guid="g1" 1736157600\d{9}$/,
    );
    expect(sanitizeFeedName('Coin Desk!')).toBe('coin_desk');
    expect(feedNameFromUrl('https://www.coindesk.com/arc/rss')).toBe('coindesk_com');
  });

  it('remembers the last N ids per feed across instances', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rss-seen-')), 'seen.json');
    const s = new SeenStore(file, 10);
    for (let i = 0; i < 12; i++) s.add('a', `id${i}`);
    s.setValidators('a', { etag: '"e1"' });
    s.save();
    const s2 = new SeenStore(file, 10);
    expect(s2.count('a')).toBe(10);
    expect(s2.has('a', 'id1')).toBe(false);
    expect(s2.has('a', 'id11')).toBe(true);
    expect(s2.validators('a')).toEqual({ etag: '"e1"' });
  });

  it('pins the config defaults and needs feeds when enabled', () => {
    expect(rssConfigSchema.parse({})).toEqual({
      enabled: false,
      feeds: [],
      pollIntervalSeconds: DEFAULT_POLL_INTERVAL_SECONDS,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      maxSeenPerFeed: DEFAULT_MAX_SEEN_PER_FEED,
      maxItemAgeDays: DEFAULT_MAX_ITEM_AGE_DAYS,
    });
    expect([
      DEFAULT_POLL_INTERVAL_SECONDS,
      DEFAULT_REQUEST_TIMEOUT_MS,
      DEFAULT_MAX_SEEN_PER_FEED,
      DEFAULT_MAX_ITEM_AGE_DAYS,
    ]).toEqual([300, 15_000, 10_000, 7]);
    const r = rssConfigSchema.safeParse({ enabled: true });
    expect(r.error!.issues[0]!.path).toEqual(['feeds']);
  });
});

describe('sample config', () => {
  it('sample.yaml parses against the schema', async () => {
    const yaml = (await import('js-yaml')).default;
    const doc = yaml.load(data('../sample.yaml')) as { rss: unknown };
    expect(rssConfigSchema.parse(doc.rss).feeds.map((f) => f.name)).toEqual(['coindesk', 'cointelegraph']);
  });
});
