// `cryptocrawler anomalies --method streaming` and `anomalies benchmark` as a user runs them: the real
// binary on generated files (S-H-ESD is covered in test/analytics-cli.test.ts).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../core/random.ts';

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repoRoot, 'bin', 'cryptocrawler.js');
const tmp = mkdtempSync(join(tmpdir(), 'anomalies-cli-'));

async function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    return { ...(await run('node', [bin, ...args], { cwd: repoRoot, timeout: 60_000 })), code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** 5-minute rows with noise and two spikes (rows 1500 and 2500), as NAB files look. */
function rows(seed: number, n = 3000): string[] {
  const random = mulberry32(seed);
  const t0 = Date.UTC(2026, 0, 1);
  const out = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    const spike = i === 1500 || i === 2500 ? 120 : 0;
    const ts = new Date(t0 + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    out.push(`${ts},${(40 + 10 * random() + spike).toFixed(2)}`);
  }
  return out;
}

describe('cryptocrawler anomalies --method streaming', () => {
  it('prints one JSON line per flag with the timestamp as in the file, and the same flags for a cut file', async () => {
    const lines = rows(3);
    const file = join(tmp, 'series.csv');
    writeFileSync(file, lines.join('\n'));
    const whole = await cli([
      'anomalies',
      '--csv',
      file,
      '--time-column',
      'timestamp',
      '--value-column',
      'value',
      '--method',
      'streaming',
    ]);
    expect(whole.code).toBe(0);
    const flags = whole.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(flags[0] ?? {})).toEqual(['timestamp', 'value', 'expected', 'score', 'kind']);
    expect(flags.map((f) => f.timestamp)).toContain(lines[1501]?.split(',')[0]);
    expect(flags.find((f) => f.timestamp === lines[1501]?.split(',')[0])?.kind).toBe('spike');

    const cutFile = join(tmp, 'cut.csv');
    writeFileSync(cutFile, lines.slice(0, 2001).join('\n'));
    const cut = await cli(['anomalies', '--csv', cutFile, '--method', 'streaming']);
    const last = lines[2000]?.split(',')[0] as string;
    expect(
      cut.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(flags.filter((f) => (f.timestamp as string) <= last));
  });

  it('says that --csv is required', async () => {
    const r = await cli(['anomalies', '--method', 'streaming']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--csv');
  });
});

describe('cryptocrawler anomalies benchmark', () => {
  it('scores a NAB-format folder per category and overall, beside published scores', async () => {
    const data = join(tmp, 'corpus');
    const windows: Record<string, [string, string][]> = {};
    for (const [category, name, seed] of [
      ['alpha', 'a.csv', 1],
      ['beta', 'b.csv', 2],
    ] as const) {
      mkdirSync(join(data, category), { recursive: true });
      const lines = rows(seed);
      writeFileSync(join(data, category, name), lines.join('\n'));
      const stamp = (i: number) => `${lines[i + 1]?.split(',')[0]}.000000`;
      windows[`${category}/${name}`] = [
        [stamp(1450), stamp(1600)],
        [stamp(2450), stamp(2600)],
      ];
    }
    const windowsFile = join(tmp, 'windows.json');
    writeFileSync(windowsFile, JSON.stringify(windows));
    const published = join(tmp, 'scores.csv');
    writeFileSync(
      published,
      'detector,file,threshold,score\nlazy,alpha/a.csv,0.5,-2\nlazy,beta/b.csv,0.5,0\n',
    );
    const r = await cli([
      'anomalies',
      'benchmark',
      '--data',
      data,
      '--windows',
      windowsFile,
      '--published',
      published,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('| detector | alpha | beta | overall |');
    expect(r.stdout).toMatch(/\| lazy \| 0\.00 \| 50\.00 \| 25\.00 \|/);
    // two clean spikes at the middle of their windows: each found, score well above the null
    const ours = /\| \*\*streaming[^|]*\*\* \| ([-\d.]+) \| ([-\d.]+) \| ([-\d.]+) \|/.exec(r.stdout);
    expect(Number(ours?.[3])).toBeGreaterThan(50);
    expect(r.stdout).toContain('2 files, 4 windows, 4 detected');
  });
});
