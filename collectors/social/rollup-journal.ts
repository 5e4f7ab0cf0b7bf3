// The rollup state on disk, saved by appending what changed instead of rewriting everything retained.
//
// The aggregator keeps every counted post id of the last `retain` minutes (to count each post once
// and to correct an interval for late posts). At 5,000 posts/s that is over a million rows per
// collector; writing all of them every few seconds as one JSON file cost more CPU than the posts
// (docs/performance.md). Here every interval is one NDJSON file in a directory, appended to:
//
//   <dir>/index.json              {"version":1,"intervalMs":60000,"maxEventMs":1767225600000}
//   <dir>/1767225540000.ndjson    ["replay","bitcoin","2000000000000000001",0.61,"pos"]   one row a post and topic
//                                 true                                                     emitted (written to InfluxDB)
//
// A flag line (`true` / `false`) follows the rows of each save; an interval is restored as emitted
// only when its last line is `true`, so rows saved after the flag make it due again, as in memory.
// An evicted interval's file is deleted. A crash can leave a partial last line: it is cut off when the
// journal is opened (the rows of that one save are lost, as a crash between two whole-file saves lost
// them before). The old single-file snapshot (`rollups.json`) is read once and moved into the journal.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/core/state-file.ts';
import type { RollupChanges, RollupRow, RollupSnapshot } from './rollup.ts';

export const JOURNAL_VERSION = 1;
const FILE = /^(-?\d+)\.ndjson$/;

interface Index {
  version: number;
  intervalMs: number;
  maxEventMs: number;
}

export class RollupJournal {
  /** Interval starts whose file exists (or is about to). */
  private readonly files = new Set<number>();
  private indexWritten = '';

  constructor(
    private readonly dir: string,
    private readonly intervalMs: number,
  ) {}

  /**
   * Reads the saved state: the journal, else the old single-file snapshot at `legacyFile`. Returns
   * undefined when there is none or it was saved with another interval (its files are then removed).
   * Throws on an unreadable index, so the caller can start fresh and say why.
   */
  load(legacyFile?: string): (RollupSnapshot & { saved: boolean }) | undefined {
    let index: Index | undefined;
    try {
      index = JSON.parse(readFileSync(join(this.dir, 'index.json'), 'utf8')) as Index;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!index) {
      if (!legacyFile) return undefined;
      let text: string;
      try {
        text = readFileSync(legacyFile, 'utf8');
      } catch {
        return undefined;
      }
      // Not saved in the journal yet: the first save writes every row of it.
      return { ...(JSON.parse(text) as RollupSnapshot), saved: false };
    }
    if (index.version !== JOURNAL_VERSION || index.intervalMs !== this.intervalMs) {
      this.clear();
      return undefined;
    }
    const intervals: RollupSnapshot['intervals'] = [];
    for (const name of readdirSync(this.dir)) {
      const m = FILE.exec(name);
      if (!m) continue;
      const startMs = Number(m[1]);
      const rows: RollupRow[] = [];
      let emitted = false;
      for (const line of this.readLines(join(this.dir, name))) {
        let v: unknown;
        try {
          v = JSON.parse(line);
        } catch {
          continue;
        }
        if (typeof v === 'boolean') emitted = v;
        else if (Array.isArray(v) && v.length === 5) {
          rows.push(v as RollupRow);
          emitted = false;
        }
      }
      this.files.add(startMs);
      intervals.push({ startMs, emitted, rows });
    }
    intervals.sort((a, b) => a.startMs - b.startMs);
    return { intervalMs: index.intervalMs, maxEventMs: index.maxEventMs, intervals, saved: true };
  }

  /**
   * Appends the changes and removes evicted intervals; `legacyFile` is deleted once it is moved in.
   * `rewrite`: the changes are the whole state (every retained interval); the files are replaced.
   */
  save(
    changes: RollupChanges,
    maxEventMs: number,
    o: { legacyFile?: string | undefined; rewrite?: boolean } = {},
  ): void {
    mkdirSync(this.dir, { recursive: true });
    if (o.rewrite) this.clear();
    for (const iv of changes.intervals) {
      let text = '';
      for (const row of iv.rows) text += `${JSON.stringify(row)}\n`;
      text += iv.emitted ? 'true\n' : 'false\n';
      appendFileSync(join(this.dir, `${iv.startMs}.ndjson`), text);
      this.files.add(iv.startMs);
    }
    for (const start of changes.evicted) {
      if (!this.files.delete(start)) continue;
      rmSync(join(this.dir, `${start}.ndjson`), { force: true });
    }
    const index = JSON.stringify({ version: JOURNAL_VERSION, intervalMs: this.intervalMs, maxEventMs });
    if (index !== this.indexWritten) {
      writeFileAtomic(join(this.dir, 'index.json'), index);
      this.indexWritten = index;
    }
    if (o.legacyFile) rmSync(o.legacyFile, { force: true });
  }

  /** The complete lines of a file; a partial last line (a crash mid-append) is cut off the file. */
  private readLines(file: string): string[] {
    const text = readFileSync(file, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, end)));
    return text
      .slice(0, end)
      .split('\n')
      .filter((l) => l.length > 0);
  }

  private clear(): void {
    this.indexWritten = '';
    for (const name of readdirSync(this.dir))
      if (FILE.test(name)) rmSync(join(this.dir, name), { force: true });
    rmSync(join(this.dir, 'index.json'), { force: true });
    this.files.clear();
  }
}
