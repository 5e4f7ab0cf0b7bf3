// A reader that stops early (`| head -3`) ends a streaming command quietly: exit 0, no stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'cc-epipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streaming commands and a reader that goes away', () => {
  it('sentiment FILE | head -3 exits 0 without a stack trace', async () => {
    const file = join(dir, 'posts.txt');
    writeFileSync(file, Array.from({ length: 200_000 }, (_, i) => `bitcoin to the moon ${i}`).join('\n'));
    const child = spawn(process.execPath, ['bin/cryptocrawler.js', 'sentiment', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    let seen = '';
    const exit = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    await new Promise<void>((resolve) => {
      void exit.then(() => resolve());
      child.stdout.on('data', (b: Buffer) => {
        seen += b.toString();
        if (seen.split('\n').length > 3) {
          child.stdout.destroy(); // what `head -3` does after its third line
          resolve();
        }
      });
    });
    const code = await exit;
    expect(seen.split('\n')[0]).toMatch(/^\{"id":1,"score":/);
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  });
});
