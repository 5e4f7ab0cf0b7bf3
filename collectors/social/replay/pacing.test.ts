import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSourceContext } from '../../../src/collector/context.ts';
import { parseConfig } from '../../../src/core/config/load.ts';
import type { BucketRole, PointWriter } from '../../../src/core/write/writer.ts';
import { replayConfigSchema } from './config.ts';
import { ReplaySource } from './source.ts';

class CapturingWriter implements PointWriter {
  readonly lines: string[] = [];
  write(_b: BucketRole, lines: string | string[]): void {
    this.lines.push(...(typeof lines === 'string' ? [lines] : lines));
  }
  flush = () => Promise.resolve();
  drain = () => Promise.resolve(true);
  close = () => Promise.resolve();
  bufferedLines = () => 0;
  failing = () => false;
}

const CONFIG = `
influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}
topics: [{name: bitcoin, keywords: [bitcoin], coin: BTC}]
coins: [BTC]
quotes: [USD]
`;

describe('replay pacing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-pacing-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('one record with a wild timestamp neither stalls a paced replay nor shifts the posts after it', async () => {
    const t = Date.UTC(2026, 0, 12, 10, 0, 0);
    const rec = (id: string, ms: number): string =>
      JSON.stringify({ id, text: `bitcoin ${id}`, createdAtMs: ms, lang: 'en' });
    const file = join(dir, 'wild.ndjson');
    writeFileSync(
      file,
      [rec('a', t), rec('b', t + 1000), rec('wild', Date.UTC(9999, 0, 1)), rec('c', t + 2000)].join('\n'),
    );
    const writer = new CapturingWriter();
    const now = Date.UTC(2026, 0, 13);
    const ctx = buildSourceContext({
      config: parseConfig(CONFIG, { replay: replayConfigSchema }),
      writer,
      stateDir: mkdtempSync(join(dir, 's')),
      now: () => now,
    });
    const source = new ReplaySource(
      ctx,
      replayConfigSchema.parse({ file, speed: 1000, timestamps: 'shift', progress: false }),
    );
    const started = Date.now();
    await source.start();
    const summary = await source.finished();
    // At speed 1000 the whole file takes at most (1 s + 60 s capped gap + 0 s) / 1000, not millennia.
    expect(Date.now() - started).toBeLessThan(2000);
    // With shift, every post lands at most (1 s + 60 s + 0 s) after the start: the wild record is placed
    // one capped gap after its predecessor, and 'c' after it (out of order: no wait, no extra offset).
    expect(summary.accepted).toBe(4);
    expect(summary.dropped).toEqual({});
    const times = writer.lines
      .filter((l) => l.startsWith('post,'))
      .map((l) => Number(BigInt(l.split(' ').at(-1)!) / 1_000_000n));
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(61_000);
    await source.stop();
  });
});
