// `cryptocrawler correlate --csv A --csv B`: correlation, cross-correlation, best lag and Granger
// between two CSV series (or two value columns of one CSV), no database. Prints one JSON document.
import type { Command } from 'commander';
import { runCorrelate } from '../../../analytics/offline/index.ts';
import { describeReport, parseNumberOption, readSeriesFile } from './anomalies.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerCorrelate(program: Command): void {
  program
    .command('correlate')
    .summary('correlation, lag and Granger between two CSV series (no database)')
    .description(
      'correlate two CSV time series, no database needed: Pearson and Spearman with 95% CI and p-value,\n' +
        'the cross-correlation curve r(k) = corr(A[t], B[t+k]) (k > 0: A leads B), the best lag and its\n' +
        'significance, and Granger tests both ways. Give two files (--csv A --csv B), or one file and two\n' +
        'value columns (--columns a,b). Pass the social series as A and the price series as B.',
    )
    .requiredOption('--csv <file>', 'a CSV file; give it twice for two files', collect, [])
    .option('--columns <a,b>', 'value columns (names or 0-based indices): two for one file, or one per file')
    .option('--time-column <name>', 'time column (default: detected)')
    .option('--max-lag <n>', 'largest lag in steps', parseNumberOption('--max-lag', 0, 100_000, true), 60)
    .option(
      '--min-points <n>',
      'fewest pairs per estimate',
      parseNumberOption('--min-points', 4, 1e9, true),
      10,
    )
    .option(
      '--granger-lag <n>',
      'Granger lag order in steps',
      parseNumberOption('--granger-lag', 1, 1000, true),
      5,
    )
    .action(
      (opts: {
        csv: string[];
        columns?: string;
        timeColumn?: string;
        maxLag: number;
        minPoints: number;
        grangerLag: number;
      }) => {
        const columns = opts.columns?.split(',').map((c) => c.trim()) ?? [];
        let files: [string, string];
        if (opts.csv.length === 2) files = [opts.csv[0] as string, opts.csv[1] as string];
        else if (opts.csv.length === 1 && columns.length === 2)
          files = [opts.csv[0] as string, opts.csv[0] as string];
        else
          throw new Error(
            `correlate needs two series: --csv A --csv B, or one --csv and --columns a,b (got ${opts.csv.length} file(s), ${columns.length} column(s))`,
          );
        const a = readSeriesFile(files[0], opts.timeColumn, columns[0]);
        const b = readSeriesFile(files[1], opts.timeColumn, columns[1]);
        process.stderr.write(
          `A = ${describeReport(files[0], a.report)}\nB = ${describeReport(files[1], b.report)}\n`,
        );
        let out;
        try {
          out = runCorrelate(a, b, {
            maxLag: opts.maxLag,
            minPoints: opts.minPoints,
            grangerLag: opts.grangerLag,
          });
        } catch (err) {
          throw new Error(`${files.join(' and ')}: ${err instanceof Error ? err.message : String(err)}`);
        }
        process.stdout.write(
          `${JSON.stringify({ a: { file: files[0], column: a.report.valueColumn }, b: { file: files[1], column: b.report.valueColumn }, ...out }, null, 2)}\n`,
        );
      },
    );
}
