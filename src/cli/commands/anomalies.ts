// `cryptocrawler anomalies --csv FILE`: S-H-ESD on any CSV series, no database. One JSON line per
// anomaly on stdout; what was done with odd rows on stderr.
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseSeriesCsv, runAnomalies } from '../../../analytics/offline/index.ts';

export function parseNumberOption(name: string, min: number, max: number, integer = false) {
  return (text: string): number => {
    const v = Number(text);
    if (
      text.trim() === '' ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    ) {
      throw new InvalidArgumentError(
        `${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got "${text}"`,
      );
    }
    return v;
  };
}

/** Reads a CSV file and parses one series from it; errors name the file. */
export function readSeriesFile(file: string, timeColumn?: string, valueColumn?: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return parseSeriesCsv(text, {
      optionNames: { timeColumn: '--time-column', valueColumn: '--value-column' },
      ...(timeColumn !== undefined ? { timeColumn } : {}),
      ...(valueColumn !== undefined ? { valueColumn } : {}),
    });
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** One stderr line about what the parser did with the file's rows. */
export function describeReport(file: string, r: ReturnType<typeof parseSeriesCsv>['report']): string {
  const parts = [
    `${file}: ${r.rows} rows, ${r.points} points (time ${r.timeColumn}, value ${r.valueColumn}, ${r.timeFormat})`,
    `step ${r.stepMs === null ? '?' : `${r.stepMs / 1000}s`}`,
    `empty values ${r.emptyValues}`,
    `invalid rows ${r.invalidRowCount}`,
    `duplicates ${r.duplicates}`,
    `out of order ${r.outOfOrder}`,
    `missing steps ${r.missingSteps}`,
    `irregular steps ${r.irregularSteps}`,
  ];
  const lines = [parts.join(', ')];
  for (const p of r.invalidRows) lines.push(`  line ${p.line}: ${p.reason}`);
  return lines.join('\n');
}

export function registerAnomalies(program: Command): void {
  program
    .command('anomalies')
    .summary('S-H-ESD anomalies in a CSV series (no database)')
    .description(
      "find anomalies in a CSV time series with seasonal hybrid ESD (as Twitter's AnomalyDetection), no\n" +
        'database needed; prints one JSON line {timestamp, value, expected} per anomaly (timestamp as in the\n' +
        'file); a summary of the rows (missing, irregular, invalid) goes to stderr',
    )
    .requiredOption('--csv <file>', 'CSV file with a time column and a value column')
    .option('--time-column <name>', 'time column, by header name or 0-based index (default: detected)')
    .option('--value-column <name>', 'value column, by header name or 0-based index (default: first numeric)')
    .option(
      '--period <n>',
      'points per seasonal cycle (default: 1440 for minutes, 24 for hours, 7 for days)',
      parseNumberOption('--period', 2, 1e7, true),
    )
    .option(
      '--max-anoms <f>',
      'largest share of points that may be anomalies',
      parseNumberOption('--max-anoms', 1e-9, 0.49),
      0.1,
    )
    .option(
      '--alpha <f>',
      'significance level of the ESD test',
      parseNumberOption('--alpha', 1e-12, 0.999999),
      0.05,
    )
    .addOption(
      new Option('--direction <d>', 'which anomalies').choices(['pos', 'neg', 'both']).default('pos'),
    )
    .option('--longterm', 'detect per block of two weeks (for long series with a moving trend)')
    .addOption(
      new Option('--only-last <span>', 'report only anomalies in the last day or hour').choices([
        'day',
        'hr',
      ]),
    )
    .addOption(
      new Option('--threshold <t>', 'keep only anomalies at or above this level of the daily maxima').choices(
        ['med_max', 'p95', 'p99'],
      ),
    )
    .action(
      (opts: {
        csv: string;
        timeColumn?: string;
        valueColumn?: string;
        period?: number;
        maxAnoms: number;
        alpha: number;
        direction: 'pos' | 'neg' | 'both';
        longterm?: boolean;
        onlyLast?: 'day' | 'hr';
        threshold?: 'med_max' | 'p95' | 'p99';
      }) => {
        const series = readSeriesFile(opts.csv, opts.timeColumn, opts.valueColumn);
        process.stderr.write(`${describeReport(opts.csv, series.report)}\n`);
        let rows;
        try {
          rows = runAnomalies(series, {
            maxAnoms: opts.maxAnoms,
            alpha: opts.alpha,
            direction: opts.direction,
            ...(opts.period !== undefined ? { period: opts.period } : {}),
            ...(opts.longterm ? { longterm: true } : {}),
            ...(opts.onlyLast ? { onlyLast: opts.onlyLast } : {}),
            ...(opts.threshold ? { threshold: opts.threshold } : {}),
          });
        } catch (err) {
          throw new Error(`${opts.csv}: ${err instanceof Error ? err.message : String(err)}`);
        }
        for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
        process.stderr.write(`${rows.length} anomalies\n`);
      },
    );
}
