// The project's one reader of whole CSV texts (offline series, labelled sentiment data, NAB series):
// RFC 4180 quoted fields, doubled quotes inside them, separators and line breaks inside quotes, CRLF or
// LF. The separator is guessed from the first line (comma, semicolon or tab). The replay source reads
// records one by one from a stream instead (collectors/social/replay/split.ts).
//
//   "","timestamp","count"
//   "1",1980-09-25 14:01:00,182.478

export interface CsvRecord {
  /** 1-based line where the record starts, for error messages. */
  line: number;
  cells: string[];
}

const SEPARATORS = [',', ';', '\t'] as const;

/** The separator that occurs most often, outside quotes, on the first line. */
export function detectSeparator(text: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const separator of SEPARATORS) {
    let count = 0;
    let quoted = false;
    for (const char of text) {
      if (char === '"') quoted = !quoted;
      else if (!quoted && (char === '\n' || char === '\r')) break;
      else if (!quoted && char === separator) count++;
    }
    if (count > bestCount) {
      best = separator;
      bestCount = count;
    }
  }
  return best;
}

/** Splits CSV text into records; blank lines are skipped. */
export function parseCsv(text: string, separator = detectSeparator(text)): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let cellStarted = false;

  const endRecord = (): void => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '' || cellStarted) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    cellStarted = false;
  };

  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (char === '\n') line++;
        cell += char;
      }
      continue;
    }
    if (char === '"') {
      quoted = true;
      cellStarted = true;
    } else if (char === separator) {
      cells.push(cell);
      cell = '';
      cellStarted = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += char;
    }
  }
  if (quoted) throw new SyntaxError(`unterminated quoted field starting on line ${recordLine}`);
  if (cell !== '' || cells.length > 0 || cellStarted) endRecord();
  return records;
}
