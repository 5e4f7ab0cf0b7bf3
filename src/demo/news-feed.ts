// The demo's news wire: a local RSS 2.0 feed that the real `rss` source polls, so the demo's headlines
// take the path real ones take (HTTP with conditional GET, parseFeed, dedupe, scoreHeadline, the topic
// router, `news` points in the raw bucket). The simulate source has no news model; the feed reports
// what it planted instead: one headline per planted anomaly (volume spike, mood crash, price jump) that
// has begun, dated at its start, so the dashboards' news sits beside the anomalies the analytics find.
// Each item links to a small article page on the same server (live while the demo runs).
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulationSpec } from '../../collectors/social/simulate/truth.ts';
import { SimModel, type PlantedAnomaly } from '../../collectors/social/simulate/model.ts';
import type { Config } from '../core/config/load.ts';

export const DEMO_FEED_PATH = '/news.xml';
/** The `source` tag of the demo's headlines (the feed's name in sources.rss.feeds). */
export const DEMO_FEED_NAME = 'demo-wire';

export interface DemoHeadline {
  guid: string;
  title: string;
  summary: string;
  publishedMs: number;
  topic: string;
}

const upper = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/** The headline that reports one planted anomaly; `keyword` is the topic's first keyword. */
export function headlineOf(a: PlantedAnomaly, keyword: string): DemoHeadline {
  const kw = upper(keyword);
  let title: string;
  if (a.kind === 'volume_spike')
    title = `${kw} talk surges: posts jump to ${a.magnitude.toFixed(1)}x their usual rate`;
  else if (a.kind === 'sentiment_crash') title = `${kw} crowd turns gloomy as angry posts pile up`;
  else {
    const pct = Math.abs(Math.expm1(a.magnitude) * 100).toFixed(1);
    const sym = a.symbol ?? kw;
    title =
      a.direction === 'up'
        ? `${sym} jumps ${pct}% in minutes as ${keyword} buyers rush in`
        : `${sym} drops ${pct}% in minutes as ${keyword} holders sell`;
  }
  return {
    guid: `demo-${a.topic}-${a.kind}-${a.startMs}`,
    title,
    summary: `Demo wire: the simulator planted a ${a.kind.replace('_', ' ')} in ${a.topic} from ${hhmm(a.startMs)} to ${hhmm(a.endMs)} UTC.`,
    publishedMs: a.startMs,
    topic: a.topic,
  };
}

/** Headlines of the anomalies planted in [fromMs, toMs) that have begun by toMs, newest first. */
export function demoHeadlines(
  config: Pick<Config, 'topics' | 'quotes' | 'sources'>,
  fromMs: number,
  toMs: number,
): DemoHeadline[] {
  const keyword = new Map(config.topics.map((t) => [t.name, t.keywords[0] ?? t.name]));
  return new SimModel(simulationSpec(config))
    .anomalies(fromMs, toMs)
    .filter((a) => a.startMs >= fromMs && a.startMs <= toMs)
    .map((a) => headlineOf(a, keyword.get(a.topic) ?? a.topic))
    .sort((x, y) => y.publishedMs - x.publishedMs);
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An RSS 2.0 document, as news sites serve them (RFC 822 dates, permalink-less guids, links). */
export function rssXml(items: DemoHeadline[], base: string): string {
  const body = items
    .map(
      (i) =>
        `<item><title>${xml(i.title)}</title><link>${xml(`${base}/news/${encodeURIComponent(i.guid)}`)}</link>` +
        `<guid isPermaLink="false">${xml(i.guid)}</guid><pubDate>${new Date(i.publishedMs).toUTCString()}</pubDate>` +
        `<description>${xml(i.summary)}</description></item>`,
    )
    .join('\n');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>CryptoCrawler demo wire</title>` +
    `<link>${xml(base)}/</link><description>Headlines reporting what the demo's simulator planted</description>\n` +
    `${body}\n</channel></rss>\n`
  );
}

export interface DemoNewsFeed {
  /** The feed's URL (for sources.rss.feeds). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves the feed on a free loopback port: every request sees the anomalies planted from `fromMs` up
 * to the time of the request, with an ETag and 304 for an unchanged feed.
 */
export async function startDemoNewsFeed(o: {
  config: Pick<Config, 'topics' | 'quotes' | 'sources'>;
  fromMs: number;
  now?: () => number;
}): Promise<DemoNewsFeed> {
  const now = o.now ?? Date.now;
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const items = demoHeadlines(o.config, o.fromMs, now());
    if (path === DEMO_FEED_PATH) {
      const text = rssXml(items, base);
      const etag = `"${createHash('sha1').update(text).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag });
      res.end(text);
      return;
    }
    const item = path.startsWith('/news/')
      ? items.find((i) => i.guid === decodeURIComponent(path.slice(6)))
      : undefined;
    if (!item) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${xml(item.title)}</title></head>` +
        `<body><h1>${xml(item.title)}</h1><p>${new Date(item.publishedMs).toUTCString()}</p><p>${xml(item.summary)}</p></body></html>\n`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}${DEMO_FEED_PATH}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
