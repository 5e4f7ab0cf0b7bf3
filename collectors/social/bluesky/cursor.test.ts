import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jitteredBackoffMs } from './backoff.ts';
import { ReplayGuard, loadCursor, saveCursor } from './cursor.ts';

describe('ReplayGuard', () => {
  it('resumes a margin before the cursor and recognises the posts that margin replays', () => {
    const g = new ReplayGuard(1_000_000);
    expect(g.resumeFromUs()).toBeUndefined();
    g.handled(10_000_000, 'a');
    g.handled(10_500_000, 'b');
    g.handled(11_200_000); // an identity event moves the cursor too
    expect(g.cursorUs()).toBe(11_200_000);
    expect(g.resumeFromUs()).toBe(10_200_000);
    // 'a' is older than the margin: forgotten, and never replayed since resume starts after it.
    expect(g.isDuplicate('a')).toBe(false);
    expect(g.isDuplicate('b')).toBe(true);
    expect(g.isDuplicate('c')).toBe(false);
  });

  it('survives a restart through the saved state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-cursor-'));
    const file = join(dir, 'state', 'cursor.json');
    const g = new ReplayGuard(1_000_000);
    g.handled(5_000_000, 'x');
    g.handled(5_400_000, 'y');
    saveCursor(file, g.state());
    const back = new ReplayGuard(1_000_000, loadCursor(file));
    expect(back.cursorUs()).toBe(5_400_000);
    expect(back.isDuplicate('x')).toBe(true);
    expect(back.isDuplicate('y')).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      cursorUs: 5_400_000,
      recent: [
        [5_000_000, 'x'],
        [5_400_000, 'y'],
      ],
    });
  });

  it('ignores a missing or corrupt cursor file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-cursor-'));
    expect(loadCursor(join(dir, 'none.json'))).toBeUndefined();
    writeFileSync(join(dir, 'bad.json'), '{"cursorUs":');
    expect(loadCursor(join(dir, 'bad.json'))).toBeUndefined();
    writeFileSync(join(dir, 'neg.json'), '{"cursorUs":-5}');
    expect(loadCursor(join(dir, 'neg.json'))).toBeUndefined();
  });
});

describe('jitteredBackoffMs', () => {
  const t = { initialDelayMs: 1000, maxDelayMs: 60_000 };
  it('doubles from 1 s up to 60 s and keeps a random half', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => jitteredBackoffMs(n, t, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect([1, 2, 7].map((n) => jitteredBackoffMs(n, t, () => 0))).toEqual([500, 1000, 30_000]);
  });
});
