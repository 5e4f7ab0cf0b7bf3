// The fuzz helper's own contract: mutations never touch the base or the values they insert. A shared
// generator constant inserted as is was once mutated into itself by a later step (a circular value that
// JSON.stringify rejects), failing the Jetstream fuzz test on a fresh clone at random.
import { describe, expect, it } from 'vitest';
import { type JsonMutation, mutateJson } from './mutate.ts';

describe('mutateJson', () => {
  it('inserts copies, so a shared constant is never changed or made circular', () => {
    const shared = [1, null, 'en', {}];
    const base = { a: { b: 1 } };
    const muts: JsonMutation[] = [
      { path: [0], op: 'set', value: shared, key: '' },
      // descends into the inserted array and sets its first item to the same shared constant
      { path: [0, 0], op: 'set', value: shared, key: '' },
      { path: [0], op: 'add', value: shared, key: 'k' },
    ];
    const out = mutateJson(base, muts);
    expect(() => JSON.stringify(out)).not.toThrow();
    expect(shared).toEqual([1, null, 'en', {}]);
    expect(base).toEqual({ a: { b: 1 } });
    expect(out).toEqual({ a: [[1, null, 'en', {}], null, 'en', {}], k: [1, null, 'en', {}] });
  });
});
