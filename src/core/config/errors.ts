// A config problem, reported with the key, the value found and what was expected, so one run of
// `cryptocrawler config check` lists every mistake at once.

export interface ConfigIssue {
  /** Dotted path of the key, e.g. "sources.x.keywords[2]". */
  key: string;
  /** The value found there, rendered short; "(missing)" when absent. */
  found: string;
  /** What is expected there. */
  expected: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  readonly file: string;
  constructor(file: string, issues: ConfigIssue[]) {
    super(`${file}: ${issues.length} configuration error(s):\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
  }
}

export function formatIssue(i: ConfigIssue): string {
  return `  - ${i.key}: found ${i.found}; ${i.expected}`;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    // A blank key, or one with edge spaces or control characters, would be invisible in a message.
    else if (
      typeof part === 'string' &&
      // eslint-disable-next-line no-control-regex
      (part.trim() !== part || part === '' || /[\u0000-\u001f]/.test(part))
    )
      out += `[${JSON.stringify(part)}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

const RENDER_MAX_CHARS = 80;

/**
 * The value as JSON, cut at 80 characters. Written out by hand and stopped at the limit: YAML aliases
 * can build cyclic values and values of 10^8 elements from a few lines, which JSON.stringify would
 * reject or take minutes (and all memory) to print in full.
 */
export function renderValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  let s = '';
  const open: unknown[] = [];
  const put = (t: string): boolean => {
    s += t;
    return s.length <= RENDER_MAX_CHARS;
  };
  const walk = (x: unknown): boolean => {
    if (x === null || typeof x !== 'object') {
      let t: string | undefined;
      try {
        t = JSON.stringify(x);
      } catch {
        t = undefined; // a bigint
      }
      return put(t ?? String(x));
    }
    if (open.includes(x)) return put('(cycle)');
    open.push(x);
    const arr = Array.isArray(x);
    let ok = put(arr ? '[' : '{');
    const n = arr ? x.length : 0;
    const keys = arr ? [] : Object.keys(x);
    for (let i = 0; ok && i < (arr ? n : keys.length); i++) {
      if (i > 0) ok = put(',');
      if (ok && !arr) ok = put(`${JSON.stringify(keys[i])}:`);
      if (ok) ok = walk(arr ? (x as unknown[])[i] : (x as Record<string, unknown>)[keys[i]!]);
    }
    open.pop();
    return ok && put(arr ? ']' : '}');
  };
  walk(v);
  return s.length > RENDER_MAX_CHARS ? `${s.slice(0, RENDER_MAX_CHARS - 3)}...` : s;
}
