import { describe, expect, it } from 'vitest';
import { InvalidPointError } from '../../src/core/write/line.ts';
import { idOffsetNs, postLine, postLines, postTimeNs, validatePost } from './post.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('post points', () => {
  it('derives a unique, stable nanosecond timestamp from the post id', () => {
    const a = postTimeNs({ id: '1790000000000000001', createdAtMs: NOW });
    const b = postTimeNs({ id: '1790000000000000002', createdAtMs: NOW });
    expect(a).not.toBe(b);
    expect(a).toBe(postTimeNs({ id: '1790000000000000001', createdAtMs: NOW }));
    expect(BigInt(a) / 1_000_000n).toBe(BigInt(NOW));
    expect(BigInt(a) % 1_000_000n).toBe(BigInt(idOffsetNs('1790000000000000001')));
  });

  it('two posts in the same millisecond with the same tags get different points', () => {
    const s = { score: 0.5, label: 'pos' as const };
    const l1 = postLine('x', 'bitcoin', { id: 'a1', text: 'btc', createdAtMs: NOW, lang: 'en' }, s);
    const l2 = postLine('x', 'bitcoin', { id: 'a2', text: 'btc', createdAtMs: NOW, lang: 'en' }, s);
    expect(l1.split(' ').at(-1)).not.toBe(l2.split(' ').at(-1));
  });

  it('postLines gives byte for byte what postLine gives, for every topic and awkward texts', () => {
    const posts = [
      { id: '1790000000000000001', text: 'btc "to" the \\moon\nnext', createdAtMs: NOW, lang: 'en' },
      { id: 'a=b,c d', text: 'x', createdAtMs: NOW + 1, lang: 'und', authorId: '12' },
      { id: 'q"\\', text: 'emoji 🚀 and ü', createdAtMs: NOW + 2, lang: 'pt', authorId: '' },
    ];
    const results = [
      { score: 0.5, label: 'pos' as const },
      { score: -0.0001, label: 'neu' as const },
      { score: -1, label: 'neg' as const },
    ];
    for (const p of posts)
      for (const s of results)
        for (const [source, topics] of [
          ['x', ['bitcoin', 'ethereum']],
          ['my source', ['a,b', 'c=d', 'unknown']],
        ] as const)
          expect(postLines(source, topics, p, s)).toEqual(topics.map((t) => postLine(source, t, p, s)));
    expect(() => postLines('x', ['b'], posts[0]!, { score: NaN, label: 'neu' })).toThrow(InvalidPointError);
  });

  it.each([
    [null, 'malformed'],
    ['text', 'malformed'],
    [{ text: 'x', createdAtMs: NOW }, 'missing_field'],
    [{ id: 'a', createdAtMs: NOW }, 'missing_field'],
    [{ id: 'a', text: 'x' }, 'missing_field'],
    [{ id: 'a', text: 'x', createdAtMs: NaN }, 'missing_field'],
    [{ id: 'a', text: '   ', createdAtMs: NOW, langs: ['en'] }, 'missing_field'],
    [{ id: 'a', text: 'x', createdAtMs: NOW, langs: ['de'] }, 'not_english'],
    [{ id: 'a', text: 'x', createdAtMs: NOW, langs: ['en'], isRetweet: true }, 'retweet'],
    [{ id: 'a', text: 'x', createdAtMs: NOW - 400 * 86_400_000, langs: ['en'] }, 'too_old'],
  ])('refuses %j as %s', (raw, reason) => {
    const r = validatePost(raw, { requireEnglish: true, now: NOW });
    expect(r).toEqual({ ok: false, reason });
  });

  it('cleans invalid UTF-16, control characters and bounds the length', () => {
    const r = validatePost(
      { id: 'a', text: `ok\u0000\ud800${'x'.repeat(20_000)}`, createdAtMs: NOW, langs: ['en-US'] },
      { requireEnglish: true, now: NOW },
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.post.lang).toBe('en');
      expect(r.post.text.startsWith('ok\ufffd')).toBe(true);
      expect(r.post.text.length).toBe(10_000 - 1);
    }
  });
});
