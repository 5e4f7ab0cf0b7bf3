import { describe, expect, it } from 'vitest';
import { socialQuery } from './flux.ts';

function maxDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const c of text) {
    if (c === '(') max = Math.max(max, ++depth);
    else if (c === ')') depth--;
  }
  return max;
}

describe('socialQuery', () => {
  const q = (topics: string[]): string =>
    socialQuery({ bucket: 'crypto', topics, startMs: 0, stopMs: 60_000, bucketSeconds: 60 });

  it('keeps the topic filter shallow at 300 topics (Flux refuses a chain nested 300 deep)', () => {
    const topics = Array.from({ length: 300 }, (_, i) => `topic${i}`);
    const text = q(topics);
    for (const t of topics) expect(text).toContain(`r.topic == "${t}"`);
    expect(maxDepth(text)).toBeLessThan(16);
  });

  it('reads one row per writer series and bucket, keeping the writer tags for the combination', () => {
    const text = q(['bitcoin']);
    expect(text).toContain('r.topic == "bitcoin"');
    expect(text).toMatch(/aggregateWindow\(every: 60s, fn: sum, createEmpty: false, timeSrc: "_start"\)/);
    expect(text).toContain('"source", "shard", "instance"');
  });
});
