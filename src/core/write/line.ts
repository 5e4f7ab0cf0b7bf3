// Line protocol encoding, hand-rolled because it sits on the hot path of every post (the client's
// Point class allocates per field; this does one string build). Escaping follows the InfluxDB 2.x
// line protocol reference: measurement (comma, space), tag keys/values and field keys (comma, equals,
// space), string field values (double quote, backslash). Newlines are not allowed anywhere in a line,
// so they are replaced in tags and escaped in string fields.

export type FieldValue = number | bigint | string | boolean;
/** A field that must be written as an integer (suffix `i`) rather than a float. */
export interface IntField {
  int: number | bigint;
}

export interface PointData {
  measurement: string;
  tags: Record<string, string | undefined>;
  fields: Record<string, FieldValue | IntField | undefined>;
  /** Nanoseconds since the epoch as a decimal string or bigint. */
  timeNs: string | bigint;
}

const MEASUREMENT_ESC = /[, \n\r]/g;
const TAG_ESC = /[,= \n\r\\]/g;
const STRING_ESC = /["\\\n\r]/g;

function escMeasurement(s: string): string {
  return s.replace(MEASUREMENT_ESC, (c) => (c === '\n' || c === '\r' ? ' ' : `\\${c}`));
}
export function escTag(s: string): string {
  // A trailing backslash would escape the separator after it; tags here are short bounded names,
  // so any backslash is dropped rather than escaped.
  return s.replace(TAG_ESC, (c) => (c === '\n' || c === '\r' ? ' ' : c === '\\' ? '' : `\\${c}`));
}
export function escString(s: string): string {
  return s.replace(STRING_ESC, (c) => (c === '\n' ? '\\n' : c === '\r' ? '' : `\\${c}`));
}

/** Thrown for a point that cannot be encoded (no fields, non-finite number): the caller counts it. */
export class InvalidPointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPointError';
  }
}

export function toLine(p: PointData): string {
  let line = escMeasurement(p.measurement);
  const tagKeys = Object.keys(p.tags).sort();
  for (const k of tagKeys) {
    const v = p.tags[k];
    if (v === undefined || v === '') continue;
    line += `,${escTag(k)}=${escTag(v)}`;
  }
  let sep = ' ';
  let nFields = 0;
  for (const k of Object.keys(p.fields)) {
    const v = p.fields[k];
    if (v === undefined) continue;
    let enc: string;
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        throw new InvalidPointError(`field ${k} of ${p.measurement} is not finite (${v})`);
      enc = String(v);
    } else if (typeof v === 'bigint') enc = `${v}i`;
    else if (typeof v === 'string') enc = `"${escString(v)}"`;
    else if (typeof v === 'boolean') enc = v ? 'true' : 'false';
    else {
      const iv = v.int;
      if (typeof iv === 'number' && !Number.isInteger(iv))
        throw new InvalidPointError(`field ${k} of ${p.measurement} is not an integer (${iv})`);
      enc = `${iv}i`;
    }
    line += `${sep}${escTag(k)}=${enc}`;
    sep = ',';
    nFields++;
  }
  if (nFields === 0) throw new InvalidPointError(`point ${p.measurement} has no fields`);
  return `${line} ${p.timeNs}`;
}

/** Milliseconds (possibly fractional) since the epoch -> nanosecond string, exact to the microsecond. */
export function msToNs(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

/** Seconds since the epoch -> nanosecond string. */
export function secondsToNs(s: number): string {
  return (BigInt(Math.round(s * 1_000_000)) * 1000n).toString();
}
