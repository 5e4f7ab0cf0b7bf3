import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RollupAggregator } from './rollup.ts';
import { RollupJournal } from './rollup-journal.ts';

const T = Date.parse('2026-06-01T12:00:00Z');
const pos = { score: 0.6, label: 'pos' as const };
const neg = { score: -0.4, label: 'neg' as const };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(intervalMs = 60_000): {
  dir: string;
  agg: () => RollupAggregator;
  journal: () => RollupJournal;
} {
  const dir = mkdtempSync(join(tmpdir(), 'rollup-journal-'));
  dirs.push(dir);
  return {
    dir,
    agg: () => new RollupAggregator({ intervalMs, graceMs: 5_000, retainMs: 120_000, journal: true }),
    journal: () => new RollupJournal(join(dir, 'rollups.d'), intervalMs),
  };
}

function save(a: RollupAggregator, j: RollupJournal): void {
  j.save(a.takeChanges(), a.maxEventTimeMs());
}

function restored(j: RollupJournal, a: RollupAggregator): RollupAggregator {
  const s = j.load();
  expect(s?.saved).toBe(true);
  expect(a.restore(s!)).toBe(true);
  return a;
}

describe('RollupJournal', () => {
  it('restores exactly the state saved across several appends (same snapshot, duplicates still caught)', () => {
    const { agg, journal } = setup();
    const a = agg();
    const j = journal();
    for (let i = 0; i < 50; i++) {
      a.add(
        'x',
        i % 3 ? ['bitcoin'] : ['bitcoin', 'eth'],
        `p${i}`,
        T + i * 3000,
        i % 2 ? pos : neg,
        T + i * 3000,
      );
      if (i % 7 === 0) save(a, j);
      a.collect(T + i * 3000);
    }
    save(a, j);
    const b = restored(journal(), agg());
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(b.add('x', ['bitcoin'], 'p49', T + 49 * 3000, pos, T + 150_000)).toBe('duplicate');
    expect(b.collect(T + 400_000, true)).toEqual(a.collect(T + 400_000, true));
  });

  it('an interval saved as emitted is not written again after a restart; a late post after it is', () => {
    const { agg, journal } = setup();
    const a = agg();
    const j = journal();
    a.add('x', ['bitcoin'], 'p1', T + 1000, pos, T);
    a.add('x', ['bitcoin'], 'p2', T + 2000, pos, T);
    expect(a.collect(T + 66_000)).toHaveLength(1);
    save(a, j);
    expect(restored(journal(), agg()).collect(T + 70_000)).toEqual([]);
    // A late post: the interval is due again, also for a collector restarted after this save.
    a.add('x', ['bitcoin'], 'p3', T + 3000, neg, T + 80_000);
    save(a, j);
    const out = restored(journal(), agg()).collect(T + 90_000);
    expect(out.map((v) => v.count)).toEqual([3]);
  });

  it('a save appends only what is new, and an evicted interval loses its file', () => {
    const { dir, agg, journal } = setup();
    const a = agg();
    const j = journal();
    a.add('x', ['bitcoin'], 'p1', T + 1000, pos, T);
    save(a, j);
    const file = join(dir, 'rollups.d', `${T}.ndjson`);
    const size = statSync(file).size;
    save(a, j);
    expect(statSync(file).size).toBe(size);
    a.add('x', ['bitcoin'], 'p2', T + 2000, pos, T);
    save(a, j);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(4);
    a.collect(T + 66_000);
    // Event time moves past the retain window: the interval is evicted and its file removed.
    a.add('x', ['bitcoin'], 'p9', T + 300_000, pos, T + 300_000);
    a.collect(T + 300_000);
    save(a, j);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(join(dir, 'rollups.d')).sort()).toEqual([`${T + 300_000}.ndjson`, 'index.json']);
  });

  it('a partial last line (a crash mid-append) is cut off; later appends read back whole', () => {
    const { dir, agg, journal } = setup();
    const a = agg();
    a.add('x', ['bitcoin'], 'p1', T + 1000, pos, T);
    save(a, journal());
    const file = join(dir, 'rollups.d', `${T}.ndjson`);
    appendFileSync(file, '["x","bitcoin","p2",0.6,"p');
    const j = journal();
    const b = restored(j, agg());
    expect(b.snapshot().intervals[0]!.rows.map((r) => r[2])).toEqual(['p1']);
    b.add('x', ['bitcoin'], 'p3', T + 3000, pos, T);
    save(b, j);
    expect(
      restored(journal(), agg())
        .snapshot()
        .intervals[0]!.rows.map((r) => r[2]),
    ).toEqual(['p1', 'p3']);
  });

  it('moves the old single-file state into the journal and deletes it', () => {
    const { dir, agg, journal } = setup();
    const old = agg();
    old.add('x', ['bitcoin'], 'p1', T + 1000, pos, T);
    old.add('x', ['eth'], 'p2', T + 61_000, neg, T);
    const legacy = join(dir, 'rollups.json');
    writeFileSync(legacy, JSON.stringify(old.snapshot()));
    const j = journal();
    const s = j.load(legacy)!;
    expect(s.saved).toBe(false);
    const a = agg();
    a.restore(s);
    j.save(a.takeChanges(), a.maxEventTimeMs(), { legacyFile: legacy });
    expect(existsSync(legacy)).toBe(false);
    expect(restored(journal(), agg()).snapshot()).toEqual(old.snapshot());
  });

  it('a journal saved with another rollup interval is ignored and cleared', () => {
    const { dir, agg, journal } = setup();
    const a = agg();
    a.add('x', ['bitcoin'], 'p1', T + 1000, pos, T);
    save(a, journal());
    expect(new RollupJournal(join(dir, 'rollups.d'), 30_000).load()).toBeUndefined();
    expect(readdirSync(join(dir, 'rollups.d'))).toEqual([]);
  });

  it('a rewrite replaces every file with the whole state', () => {
    const { dir, agg, journal } = setup();
    const a = agg();
    const j = journal();
    a.add('x', ['bitcoin'], 'p1', T + 1000, pos, T);
    save(a, j);
    writeFileSync(join(dir, 'rollups.d', `${T - 60_000}.ndjson`), '["x","bitcoin","stale",0,"neu"]\n');
    a.add('x', ['bitcoin'], 'p2', T + 2000, pos, T);
    a.takeChanges(); // as if this save had failed: p2 is in memory only
    j.save({ intervals: a.snapshot().intervals, evicted: [] }, a.maxEventTimeMs(), { rewrite: true });
    expect(restored(journal(), agg()).snapshot()).toEqual(a.snapshot());
  });
});
