// Thousands of generated malformed stream inputs: random JSON, mutated recorded lines, truncations,
// huge and deeply nested lines, invalid UTF-8 split across chunks. The parser never throws, always
// answers with one of its documented kinds, and every post it returns keeps the RawPost contract.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawPost } from '../types.ts';
import { LineSplitter, parseStreamLine, toRawPost, type XStreamItem } from './parse.ts';
import { countParsedPosts, jsonMutation, mutateJson } from '../../../test/helpers/mutate.ts';

const fixtures = JSON.parse(
  readFileSync(new URL('./testdata/stream-lines.json', import.meta.url), 'utf8'),
) as {
  cases: Array<{ line: string }>;
};
const recorded = fixtures.cases.map((c) => c.line);
const recordedObjects = recorded.flatMap((l) => {
  try {
    const v: unknown = JSON.parse(l);
    return v !== null && typeof v === 'object' ? [v] : [];
  } catch {
    return [];
  }
});

function expectRawPost(p: RawPost): void {
  expect(p.id).toMatch(/^\d{1,25}$/);
  expect(typeof p.text).toBe('string');
  expect(Number.isFinite(p.createdAtMs)).toBe(true);
  if (p.langs !== undefined) for (const l of p.langs) expect(typeof l).toBe('string');
  if (p.authorId !== undefined) expect(typeof p.authorId).toBe('string');
  expect(typeof p.isRetweet).toBe('boolean');
}

function expectItem(item: XStreamItem): void {
  switch (item.kind) {
    case 'keepalive':
      return;
    case 'post':
      return expectRawPost(item.post);
    case 'error':
      for (const t of item.types) expect(typeof t).toBe('string');
      return;
    case 'malformed':
      expect(['invalid_json', 'not_object', 'missing_field']).toContain(item.reason);
      return;
    default:
      throw new Error(`undocumented kind ${JSON.stringify(item)}`);
  }
}

/** Odd values for any JSON slot: wrong types, edge numbers, lone surrogates, control characters. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1e308,
    '',
    ' ',
    '\ud800',
    '\u0000\u001f\u007f',
    'not a date',
    '2024-13-45T99:99:99Z',
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    '0001-01-01T00:00:00Z',
    '12345678901234567890123456',
    'retweeted',
    [],
    {},
    [{ type: 'retweeted' }],
    { text: 42 },
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

const mutation = jsonMutation(oddValue, { ops: ['delete', 'set', 'wrap'], maxDepth: 4 });

const mutatedLine = fc
  .tuple(fc.constantFrom(...recordedObjects), fc.array(mutation, { minLength: 1, maxLength: 5 }))
  .map(([base, muts]) => JSON.stringify(mutateJson(base, muts)));

/** Text-level damage: cut, insert random characters, delete a range. */
const damagedLine = fc
  .tuple(fc.constantFrom(...recorded), fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 8 }))
  .map(([line, a, b, ins]) => {
    const i = a % (line.length + 1);
    const j = b % (line.length + 1);
    return [
      line.slice(0, i),
      line.slice(0, i) + ins + line.slice(i),
      line.slice(0, Math.min(i, j)) + line.slice(Math.max(i, j)),
    ];
  })
  .chain((variants) => fc.constantFrom(...variants));

const anyLine = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ data: v })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ errors: v })),
  mutatedLine,
  damagedLine,
);

describe('X stream parser under fuzzing', () => {
  it('parseStreamLine never throws and returns a documented kind with a valid post', () => {
    fc.assert(
      fc.property(anyLine, (line) => expectItem(parseStreamLine(line))),
      { numRuns: 4000 },
    );
  });

  it('mutated recorded posts either keep the RawPost contract or are reported missing_field', () => {
    const posts = countParsedPosts(mutatedLine, parseStreamLine, expectItem, 3000);
    // The mutations leave some posts intact, so the post branch was exercised, not only the rejects.
    expect(posts).toBeGreaterThan(100);
  });

  it('toRawPost never throws on any value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          mutatedLine.map((l) => (JSON.parse(l) as { data?: unknown }).data),
        ),
        (v) => {
          const p = toRawPost(v);
          if (p) expectRawPost(p);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('survives huge and deeply nested lines', () => {
    const deep = (n: number) => `${'{"data":'.repeat(n)}1${'}'.repeat(n)}`;
    const hugeText = `{"data":{"id":"1","text":"${'x'.repeat(5_000_000)}","created_at":"2024-05-13T18:40:40.000Z"}}`;
    for (const line of [
      deep(100_000),
      `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
      '['.repeat(1_000_000),
      hugeText,
    ])
      expectItem(parseStreamLine(line));
    const big = parseStreamLine(hugeText);
    expect(big.kind).toBe('post');
  });
});

/** The one-shot reference: decode everything at once (replacement characters for bad bytes), split on "\n". */
function referenceLines(bytes: Uint8Array): string[] {
  const parts = new TextDecoder('utf-8').decode(bytes).split('\n');
  parts.pop(); // the unterminated tail is not a line yet
  return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Random UTF-8 with invalid sequences mixed in: stray continuation bytes, truncated multi-byte starts, overlongs. */
const byteLine = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => Buffer.from(s.replace(/\n/g, ''))),
      fc
        .constantFrom(
          [0x80],
          [0xbf],
          [0xc0, 0xaf],
          [0xe2, 0x82],
          [0xf0, 0x9f, 0x9a],
          [0xf4, 0x90, 0x80, 0x80],
          [0xed, 0xa0, 0x80],
          [0xff],
          [0x0d],
          [0x22],
        )
        .map((b) => Buffer.from(b)),
    ),
    { maxLength: 12 },
  )
  .map((parts) => Buffer.concat(parts));

const stream = fc
  .tuple(
    fc.array(fc.tuple(byteLine, fc.constantFrom('\n', '\r\n')), { maxLength: 12 }),
    byteLine,
    fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
  )
  .map(([lines, tail, cuts]) => {
    const bytes = Buffer.concat([...lines.flatMap(([l, end]) => [l, Buffer.from(end)]), tail]);
    const chunks: Buffer[] = [];
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
      const n = cuts[i % cuts.length]!;
      chunks.push(bytes.subarray(at, at + n));
      at += n;
    }
    return { bytes, chunks, newlines: lines.length };
  });

describe('LineSplitter under fuzzing', () => {
  it('gives the one-shot decoding whatever the chunking, invalid UTF-8 split across chunks included', () => {
    fc.assert(
      fc.property(stream, ({ bytes, chunks, newlines }) => {
        const s = new LineSplitter(1_000_000);
        const out: string[] = [];
        for (const c of chunks) {
          const r = s.push(c);
          expect(r.oversized).toBe(0);
          out.push(...r.lines);
        }
        expect(out).toHaveLength(newlines);
        expect(out).toEqual(referenceLines(bytes));
        for (const l of out) expect(l).not.toContain('\n');
      }),
      { numRuns: 3000 },
    );
  });

  it('with a small bound: no line exceeds it and every line is either returned or counted oversized', () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 0, max: 12 }), ({ chunks, newlines }, max) => {
        const s = new LineSplitter(max);
        let lines = 0;
        let oversized = 0;
        for (const c of chunks) {
          const r = s.push(c);
          for (const l of r.lines) expect(l.length).toBeLessThanOrEqual(max);
          lines += r.lines.length;
          oversized += r.oversized;
        }
        // The unterminated tail may already have been counted oversized.
        expect(lines + oversized === newlines || lines + oversized === newlines + 1).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('drops a multi-megabyte line without holding it and keeps the line after it', () => {
    const s = new LineSplitter(100_000);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let oversized = 0;
    for (let i = 0; i < 80; i++) {
      const r = s.push(chunk);
      expect(r.lines).toEqual([]);
      oversized += r.oversized;
    }
    const r = s.push(Buffer.from('\r\n{"ok":1}\r\n'));
    expect(oversized + r.oversized).toBe(1);
    expect(r.lines).toEqual(['{"ok":1}']);
  });
});
