import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJetstreamMessage } from './parse.ts';

const fixtures = JSON.parse(readFileSync(new URL('./testdata/messages.json', import.meta.url), 'utf8')) as {
  cases: Array<{ name: string; message: string; expected: unknown }>;
};

describe('parseJetstreamMessage on recorded messages', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      expect(parseJetstreamMessage(c.message)).toEqual(c.expected);
    });
  }
});
