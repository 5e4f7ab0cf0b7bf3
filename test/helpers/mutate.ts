// Structure-aware mutation of JSON-like values for the fuzz tests: take a recorded payload (or the
// shipped config) and delete, replace, wrap or add keys at random depths, so generated inputs stay close
// to what a real peer sends while breaking one assumption at a time.
import fc from 'fast-check';

export interface JsonMutation {
  /** At each level, which key (by position modulo the key count) to descend into. */
  path: number[];
  op: 'delete' | 'set' | 'add' | 'wrap';
  value: unknown;
  /** The key an 'add' creates (an own property, so "__proto__" and "constructor" are real keys). */
  key: string;
}

export function jsonMutation(
  value: fc.Arbitrary<unknown>,
  o: { ops: ReadonlyArray<JsonMutation['op']>; maxDepth: number; keys?: fc.Arbitrary<string> },
): fc.Arbitrary<JsonMutation> {
  return fc.record({
    path: fc.array(fc.nat(), { minLength: 1, maxLength: o.maxDepth }),
    op: fc.constantFrom(...o.ops),
    value,
    key: o.keys ?? fc.string(),
  });
}

/**
 * Applies mutations to a deep copy of `base`. Inserted values are copied too: a generator's constant
 * (one shared `[]` or `{}`) inserted as is would be mutated by a later step, even into itself (a
 * circular value), and stay changed for every later run.
 */
export function mutateJson(base: unknown, muts: readonly JsonMutation[]): unknown {
  const root = structuredClone(base) as Record<string, unknown>;
  for (const m of muts) {
    let parent: Record<string, unknown> = root;
    for (let i = 0; i < m.path.length; i++) {
      const keys = Object.keys(parent);
      if (keys.length === 0) break;
      const key = keys[m.path[i]! % keys.length]!;
      const child = parent[key];
      if (i < m.path.length - 1 && child !== null && typeof child === 'object') {
        parent = child as Record<string, unknown>;
        continue;
      }
      if (m.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else if (m.op === 'set') parent[key] = structuredClone(m.value);
      else if (m.op === 'wrap') parent[key] = [child];
      else if (!Array.isArray(parent))
        Object.defineProperty(parent, m.key, {
          value: structuredClone(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      break;
    }
  }
  return root;
}

/**
 * Runs `check(parse(input))` on `numRuns` generated inputs and returns how many parsed as posts, so a
 * test can also show the post branch was exercised and not only the rejects.
 */
export function countParsedPosts<T extends { kind: string }>(
  inputs: fc.Arbitrary<string>,
  parse: (input: string) => T,
  check: (item: T) => void,
  numRuns: number,
): number {
  let posts = 0;
  fc.assert(
    fc.property(inputs, (input) => {
      const item = parse(input);
      check(item);
      if (item.kind === 'post') posts++;
    }),
    { numRuns },
  );
  return posts;
}
