// `cryptocrawler sentiment` as a user runs it: the real binary, text on a file, JSONL out.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSentimentScorer } from '../../../collectors/social/sentiment/index.ts';

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repoRoot, 'bin', 'cryptocrawler.js');
const input = join(mkdtempSync(join(tmpdir(), 'sentiment-cli-')), 'posts.jsonl');
const TEXTS = ['BTC to the moon 🚀', 'rekt again, total scam', 'The Fed meets on Wednesday'];
writeFileSync(
  input,
  TEXTS.map((text, i) => JSON.stringify({ id: `p${i}`, text })).join('\n') + '\nplain line\n',
);

async function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    return { ...(await run('node', [bin, ...args], { cwd: repoRoot, timeout: 60_000 })), code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('cryptocrawler sentiment --model', () => {
  it.each(['lexicon', 'blend'] as const)(
    'prints {id, score, label} per line with --model %s',
    async (model) => {
      const { stdout, code } = await cli(['sentiment', '--model', model, input]);
      expect(code).toBe(0);
      const scorer = createSentimentScorer({ model });
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      expect(lines).toEqual([
        ...TEXTS.map((t, i) => ({ id: `p${i}`, ...scorer.score(t) })),
        { id: 4, ...scorer.score('plain line') },
      ]);
    },
  );

  it('defaults to the default model and rejects an unknown one, listing the choices', async () => {
    const d = await cli(['sentiment', input]);
    const scorer = createSentimentScorer();
    expect(JSON.parse(d.stdout.split('\n')[0] as string)).toEqual({
      id: 'p0',
      ...scorer.score(TEXTS[0] as string),
    });
    const bad = await cli(['sentiment', '--model', 'bert', input]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/Allowed choices are lexicon, learned, blend/);
  });
});
