import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineSplitter, parseStreamLine } from './parse.ts';

const fixtures = JSON.parse(
  readFileSync(new URL('./testdata/stream-lines.json', import.meta.url), 'utf8'),
) as {
  cases: Array<{ name: string; line: string; expected: unknown }>;
};

describe('parseStreamLine on recorded stream lines', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      expect(parseStreamLine(c.line)).toEqual(c.expected);
    });
  }
});

describe('LineSplitter', () => {
  const body = readFileSync(new URL('./testdata/stream-body.txt', import.meta.url));

  it('splits a recorded stream body into posts, keep-alives and the disconnect payload', () => {
    const s = new LineSplitter(100_000);
    const kinds = s.push(body).lines.map((l) => parseStreamLine(l).kind);
    expect(kinds).toEqual(['post', 'keepalive', 'post', 'keepalive', 'keepalive', 'post', 'error']);
  });

  it('gives the same lines whatever the chunking, multi-byte characters split included', () => {
    const whole = new LineSplitter(100_000).push(body).lines;
    for (const size of [1, 2, 3, 7, 64]) {
      const s = new LineSplitter(100_000);
      const lines: string[] = [];
      for (let i = 0; i < body.length; i += size) lines.push(...s.push(body.subarray(i, i + size)).lines);
      expect(lines).toEqual(whole);
    }
    expect(whole.some((l) => l.includes('\u{1F680}'))).toBe(true);
  });

  it('drops a line longer than the bound and keeps the next one', () => {
    const s = new LineSplitter(50);
    const big = 'x'.repeat(120);
    const a = s.push(Buffer.from(big.slice(0, 60)));
    const b = s.push(Buffer.from(`${big.slice(60)}\r\n{"ok":1}\r\n`));
    expect(a).toEqual({ lines: [], oversized: 1 });
    expect(b).toEqual({ lines: ['{"ok":1}'], oversized: 0 });
    expect(s.push(Buffer.from(`${'y'.repeat(51)}\r\nz\r\n`))).toEqual({ lines: ['z'], oversized: 1 });
  });

  it('forgets a partial line on reset (a new connection starts clean)', () => {
    const s = new LineSplitter(1000);
    s.push(Buffer.from('{"data":{"id"'));
    s.reset();
    expect(s.push(Buffer.from('{}\r\n')).lines).toEqual(['{}']);
  });
});
