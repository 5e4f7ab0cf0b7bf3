// Splits a byte stream into records without holding more than one record in memory: NDJSON records end
// at a newline; CSV records end at a newline outside double quotes (RFC 4180 fields may hold newlines).
// A record longer than `maxBytes` is skipped as it streams by and reported as oversize, so one huge
// line costs no more memory than the limit. Works on bytes: a UTF-8 multi-byte sequence never contains
// a quote or newline byte, and decoding (with its own error) happens per record afterwards.

const NL = 0x0a;
const QUOTE = 0x22;

export type SplitEvent = { kind: 'record'; bytes: Buffer } | { kind: 'oversize'; bytes: number };

export class RecordSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private inQuotes = false;
  private oversize = false;

  constructor(private readonly o: { csv: boolean; maxBytes: number }) {}

  /** Feeds a chunk; `emit` gets every record completed by it. */
  push(chunk: Buffer, emit: (e: SplitEvent) => void): void {
    let start = 0;
    while (start <= chunk.length) {
      const end = this.o.csv ? this.csvEnd(chunk, start) : chunk.indexOf(NL, start);
      if (end < 0) {
        this.append(chunk.subarray(start));
        return;
      }
      this.append(chunk.subarray(start, end));
      this.finish(emit);
      start = end + 1;
    }
  }

  /** Flushes the last record when the input does not end with a newline. */
  end(emit: (e: SplitEvent) => void): void {
    if (this.size > 0 || this.oversize) this.finish(emit);
  }

  /** Index of the next newline outside quotes at or after `from`, or -1; tracks quote state. */
  private csvEnd(chunk: Buffer, from: number): number {
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === QUOTE) this.inQuotes = !this.inQuotes;
      else if (b === NL && !this.inQuotes) return i;
    }
    return -1;
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    this.size += part.length;
    if (this.oversize) return;
    if (this.size > this.o.maxBytes) {
      this.oversize = true;
      this.parts = [];
      return;
    }
    // A copy: the stream may reuse its chunk buffers.
    this.parts.push(Buffer.from(part));
  }

  private finish(emit: (e: SplitEvent) => void): void {
    if (this.oversize) emit({ kind: 'oversize', bytes: this.size });
    else if (this.size > 0)
      emit({ kind: 'record', bytes: this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts) });
    this.parts = [];
    this.size = 0;
    this.oversize = false;
    this.inQuotes = false;
  }
}
