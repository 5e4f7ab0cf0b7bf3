// Thousands of generated malformed recordings: random bytes with quotes, commas, newlines and CRs in
// random places, invalid UTF-8, over-long records, mutated sample records. The splitter gives the same
// records as a one-shot reference whatever the chunking, the parsers never throw and produce only
// well-formed posts, and a replay of a fuzzed file accounts for every record it read.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSourceContext } from '../../../src/collector/context.ts';
import { parseConfig } from '../../../src/core/config/load.ts';
import { createServiceRegistry } from '../../../src/core/metrics/registry.ts';
import type { BucketRole, PointWriter } from '../../../src/core/write/writer.ts';
import type { RawPost } from '../types.ts';
import { replayConfigSchema } from './config.ts';
import {
  csvColumns,
  decodeRecord,
  parseCsvFields,
  parseCsvRecord,
  parseNdjsonRecord,
  parseTimeMs,
  type ParseResult,
} from './parse.ts';
import { ReplaySource, type ReplaySummary } from './source.ts';
import { RecordSplitter, type SplitEvent } from './split.ts';

const sample = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const ndjsonLines = sample('sample.ndjson').toString('latin1').split('\n');
const csvSample = sample('sample.csv').toString('utf8');

/** Bytes rich in the characters that matter to the splitters and parsers, plus invalid UTF-8. */
const piece = fc.oneof(
  { arbitrary: fc.constantFrom('"', ',', '\n', '\r', '\r\n', '""', ' ', '{', '}', ':', '\\'), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 5 }), weight: 3 },
  fc.constantFrom(
    [0x80],
    [0xc3],
    [0xe2, 0x82],
    [0xf0, 0x9f, 0x9a],
    [0xed, 0xa0, 0x80],
    [0xff, 0xfe],
    [0xef, 0xbb, 0xbf],
    [0x00],
  ),
);
const randomBytes = fc
  .array(piece, { maxLength: 60 })
  .map((ps) => Buffer.concat(ps.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))));

function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = cuts[i % cuts.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

function split(chunks: Buffer[], csv: boolean, maxBytes: number): SplitEvent[] {
  const s = new RecordSplitter({ csv, maxBytes });
  const out: SplitEvent[] = [];
  for (const c of chunks) s.push(c, (e) => out.push(e));
  s.end((e) => out.push(e));
  return out;
}

/** The one-shot reference: walk all bytes, newlines end a record (outside quotes for CSV). */
function reference(bytes: Buffer, csv: boolean, maxBytes: number): SplitEvent[] {
  const out: SplitEvent[] = [];
  let start = 0;
  let quoted = false;
  const finish = (end: number) => {
    const n = end - start;
    if (n > maxBytes) out.push({ kind: 'oversize', bytes: n });
    else if (n > 0) out.push({ kind: 'record', bytes: Buffer.from(bytes.subarray(start, end)) });
    quoted = false;
  };
  for (let i = 0; i < bytes.length; i++) {
    if (csv && bytes[i] === 0x22) quoted = !quoted;
    else if (bytes[i] === 0x0a && !quoted) {
      finish(i);
      start = i + 1;
    }
  }
  finish(bytes.length);
  return out;
}

const cuts = fc.array(fc.integer({ min: 1, max: 11 }), { minLength: 1, maxLength: 6 });

describe('RecordSplitter under fuzzing', () => {
  for (const csv of [false, true]) {
    it(`${csv ? 'CSV' : 'NDJSON'}: any chunking gives the one-shot records, over-long ones reported with their size`, () => {
      fc.assert(
        fc.property(randomBytes, cuts, fc.integer({ min: 1, max: 40 }), (bytes, c, maxBytes) => {
          const got = split(chunked(bytes, c), csv, maxBytes);
          expect(got).toEqual(reference(bytes, csv, maxBytes));
          for (const e of got) {
            if (e.kind === 'record') {
              expect(e.bytes.length).toBeGreaterThan(0);
              expect(e.bytes.length).toBeLessThanOrEqual(maxBytes);
              if (!csv) expect(e.bytes.includes(0x0a)).toBe(false);
            } else expect(e.bytes).toBeGreaterThan(maxBytes);
          }
        }),
        { numRuns: 2500 },
      );
    });
  }

  it('skips a multi-megabyte record in small chunks and keeps the next one', () => {
    const s = new RecordSplitter({ csv: true, maxBytes: 1024 });
    const out: SplitEvent[] = [];
    const chunk = Buffer.alloc(64 * 1024, 0x22); // an even number of quotes per chunk
    for (let i = 0; i < 64; i++) s.push(chunk, (e) => out.push(e));
    s.push(Buffer.from('\n1,"a\nb",2\n'), (e) => out.push(e));
    s.end((e) => out.push(e));
    expect(out).toEqual([
      { kind: 'oversize', bytes: 64 * 64 * 1024 },
      { kind: 'record', bytes: Buffer.from('1,"a\nb",2') },
    ]);
  });
});

function expectPost(p: RawPost): void {
  expect(typeof p.id).toBe('string');
  expect(p.id.length).toBeGreaterThan(0);
  expect(typeof p.text).toBe('string');
  expect(p.text.trim()).not.toBe('');
  // A time a Date can hold: finite, positive, whole milliseconds.
  expect(Number.isSafeInteger(p.createdAtMs)).toBe(true);
  expect(p.createdAtMs).toBeGreaterThan(0);
  expect(new Date(p.createdAtMs).getTime()).toBe(p.createdAtMs);
  expect(p.langs!.length).toBeGreaterThan(0);
  for (const l of p.langs!) expect(typeof l === 'string' && l.length > 0).toBe(true);
  if (p.authorId !== undefined) expect(typeof p.authorId === 'string' && p.authorId.length > 0).toBe(true);
}

function expectResult(r: ParseResult): void {
  if (r.ok) expectPost(r.post);
  else expect(['malformed', 'missing_field', 'invalid_utf8', 'too_long']).toContain(r.reason);
}

const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    0,
    -1,
    1e11,
    1e20,
    1e300,
    Number.MAX_SAFE_INTEGER,
    '',
    ' ',
    '1e3',
    '99999999999999999999999',
    '8640000000000001',
    '2026-01-12',
    '2026-02-30T10:00:00Z',
    '+275760-09-13T00:00:00Z',
    '9999-12-31T23:59:59.999+14:00',
    '\ud800',
    [],
    {},
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

const ndjsonRecord = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        id: fc.oneof(fc.stringMatching(/^\d{1,20}$/), oddValue),
        text: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), oddValue),
        created_at: fc.oneof(
          fc.date({ noInvalidDate: false }).map((d) => String(d)),
          oddValue,
        ),
        createdAtMs: oddValue,
        timestamp: fc.oneof(fc.integer(), fc.double(), oddValue),
        lang: oddValue,
        langs: fc.oneof(fc.array(oddValue, { maxLength: 3 }), oddValue),
        author_id: oddValue,
      },
      { requiredKeys: [] },
    )
    .chain((o) => fc.constantFrom(JSON.stringify(o), JSON.stringify({ data: o }))),
  fc
    .tuple(fc.constantFrom(...ndjsonLines), fc.nat(), fc.string({ unit: 'binary', maxLength: 6 }))
    .map(([l, n, ins]) => {
      const i = n % (l.length + 1);
      return l.slice(0, i) + ins + l.slice(i);
    }),
);

describe('replay record parsers under fuzzing', () => {
  it('decodeRecord never throws and rejects exactly the invalid UTF-8', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(randomBytes, (bytes) => {
        let valid = true;
        try {
          fatal.decode(bytes);
        } catch {
          valid = false;
        }
        const text = decodeRecord(bytes);
        expect(text !== undefined).toBe(valid);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseTimeMs never throws and gives a whole, positive time a Date can hold', () => {
    fc.assert(
      fc.property(fc.oneof(oddValue, fc.double(), fc.integer(), fc.string({ maxLength: 30 })), (v) => {
        const ms = parseTimeMs(v);
        if (ms === undefined) return;
        expect(Number.isSafeInteger(ms) && ms > 0).toBe(true);
        expect(new Date(ms).getTime()).toBe(ms);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseNdjsonRecord never throws and produces only well-formed posts', () => {
    let posts = 0;
    fc.assert(
      fc.property(ndjsonRecord, (text) => {
        const r = parseNdjsonRecord(text, 'en');
        expectResult(r);
        if (r.ok) posts++;
      }),
      { numRuns: 4000 },
    );
    expect(posts).toBeGreaterThan(100);
  });

  it('parseCsvFields reads back any fields written the RFC 4180 way', () => {
    const encode = (f: string) => (/[",\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f);
    const field = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('', '"', '""', ',', '\n', '\r\n', 'a,"b"'),
    );
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), (fields) => {
        expect(parseCsvFields(fields.map(encode).join(','))).toEqual(fields);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseCsvFields and parseCsvRecord never throw on random records', () => {
    const cols = csvColumns(['id', 'text', 'created_at', 'lang', 'author_id'])!;
    const csvLines = csvSample.split('\n');
    const record = fc.oneof(
      fc
        .array(piece, { maxLength: 30 })
        .map((ps) => ps.map((p) => (typeof p === 'string' ? p : '\ufffd')).join('')),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc
        .tuple(fc.constantFrom(...csvLines), fc.nat(), fc.constantFrom('"', ',', '""', '\r', '\n', ''))
        .map(([l, n, ins]) => {
          const i = n % (l.length + 1);
          return l.slice(0, i) + ins + l.slice(i);
        }),
    );
    let posts = 0;
    fc.assert(
      fc.property(record, (text) => {
        const f = parseCsvFields(text);
        if (f) expect(f.length).toBeGreaterThan(0);
        const r = parseCsvRecord(text, cols, 'en');
        expectResult(r);
        if (r.ok) posts++;
      }),
      { numRuns: 4000 },
    );
    expect(posts).toBeGreaterThan(50);
  });
});

/** Counts lines per bucket; the pipeline fuzz test checks their syntax. */
class CountingWriter implements PointWriter {
  readonly lines: Record<BucketRole, number> = { raw: 0, main: 0 };
  write(bucket: BucketRole, lines: string | string[]): void {
    this.lines[bucket] += typeof lines === 'string' ? 1 : lines.length;
  }
  flush = () => Promise.resolve();
  drain = () => Promise.resolve(true);
  close = () => Promise.resolve();
  bufferedLines = () => 0;
  failing = () => false;
}

const CONFIG = `
influx: {url: "http://127.0.0.1:1", org: o, buckets: {}}
topics:
  - {name: bitcoin, keywords: [bitcoin, btc], coin: BTC}
  - {name: ethereum, keywords: [eth, ethereum], coin: ETH}
coins: [BTC, ETH]
quotes: [USD]
`;

describe('a replay of a fuzzed file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-fuzz-'));
  const config = parseConfig(CONFIG, { replay: replayConfigSchema });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Non-blank records the file holds, as the splitter and decoder see them (the CSV header excluded). */
  function expectedRecords(bytes: Buffer, csv: boolean): number {
    let n = 0;
    for (const e of reference(bytes, csv, 1024)) {
      if (e.kind === 'oversize') n++;
      else {
        const t = decodeRecord(e.bytes);
        if (t === undefined || t.trim() !== '') n++;
      }
    }
    return csv ? n - 1 : n;
  }

  for (const csv of [false, true]) {
    it(`${csv ? 'CSV' : 'NDJSON'}: never fails, and records read = accepted + dropped, each drop counted`, async () => {
      const header = Buffer.from('id,text,created_at,lang,author_id\n');
      const goodRecords = (csv ? csvSample.split('\n').slice(1) : ndjsonLines).map((l) =>
        Buffer.from(`${l}\n`),
      );
      const body = fc.array(
        fc.oneof(
          fc.constantFrom(...goodRecords),
          randomBytes,
          ndjsonRecord.map((t) => Buffer.from(`${t}\n`)),
          fc.constant(Buffer.alloc(1500, 0x61)),
        ),
        { maxLength: 25 },
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(body, async (parts) => {
          const bytes = Buffer.concat(csv ? [header, ...parts] : parts);
          const file = join(dir, `f${run++}.${csv ? 'csv' : 'ndjson'}`);
          writeFileSync(file, bytes);
          const metrics = createServiceRegistry('t', { defaultMetrics: false });
          const writer = new CountingWriter();
          const ctx = buildSourceContext({
            config,
            writer,
            metrics,
            stateDir: mkdtempSync(join(dir, 's')),
            now: () => Date.UTC(2026, 0, 13),
          });
          const cfg = replayConfigSchema.parse({ file, progress: false, maxRecordBytes: 1024 });
          const source = new ReplaySource(ctx, cfg);
          await source.start();
          const summary: ReplaySummary = await source.finished();
          const dropped = Object.values(summary.dropped).reduce((a, b) => a + b, 0);
          expect(summary.records).toBe(expectedRecords(bytes, csv));
          expect(summary.accepted + dropped).toBe(summary.records);
          const text = await metrics.registry.metrics();
          let counted = 0;
          for (const m of text.matchAll(/^cryptocrawler_posts_dropped_total\{[^}]*\} (\d+)$/gm))
            counted += Number(m[1]);
          expect(counted).toBe(dropped);
          if (summary.accepted === 0) expect(writer.lines.raw).toBe(0);
          else expect(writer.lines.raw).toBeGreaterThanOrEqual(summary.accepted);
        }),
        { numRuns: 150 },
      );
    });
  }
});
