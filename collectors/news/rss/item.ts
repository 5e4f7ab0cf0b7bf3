// A headline -> `news` points, one per topic (raw bucket). Pure.
//
// Time: the item's pubDate, else when it was first seen. Two headlines of one feed in the same second
// with the same topic and label would share a series and a timestamp, so the sub-millisecond part is
// derived from the guid (the same FNV-1a offset the `post` points use): distinct items stay distinct,
// and the same item written again lands on the same point.
import { toLine } from '../../../src/core/write/line.ts';
import { idOffsetNs } from '../../social/post.ts';
import type { SentimentResult } from '../../social/types.ts';
import type { FeedItem } from './parse.ts';

/** Feed names become tag values: lower-case letters, digits, "_" and "-", at most 40 characters. */
export function sanitizeFeedName(s: string): string {
  const t = s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return t || 'feed';
}

/** The default feed name: the host without "www.", sanitized. */
export function feedNameFromUrl(url: string): string {
  try {
    return sanitizeFeedName(new URL(url).hostname.replace(/^www\./, ''));
  } catch {
    return 'feed';
  }
}

export function newsTimeNs(guid: string, timeMs: number): string {
  return (BigInt(Math.floor(timeMs)) * 1_000_000n + BigInt(idOffsetNs(guid))).toString();
}

export function newsLines(
  feed: string,
  item: FeedItem,
  topics: string[],
  s: SentimentResult,
  timeMs: number,
): string[] {
  const timeNs = newsTimeNs(item.guid, timeMs);
  return topics.map((topic) =>
    toLine({
      measurement: 'news',
      tags: { source: feed, topic, label: s.label },
      fields: { title: item.title, url: item.url, score: s.score, guid: item.guid },
      timeNs,
    }),
  );
}
