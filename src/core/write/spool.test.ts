import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceRegistry } from '../metrics/registry.ts';
import { DiskSpool, spoolSegmentFiles } from './spool.ts';
import type { BucketRole } from './writer.ts';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'spool-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function spool(dir: string, maxBytes = 10 * 1024 * 1024, segmentBytes?: number) {
  const metrics = createServiceRegistry('t', { defaultMetrics: false });
  return {
    s: new DiskSpool({
      dir,
      maxBytes,
      syncIntervalMs: 10_000,
      metrics,
      ...(segmentBytes ? { segmentBytes } : {}),
    }),
    metrics,
  };
}

async function collect(s: DiskSpool): Promise<Array<[BucketRole, string[]]>> {
  const got: Array<[BucketRole, string[]]> = [];
  await s.replay(async (b, l) => {
    got.push([b, l]);
  });
  return got;
}

describe('DiskSpool', () => {
  it('replays records in the order they were appended, across segments, then deletes them', async () => {
    const dir = tmp();
    const { s } = spool(dir, 10 * 1024 * 1024, 200);
    for (let i = 0; i < 20; i++) await s.append(i % 2 ? 'raw' : 'main', [`m v=${i} ${i}`, `m w=${i} ${i}`]);
    expect(s.pendingLines()).toBe(40);
    expect(spoolSegmentFiles(dir).length).toBeGreaterThan(1);
    const got = await collect(s);
    expect(got.flatMap(([, l]) => l).filter((l) => l.startsWith('m v='))).toEqual(
      Array.from({ length: 20 }, (_, i) => `m v=${i} ${i}`),
    );
    expect(got[1]![0]).toBe('raw');
    expect(s.pendingLines()).toBe(0);
    await s.close();
    expect(spoolSegmentFiles(dir)).toEqual([]);
  });

  it('survives a restart: what was appended and synced is replayed by the next process', async () => {
    const dir = tmp();
    const a = spool(dir).s;
    await a.append('main', ['a v=1 1', 'a v=2 2']);
    await a.close();
    const b = spool(dir).s;
    expect(b.pendingLines()).toBe(2);
    expect(await collect(b)).toEqual([['main', ['a v=1 1', 'a v=2 2']]]);
    await b.close();
  });

  it('merges consecutive records of one bucket into batches of at most replayBatchLines', async () => {
    const dir = tmp();
    const metrics = createServiceRegistry('t', { defaultMetrics: false });
    const s = new DiskSpool({ dir, maxBytes: 1 << 24, syncIntervalMs: 10_000, metrics, replayBatchLines: 3 });
    for (let i = 0; i < 5; i++) await s.append('main', [`m v=${i} ${i}`]);
    await s.append('raw', ['r v=1 1']);
    const got = await collect(s);
    expect(got.map(([b, l]) => `${b}:${l.length}`)).toEqual(['main:3', 'main:2', 'raw:1']);
    await s.close();
  });

  it('a failed replay keeps the record; acknowledged records are not sent again after a restart', async () => {
    const dir = tmp();
    const a = spool(dir, 10 * 1024 * 1024).s;
    // One line per batch, so the failure lands between records.
    (a as unknown as { replayBatchLines: number }).replayBatchLines = 1;
    for (let i = 0; i < 3; i++) await a.append('main', [`a v=${i} ${i}`]);
    let calls = 0;
    await expect(
      a.replay(async () => {
        if (++calls === 2) throw new Error('down');
      }),
    ).rejects.toThrow('down');
    expect(a.pendingLines()).toBe(2);
    await a.close();
    const b = spool(dir).s;
    expect((await collect(b)).flatMap(([, l]) => l)).toEqual(['a v=1 1', 'a v=2 2']);
    await b.close();
  });

  it('cuts a torn tail left by a crash mid-append and counts it', async () => {
    const dir = tmp();
    const a = spool(dir).s;
    await a.append('main', ['ok v=1 1']);
    await a.close();
    const seg = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.lp'))!,
    );
    appendFileSync(seg, 'R main 500 3 deadbeef\npartial li');
    const { s: b, metrics } = spool(dir);
    expect(b.pendingLines()).toBe(1);
    expect(await collect(b)).toEqual([['main', ['ok v=1 1']]]);
    expect(await metrics.registry.metrics()).toMatch(
      /cryptocrawler_spool_corrupt_records_total\{service="t"\} 1/,
    );
    await b.close();
  });

  it('is bounded: when full, the oldest points are dropped and each one is counted', async () => {
    const dir = tmp();
    const line = 'x'.repeat(1000);
    const { s, metrics } = spool(dir, 64 * 1024, 8 * 1024);
    for (let i = 0; i < 200; i++) await s.append('main', [`${line} ${i}`]);
    expect(s.totalBytes()).toBeLessThanOrEqual(64 * 1024);
    const kept = s.pendingLines();
    const text = await metrics.registry.metrics();
    const dropped = Number(/points_dropped_total\{reason="spool_full",service="t"\} (\d+)/.exec(text)![1]);
    expect(dropped + kept).toBe(200);
    const got = await collect(s);
    // What is left is the newest, still in order.
    expect(got.at(-1)![1].at(-1)).toBe(`${line} 199`);
    expect(got.reduce((a, [, l]) => a + l.length, 0)).toBe(kept);
    await s.close();
  });
});
