import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  csvColumns,
  decodeRecord,
  parseCsvFields,
  parseCsvRecord,
  parseNdjsonRecord,
  parseTimeMs,
  type ParseResult,
} from './parse.ts';
import { RecordSplitter, type SplitEvent } from './split.ts';

const testdata = (name: string) =>
  readFileSync(fileURLToPath(new URL(`./testdata/${name}`, import.meta.url)));

function records(bytes: Buffer, csv: boolean, maxBytes: number, chunk: number): SplitEvent[] {
  const out: SplitEvent[] = [];
  const s = new RecordSplitter({ csv, maxBytes });
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk), (e) => out.push(e));
  s.end((e) => out.push(e));
  return out;
}

function outcomes(events: SplitEvent[], parse: (text: string) => ParseResult): Record<string, number> {
  const count: Record<string, number> = {};
  const add = (k: string) => (count[k] = (count[k] ?? 0) + 1);
  for (const e of events) {
    if (e.kind === 'oversize') {
      add('too_long');
      continue;
    }
    const text = decodeRecord(e.bytes);
    if (text === undefined) add('invalid_utf8');
    else if (text.trim() !== '') {
      const r = parse(text);
      add(r.ok ? 'ok' : r.reason);
    }
  }
  return count;
}

describe('replay parsers on the recorded samples', () => {
  it('reads the NDJSON sample in any chunking: good records parsed, bad ones classified', () => {
    const bytes = testdata('sample.ndjson');
    const expected = { ok: 13, malformed: 2, missing_field: 3, too_long: 1, invalid_utf8: 1 };
    for (const chunk of [1, 7, 64, 65_536]) {
      expect(outcomes(records(bytes, false, 1024, chunk), (t) => parseNdjsonRecord(t, 'en'))).toEqual(
        expected,
      );
    }
  });

  it('reads the CSV sample: quoted commas, doubled quotes and newlines inside fields', () => {
    const bytes = testdata('sample.csv');
    const events = records(bytes, true, 1024, 5);
    const header = parseCsvFields(decodeRecord((events[0] as { bytes: Buffer }).bytes)!)!;
    const cols = csvColumns(header)!;
    expect(cols).toMatchObject({ id: 0, text: 1, time: 2, lang: 3, author: 4, count: 5 });
    expect(outcomes(events.slice(1), (t) => parseCsvRecord(t, cols, 'en'))).toEqual({
      ok: 8,
      malformed: 2,
      missing_field: 1,
      invalid_utf8: 1,
    });
    const texts = events
      .slice(1)
      .map((e) => (e.kind === 'record' ? decodeRecord(e.bytes) : undefined))
      .map((t) => (t ? parseCsvRecord(t, cols, 'en') : undefined))
      .flatMap((r) => (r?.ok ? [r.post] : []));
    expect(texts[1]).toEqual({
      id: '2880000000000000002',
      text: 'Sold my ETH, "never again" - this crash is brutal',
      createdAtMs: Date.parse('2026-01-12T10:00:01.500Z'),
      langs: ['en'],
      authorId: '202',
    });
    expect(texts[2]!.text).toBe('A post over\ntwo lines about btc');
    expect(texts[5]).toMatchObject({ createdAtMs: 1768212070_000, langs: ['en'] });
  });

  it('unwraps the X API v2 envelope and reads every time and language spelling', () => {
    const x = parseNdjsonRecord(
      '{"data":{"id":"5","text":"iota","created_at":"2026-01-12T10:00:03.000Z","lang":"en","author_id":"9"}}',
      'en',
    );
    expect(x).toEqual({
      ok: true,
      post: {
        id: '5',
        text: 'iota',
        createdAtMs: Date.parse('2026-01-12T10:00:03Z'),
        langs: ['en'],
        authorId: '9',
      },
    });
    expect(
      parseNdjsonRecord('{"id":6,"text":"t","timestamp":1768212004,"langs":["en-US"]}', 'en'),
    ).toMatchObject({
      post: { id: '6', createdAtMs: 1768212004000, langs: ['en-US'] },
    });
    expect(parseNdjsonRecord('{"id":"7","text":"t","createdAtMs":1768212005250}', 'de')).toMatchObject({
      post: { createdAtMs: 1768212005250, langs: ['de'] },
    });
  });

  it.each([
    ['2026-01-12T10:00:00Z', Date.UTC(2026, 0, 12, 10)],
    ['2026-01-12 10:00:00.5+01:00', Date.UTC(2026, 0, 12, 9, 0, 0, 500)],
    ['1768212004', 1768212004000],
    [1768212004.5, 1768212004500],
    [1768212004123, 1768212004123],
    ['yesterday', undefined],
    ['12/01/2026', undefined],
    [-5, undefined],
    [null, undefined],
  ])('parses the time %j as %j', (input, ms) => {
    expect(parseTimeMs(input)).toBe(ms);
  });

  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,', ['a', '', '']],
    ['"x, y",z', ['x, y', 'z']],
    ['"a""b",""', ['a"b', '']],
    ['"open', undefined],
    ['"a"b,c', undefined],
    ['a"b,c', undefined],
  ])('splits the CSV record %j', (record, fields) => {
    expect(parseCsvFields(record)).toEqual(fields);
  });

  it('skips an oversize record without keeping it, and finds the next one', () => {
    const big = Buffer.concat([
      Buffer.from('{"x":"'),
      Buffer.alloc(5000, 0x61),
      Buffer.from('"}\n{"id":"1"}\n'),
    ]);
    const events = records(big, false, 1024, 100);
    expect(events.map((e) => e.kind)).toEqual(['oversize', 'record']);
    expect((events[1] as { bytes: Buffer }).bytes.toString()).toBe('{"id":"1"}');
  });
});
