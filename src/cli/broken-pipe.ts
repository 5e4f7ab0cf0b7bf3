// `cryptocrawler sentiment big.jsonl | head -3`: when the reader goes away, the next write to stdout
// fails with EPIPE. That is the reader's choice, not an error: every command that streams its output
// stops quietly with status 0 instead of printing a stack trace. Installed once in main.ts, so each
// command gets it without doing anything.

export function exitQuietlyOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
