// The one way a service saves its small state files (rollups, trends, streaming detectors, cursors,
// seen ids, call budgets): written beside the target and renamed over it, so a reader or a restart
// after a crash finds either the old file or the new one, never half of one.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `text` to `file` atomically, creating its directory. Throws what the file system throws. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
