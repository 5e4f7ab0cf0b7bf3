// `cryptocrawler trends --file` on a hand-made file: the real command, the replay formats, and ranks,
// counts, baseline counts, scores and the emerging flag checked exactly against hand-worked values.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repoRoot, 'bin', 'cryptocrawler.js');
const tmp = mkdtempSync(join(tmpdir(), 'trends-replay-'));

const CONFIG = `influx:
  url: http://127.0.0.1:1
  org: test
  buckets: { main: { name: m }, raw: { name: r } }
topics:
  - { name: bitcoin, keywords: [bitcoin], coin: BTC }
  - { name: ethereum, keywords: [ethereum], coin: ETH }
coins: [BTC, ETH]
quotes: [USD]
trends:
  minCount: 2
  emerging: { minCount: 3, warmup: 1h }
`;

// Hour 10:00: the baseline. Hour 11:00: a new name ("zorbx listing") arrives.
const POSTS: Array<[string, string]> = [
  ['10:00:00', 'bitcoin hodl wallet'],
  ['10:10:00', 'Bitcoin hodl wallet'],
  ['10:20:00', 'bitcoin chart'],
  ['10:30:00', 'bitcoin hodl wallet'],
  ['10:40:00', 'bitcoin, chart'],
  ['10:50:00', 'bitcoin hodl wallet @someone'],
  ['11:00:00', 'bitcoin hodl wallet'],
  ['11:05:00', 'bitcoin zorbx listing'],
  ['11:06:00', 'ethereum staking'],
  ['11:10:00', 'bitcoin zorbx listing!'],
  ['11:15:00', 'bitcoin zorbx listing https://example.org/x'],
  ['11:20:00', 'ethereum staking'],
  ['11:25:00', 'bitcoin zorbx listing'],
  ['11:30:00', 'bitcoin hodl wallet'],
  ['11:35:00', 'bitcoin zorbx listing'],
  ['11:40:00', 'ethereum staking'],
  ['11:45:00', 'bitcoin chart'],
  ['11:50:00', 'football tonight'],
];

function ndjson(): string {
  return POSTS.map(([t, text], i) =>
    JSON.stringify({ id: String(i + 1), text, created_at: `2026-03-01T${t}Z`, lang: 'en' }),
  ).join('\n');
}

function csv(): string {
  const rows = POSTS.map(([t, text], i) => `${i + 1},"${text.replace(/"/g, '""')}",2026-03-01T${t}Z,en`);
  return ['id,text,created_at,lang', ...rows].join('\r\n');
}

/** Dunning's G^2 by its definition, 2 * sum O ln(O/E) over the 2x2 table (0 ln 0 = 0). */
function g2(a: number, n: number, b: number, m: number): number {
  const t = n + m;
  const cells = [
    [a, (n * (a + b)) / t],
    [n - a, (n * (t - a - b)) / t],
    [b, (m * (a + b)) / t],
    [m - b, (m * (t - a - b)) / t],
  ];
  return 2 * cells.reduce((s, [o, e]) => s + (o! > 0 ? o! * Math.log(o! / e!) : 0), 0);
}

async function trends(file: string, extra: string[] = []): Promise<Array<Record<string, unknown>>> {
  const cfg = join(tmp, 'config.yaml');
  writeFileSync(cfg, CONFIG);
  const r = await run(
    'node',
    [
      bin,
      '--config',
      cfg,
      'trends',
      '--file',
      file,
      '--interval',
      '1h',
      '--baseline',
      '1h',
      '--top',
      '3',
      ...extra,
    ],
    {
      cwd: repoRoot,
      timeout: 60_000,
    },
  );
  expect(r.stderr).toContain('18 records, 17 posts on a topic, 0 unreadable, 0 too late');
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('trends --file (replay formats)', () => {
  it('ranks a hand-made NDJSON file exactly: by count without a baseline, by G^2 against it after', async () => {
    const file = join(tmp, 'posts.ndjson');
    writeFileSync(file, ndjson());
    const rows = await trends(file);
    const brief = rows.map((r) => [
      r.interval_end,
      r.topic,
      r.rank,
      r.term,
      r.count,
      r.baseline_count,
      r.emerging,
    ]);
    expect(brief).toEqual([
      // 10:00-11:00, no baseline yet: by count, ties by term.
      ['2026-03-01T11:00:00.000Z', 'bitcoin', 1, 'bitcoin', 6, 0, false],
      ['2026-03-01T11:00:00.000Z', 'bitcoin', 2, 'bitcoin hodl', 4, 0, false],
      ['2026-03-01T11:00:00.000Z', 'bitcoin', 3, 'hodl', 4, 0, false],
      // 11:00-12:00: the four terms of the new name share the top score; common terms fell in share.
      ['2026-03-01T12:00:00.000Z', 'bitcoin', 1, 'bitcoin zorbx', 5, 0, true],
      ['2026-03-01T12:00:00.000Z', 'bitcoin', 2, 'listing', 5, 0, true],
      ['2026-03-01T12:00:00.000Z', 'bitcoin', 3, 'zorbx', 5, 0, true],
      // ethereum has no baseline of its own: by count, nothing called new.
      ['2026-03-01T12:00:00.000Z', 'ethereum', 1, 'ethereum', 3, 0, false],
      ['2026-03-01T12:00:00.000Z', 'ethereum', 2, 'ethereum staking', 3, 0, false],
      ['2026-03-01T12:00:00.000Z', 'ethereum', 3, 'staking', 3, 0, false],
    ]);
    // Hour 11: 2 x 5 terms (hodl wallet) + 5 x 5 (zorbx listing, one with a URL domain: +1) + 3 (chart) = 39;
    // hour 10: 4 x 5 + 3 + 2 (the comma keeps "bitcoin, chart" from being a bigram) = 25.
    expect(rows[3]!.score).toBeCloseTo(g2(5, 39, 0, 25), 5);
    expect(rows.slice(0, 3).every((r) => r.score === 0)).toBe(true);
  });

  it('reads the same posts as CSV and prints the same lines', async () => {
    const a = join(tmp, 'same.ndjson');
    const b = join(tmp, 'same.csv');
    writeFileSync(a, ndjson());
    writeFileSync(b, csv());
    expect(await trends(b)).toEqual(await trends(a));
  });

  it('stops quietly with status 0 when the reader goes away (| head -1)', async () => {
    const words = ['etf', 'sec', 'halving', 'miners', 'hodl', 'moon', 'rekt', 'pump', 'dump', 'wallet'];
    const lines = Array.from({ length: 30_000 }, (_, i) =>
      JSON.stringify({
        id: String(i),
        text: `bitcoin ${words[i % 10]} ${words[(i * 7) % 10]} ${words[(i * 3) % 10]}`,
        created_at: new Date(Date.UTC(2026, 2, 1) + i * 10_000).toISOString(),
        lang: 'en',
      }),
    );
    const file = join(tmp, 'big.ndjson');
    writeFileSync(file, lines.join('\n'));
    const cfg = join(tmp, 'config.yaml');
    writeFileSync(cfg, CONFIG);
    const r = await run(
      'bash',
      ['-c', `set -o pipefail; node ${bin} --config ${cfg} trends --file ${file} --interval 5m | head -1`],
      { cwd: repoRoot, timeout: 60_000 },
    );
    expect(JSON.parse(r.stdout.trim()).rank).toBe(1);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
});
