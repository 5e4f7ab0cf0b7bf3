// Thousands of generated malformed Jetstream frames: mutated recorded events, random kinds and
// operations, missing commit or record fields, non-string langs, binary-ish strings, truncations.
// The parser never throws, answers with a documented kind, and every post keeps the RawPost contract.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POST_COLLECTION, parseJetstreamMessage, type JetstreamItem } from './parse.ts';
import { countParsedPosts, jsonMutation, mutateJson } from '../../../test/helpers/mutate.ts';

const fixtures = JSON.parse(readFileSync(new URL('./testdata/messages.json', import.meta.url), 'utf8')) as {
  cases: Array<{ message: string }>;
};
const recorded = fixtures.cases.map((c) => c.message);
const recordedObjects = recorded.flatMap((m) => {
  try {
    const v: unknown = JSON.parse(m);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? [v as Record<string, unknown>] : [];
  } catch {
    return [];
  }
});
const postEvent = recordedObjects[0]!;

const SKIP_REASONS = [
  'identity',
  'account',
  'commit_update',
  'commit_delete',
  'commit_other',
  'other_collection',
  'unknown_kind',
];

function expectItem(item: JetstreamItem): void {
  if (item.timeUs !== undefined) {
    expect(Number.isSafeInteger(item.timeUs)).toBe(true);
    expect(item.timeUs).toBeGreaterThan(0);
  }
  switch (item.kind) {
    case 'post': {
      const p = item.post;
      expect(p.id).toBe(item.key);
      expect(item.key.length).toBeLessThanOrEqual(200);
      expect(p.authorId).toMatch(/^did:/);
      expect(item.key.startsWith(`${p.authorId}/`)).toBe(true);
      expect(item.key.length).toBeGreaterThan(p.authorId!.length + 1);
      expect(typeof p.text).toBe('string');
      expect(Number.isFinite(p.createdAtMs)).toBe(true);
      expect(Array.isArray(p.langs)).toBe(true);
      for (const l of p.langs!) expect(typeof l).toBe('string');
      return;
    }
    case 'skip':
      expect(SKIP_REASONS).toContain(item.reason);
      return;
    case 'malformed':
      expect(['invalid_json', 'not_object', 'missing_field']).toContain(item.reason);
      return;
    default:
      throw new Error(`undocumented kind ${JSON.stringify(item)}`);
  }
}

const binaryish = fc.string({ unit: 'binary', maxLength: 24 });
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    false,
    0,
    -1,
    1.5,
    2 ** 53,
    1e300,
    '',
    'did:',
    'did:plc:\ud800',
    '\u0000',
    'commit',
    'create',
    'update',
    'delete',
    'identity',
    'account',
    POST_COLLECTION,
    'not a date',
    '+275760-09-13T00:00:00.000Z',
    [1, null, 'en', {}],
    [],
    {},
  ),
  binaryish,
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

const mutation = jsonMutation(oddValue, { ops: ['delete', 'set'], maxDepth: 4 });

// Post events are picked more often, so the post branch is exercised as much as the rejects.
const postEvents = recordedObjects.filter((o) => parseJetstreamMessage(JSON.stringify(o)).kind === 'post');
const mutatedEvent = fc
  .tuple(
    fc.oneof({ arbitrary: fc.constantFrom(...postEvents), weight: 3 }, fc.constantFrom(...recordedObjects)),
    fc.array(mutation, { minLength: 1, maxLength: 3 }),
  )
  .map(([base, muts]) => JSON.stringify(mutateJson(base, muts)));

/** Mostly the good value, sometimes an odd one. */
const usually = <T>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 6 }, oddValue);

/** A post event rebuilt from generated parts: any field may be missing or of the wrong type. */
const builtEvent = fc
  .record(
    {
      did: usually(
        fc.oneof(
          fc.constant('did:plc:abc'),
          binaryish.map((s) => `did:${s}`),
        ),
      ),
      time_us: usually(fc.integer({ min: 1, max: 2 ** 53 - 1 })),
      kind: usually(fc.constantFrom('commit', 'commit', 'commit', 'identity', 'account', 'labels')),
      commit: usually(
        fc.record(
          {
            operation: usually(fc.constantFrom('create', 'create', 'update', 'delete')),
            collection: usually(fc.constant(POST_COLLECTION)),
            rkey: usually(fc.oneof(binaryish, fc.constant('x'.repeat(300)))),
            record: usually(
              fc.record(
                {
                  text: usually(binaryish),
                  createdAt: usually(fc.date({ noInvalidDate: false }).map((d) => String(d))),
                  langs: usually(fc.array(fc.oneof(binaryish, oddValue), { maxLength: 3 })),
                },
                { requiredKeys: ['text'] },
              ),
            ),
          },
          { requiredKeys: ['operation', 'collection', 'rkey', 'record'] },
        ),
      ),
    },
    { requiredKeys: ['did', 'time_us', 'kind', 'commit'] },
  )
  .map((e) => JSON.stringify(e));

const truncated = fc
  .tuple(fc.constantFrom(...recorded), fc.nat())
  .map(([m, n]) => m.slice(0, n % (m.length + 1)));

describe('Jetstream parser under fuzzing', () => {
  it('never throws on arbitrary frames and returns a documented kind', () => {
    fc.assert(
      fc.property(
        fc.oneof(binaryish, fc.json({ maxDepth: 4 }), truncated, mutatedEvent, builtEvent),
        (text) => expectItem(parseJetstreamMessage(text)),
      ),
      { numRuns: 4000 },
    );
  });

  it('mutated recorded events keep the post contract when they still parse as posts', () => {
    const posts = countParsedPosts(mutatedEvent, parseJetstreamMessage, expectItem, 3000);
    expect(posts).toBeGreaterThan(50);
  });

  it('generated post events with odd fields keep the post contract', () => {
    const posts = countParsedPosts(builtEvent, parseJetstreamMessage, expectItem, 3000);
    expect(posts).toBeGreaterThan(10);
  });

  it('survives huge and deeply nested frames', () => {
    const hugeText = JSON.stringify({
      ...postEvent,
      commit: {
        ...(postEvent.commit as object),
        record: { text: 'y'.repeat(5_000_000), createdAt: '2024-09-09T19:46:02.102Z' },
      },
    });
    const deep = `{"time_us":1,"kind":"commit","commit":${'{"record":'.repeat(100_000)}1${'}'.repeat(100_001)}`;
    for (const text of [hugeText, deep, '['.repeat(1_000_000)]) expectItem(parseJetstreamMessage(text));
    expect(parseJetstreamMessage(hugeText).kind).toBe('post');
  });
});
