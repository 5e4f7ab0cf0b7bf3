import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './state-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'cc-state-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('creates the directory, replaces the file whole and leaves no temporary file', () => {
    const file = join(dir, 'a', 'b', 'state.json');
    writeFileAtomic(file, '{"v":1}');
    writeFileAtomic(file, '{"v":2}');
    expect(readFileSync(file, 'utf8')).toBe('{"v":2}');
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });
});
