import { describe, expect, it } from 'vitest';
import { blueskyConfigSchema } from './config.ts';
import { blueskySource, subscribeUrl } from './index.ts';

describe('sources.bluesky config', () => {
  it('pins the defaults', () => {
    expect(blueskyConfigSchema.parse({})).toEqual({
      enabled: false,
      endpoint: 'wss://jetstream2.us-east.bsky.network/subscribe',
      dropUnmatched: true,
      requireEnglish: true,
      cursorSaveIntervalMs: 5000,
      cursorSafetyMarginMs: 1000,
      maxMessageBytes: 1_000_000,
    });
  });

  it('refuses an http endpoint, naming the key', () => {
    const r = blueskyConfigSchema.safeParse({ endpoint: 'https://example.com/subscribe' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['endpoint']);
  });

  it('asks for post commits only, resuming from a cursor when there is one', () => {
    expect(subscribeUrl('wss://j.example/subscribe', undefined, 1000)).toBe(
      'wss://j.example/subscribe?wantedCollections=app.bsky.feed.post&maxMessageSizeBytes=1000',
    );
    expect(subscribeUrl('wss://j.example/subscribe', 1725911162329308, 1000)).toBe(
      'wss://j.example/subscribe?wantedCollections=app.bsky.feed.post&maxMessageSizeBytes=1000&cursor=1725911162329308',
    );
  });

  it('registers as the social source "bluesky"', () => {
    expect(blueskySource).toMatchObject({ name: 'bluesky', kind: 'social' });
  });
});
