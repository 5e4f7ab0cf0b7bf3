// The disk spool: an append-only, bounded, crash-safe store for lines InfluxDB cannot take now.
//
// Layout: <dir>/seg-<seq>.lp segment files, each a sequence of records
//   R <bucket> <payloadBytes> <lineCount> <crc32hex>\n<payload>\n
// and <dir>/seg-<seq>.ack holding how many records of that segment were already replayed.
// Appends are fsynced every `syncIntervalMs` (a kill -9 loses at most that much); a torn or corrupt
// tail found at start is cut off and counted. Replay goes oldest first, record by record, so points
// arrive in the order they were spooled; a fully replayed segment is deleted. When the spool is full
// the oldest segments are dropped and every line in them is counted.
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { ServiceRegistry } from '../metrics/registry.ts';
// node:zlib's crc32 (CRC-32/IEEE, in Node since 20.15; engines require 20.18.1).
import { crc32 } from 'node:zlib';
import type { BucketRole, WriteSpool } from './writer.ts';

export interface DiskSpoolOptions {
  dir: string;
  maxBytes: number;
  syncIntervalMs: number;
  /** A segment is closed and a new one started past this size. */
  segmentBytes?: number;
  /** Lines sent per request when replaying (consecutive records of one bucket are merged). */
  replayBatchLines?: number;
  metrics: ServiceRegistry;
}

interface Segment {
  seq: number;
  bytes: number;
  records: number;
  lines: number;
  acked: number;
  ackedLines: number;
}

interface SpoolRecord {
  bucket: BucketRole;
  lines: string[];
}

export const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
export const DEFAULT_REPLAY_BATCH_LINES = 5000;
const SEG = /^seg-(\d{12})\.lp$/;

export class DiskSpool implements WriteSpool {
  private readonly segments: Segment[] = [];
  private fd: number | undefined;
  private active: Segment | undefined;
  private dirty = false;
  private readonly timer: NodeJS.Timeout;
  private nextSeq = 1;
  private closed = false;
  private readonly m;
  private readonly replayBatchLines: number;

  constructor(private readonly o: DiskSpoolOptions) {
    this.replayBatchLines = o.replayBatchLines ?? DEFAULT_REPLAY_BATCH_LINES;
    mkdirSync(o.dir, { recursive: true });
    const r = o.metrics;
    this.m = {
      dropped: r.counter('points_dropped_total', 'Points given up on, by reason.', ['reason']),
      bytes: r.gauge('spool_bytes', 'Bytes held in the disk spool.'),
      corrupt: r.counter(
        'spool_corrupt_records_total',
        'Spool records found torn or corrupt at start and cut off.',
      ),
      spooled: r.counter('spool_appended_lines_total', 'Lines written to the disk spool.'),
      replayed: r.counter('spool_replayed_lines_total', 'Lines replayed from the disk spool to InfluxDB.'),
    };
    this.m.dropped.inc({ reason: 'spool_full' }, 0);
    this.recover();
    this.timer = setInterval(() => this.sync(), o.syncIntervalMs);
    this.timer.unref();
  }

  pendingLines(): number {
    let n = 0;
    for (const s of this.segments) n += s.lines - s.ackedLines;
    return n;
  }

  totalBytes(): number {
    return this.segments.reduce((a, s) => a + s.bytes, 0);
  }

  async append(bucket: BucketRole, lines: string[]): Promise<void> {
    if (this.closed) throw new Error('spool is closed');
    if (lines.length === 0) return;
    const payload = Buffer.from(lines.join('\n'), 'utf8');
    const header = Buffer.from(
      `R ${bucket} ${payload.length} ${lines.length} ${crc32(payload).toString(16)}\n`,
    );
    const size = header.length + payload.length + 1;
    if (size > this.o.maxBytes) {
      this.m.dropped.inc({ reason: 'spool_full' }, lines.length);
      return;
    }
    while (this.totalBytes() + size > this.o.maxBytes && this.segments.length > 0) this.dropOldest();
    if (!this.active || this.active.bytes >= (this.o.segmentBytes ?? DEFAULT_SEGMENT_BYTES)) this.rotate();
    const buf = Buffer.concat([header, payload, Buffer.from('\n')]);
    writeSync(this.fd!, buf);
    this.active!.bytes += buf.length;
    this.active!.records += 1;
    this.active!.lines += lines.length;
    this.dirty = true;
    this.m.spooled.inc(lines.length);
    this.m.bytes.set(this.totalBytes());
  }

  async replay(send: (bucket: BucketRole, lines: string[]) => Promise<void>): Promise<void> {
    while (this.segments.length > 0) {
      const seg = this.segments[0]!;
      if (seg === this.active) {
        if (seg.records === seg.acked) return;
        this.rotate();
      }
      this.sync();
      const records = this.readSegment(seg.seq).records;
      // Consecutive records for the same bucket go out as one request of up to replayBatchLines:
      // write-through appends one small record per post, and a request per record would never catch up.
      let i = seg.acked;
      while (i < records.length) {
        const bucket = records[i]!.bucket;
        const lines: string[] = [];
        let j = i;
        while (j < records.length && records[j]!.bucket === bucket && lines.length < this.replayBatchLines) {
          for (const l of records[j]!.lines) lines.push(l);
          j++;
        }
        await send(bucket, lines);
        seg.acked = j;
        seg.ackedLines += lines.length;
        this.m.replayed.inc(lines.length);
        writeFileSync(this.ackPath(seg.seq), String(seg.acked));
        i = j;
      }
      this.removeSegment(seg);
    }
  }

  async flush(): Promise<void> {
    this.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.sync();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    // An empty active segment is not worth keeping.
    if (this.active && this.active.records === 0) this.removeSegment(this.active);
  }

  /** Forces buffered appends to disk. */
  sync(): void {
    if (this.dirty && this.fd !== undefined) {
      fsyncSync(this.fd);
      this.dirty = false;
    }
  }

  private segPath(seq: number): string {
    return join(this.o.dir, `seg-${String(seq).padStart(12, '0')}.lp`);
  }
  private ackPath(seq: number): string {
    return join(this.o.dir, `seg-${String(seq).padStart(12, '0')}.ack`);
  }

  private rotate(): void {
    this.sync();
    if (this.fd !== undefined) closeSync(this.fd);
    const seq = this.nextSeq++;
    this.fd = openSync(this.segPath(seq), 'a');
    this.active = { seq, bytes: 0, records: 0, lines: 0, acked: 0, ackedLines: 0 };
    this.segments.push(this.active);
  }

  private dropOldest(): void {
    const seg = this.segments[0]!;
    if (seg === this.active) {
      // Start a new active segment, so the full one can go.
      this.rotate();
    }
    this.m.dropped.inc({ reason: 'spool_full' }, seg.lines - seg.ackedLines);
    this.removeSegment(seg);
  }

  private removeSegment(seg: Segment): void {
    const i = this.segments.indexOf(seg);
    if (i >= 0) this.segments.splice(i, 1);
    if (seg === this.active) {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      this.active = undefined;
    }
    for (const p of [this.segPath(seg.seq), this.ackPath(seg.seq)]) if (existsSync(p)) unlinkSync(p);
    this.m.bytes.set(this.totalBytes());
  }

  /** Parses a segment; `validBytes` is where the last intact record ends. */
  private readSegment(seq: number): { records: SpoolRecord[]; validBytes: number; corrupt: boolean } {
    const buf = readFileSync(this.segPath(seq));
    const records: SpoolRecord[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) return { records, validBytes: pos, corrupt: true };
      const m = /^R (raw|main) (\d+) (\d+) ([0-9a-f]+)$/.exec(buf.subarray(pos, nl).toString('latin1'));
      if (!m) return { records, validBytes: pos, corrupt: true };
      const len = Number(m[2]);
      const start = nl + 1;
      if (start + len + 1 > buf.length) return { records, validBytes: pos, corrupt: true };
      const payload = buf.subarray(start, start + len);
      if (crc32(payload) !== parseInt(m[4]!, 16) || buf[start + len] !== 10)
        return { records, validBytes: pos, corrupt: true };
      const lines = payload.toString('utf8').split('\n');
      if (lines.length !== Number(m[3])) return { records, validBytes: pos, corrupt: true };
      records.push({ bucket: m[1] as BucketRole, lines });
      pos = start + len + 1;
    }
    return { records, validBytes: pos, corrupt: false };
  }

  /** Rebuilds the index from disk at start; cuts torn tails (a crash mid-append) and counts them. */
  private recover(): void {
    const seqs = readdirSync(this.o.dir)
      .map((f) => SEG.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (const seq of seqs) {
      const { records, validBytes, corrupt } = this.readSegment(seq);
      if (corrupt) {
        this.m.corrupt.inc();
        const fd = openSync(this.segPath(seq), 'r+');
        ftruncateSync(fd, validBytes);
        fsyncSync(fd);
        closeSync(fd);
      }
      let acked = 0;
      if (existsSync(this.ackPath(seq)))
        acked = Math.min(records.length, Number(readFileSync(this.ackPath(seq), 'utf8')) || 0);
      const seg: Segment = {
        seq,
        bytes: statSync(this.segPath(seq)).size,
        records: records.length,
        lines: records.reduce((a, r) => a + r.lines.length, 0),
        acked,
        ackedLines: records.slice(0, acked).reduce((a, r) => a + r.lines.length, 0),
      };
      if (seg.records === 0 || seg.acked === seg.records) {
        for (const p of [this.segPath(seq), this.ackPath(seq)]) if (existsSync(p)) unlinkSync(p);
      } else this.segments.push(seg);
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
    }
    this.m.bytes.set(this.totalBytes());
  }
}

/** Segment files in a spool directory (for tests and `cryptocrawler report`). */
export function spoolSegmentFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => SEG.test(f)) : [];
}
