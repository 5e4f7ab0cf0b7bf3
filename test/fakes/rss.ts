// A local feed server: RSS 2.0 and Atom documents at paths of the test's choosing, ETag and
// Last-Modified with 304 answers, and the failure modes real feeds have (broken XML, an HTML error
// page served with 200, 5xx). Loopback, port 0.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedRoute {
  body: string;
  status?: number;
  contentType?: string;
  /** Send ETag and Last-Modified, and answer 304 to a matching conditional GET (default true). */
  validators?: boolean;
}

export class FakeFeeds {
  readonly routes = new Map<string, FeedRoute>();
  readonly requests: Array<{ path: string; headers: IncomingMessage['headers']; status: number }> = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const route = this.routes.get(path);
      const record = (status: number) => this.requests.push({ path, headers: req.headers, status });
      if (!route) {
        record(404);
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html><body>Not found</body></html>');
        return;
      }
      const status = route.status ?? 200;
      const headers: Record<string, string> = {
        'content-type': route.contentType ?? 'application/rss+xml; charset=utf-8',
      };
      if (route.validators !== false && status === 200) {
        const etag = `"${createHash('sha1').update(route.body).digest('hex').slice(0, 16)}"`;
        headers.etag = etag;
        headers['last-modified'] = 'Mon, 06 Jan 2025 10:00:00 GMT';
        if (req.headers['if-none-match'] === etag) {
          record(304);
          res.writeHead(304, { etag });
          res.end();
          return;
        }
      }
      record(status);
      res.writeHead(status, headers);
      res.end(route.body);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export function rssDocument(
  items: Array<{ title: string; link?: string; guid?: string; pubDate?: string; description?: string }>,
): string {
  const body = items
    .map(
      (i) =>
        `<item><title><![CDATA[${i.title}]]></title>${i.link ? `<link>${i.link}</link>` : ''}${
          i.guid ? `<guid isPermaLink="false">${i.guid}</guid>` : ''
        }${i.pubDate ? `<pubDate>${i.pubDate}</pubDate>` : ''}${i.description ? `<description>${i.description}</description>` : ''}</item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Fake</title><link>http://127.0.0.1/</link>\n${body}\n</channel></rss>\n`;
}

export function atomDocument(
  entries: Array<{ title: string; href?: string; id?: string; updated?: string; summary?: string }>,
): string {
  const body = entries
    .map(
      (e) =>
        `<entry><title type="html">${e.title}</title>${e.href ? `<link rel="alternate" href="${e.href}"/>` : ''}${
          e.id ? `<id>${e.id}</id>` : ''
        }${e.updated ? `<updated>${e.updated}</updated>` : ''}${e.summary ? `<summary>${e.summary}</summary>` : ''}</entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Fake Atom</title>\n${body}\n</feed>\n`;
}
