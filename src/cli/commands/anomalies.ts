// `cryptocrawler anomalies --csv FILE`: S-H-ESD (batch) or the streaming detector on any CSV series,
// no database. One JSON line per anomaly on stdout; what was done with odd rows on stderr.
// `cryptocrawler anomalies benchmark`: the streaming detector scored on a NAB-format corpus.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  ablationTable,
  benchmarkTable,
  loadNabCorpus,
  readPublishedScores,
  runBenchmark,
  sweepTable,
  sweepThresholds,
} from '../../../analytics/nab/index.ts';
import { parseSeriesCsv, runAnomalies, runStreamingAnomalies } from '../../../analytics/offline/index.ts';
import { DEFAULT_STREAMING_OPTIONS, createStreamingDetector } from '../../../analytics/streaming/index.ts';

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
  const command = program
    .command('anomalies')
    .summary('anomalies in a CSV series: S-H-ESD or the streaming detector (no database)')
    .description(
      'find anomalies in a CSV time series, no database needed. --method shesd (default): seasonal hybrid\n' +
        "ESD as Twitter's AnomalyDetection, one JSON line {timestamp, value, expected} per anomaly.\n" +
        '--method streaming: the streaming detector, fed one row at a time (past only), one JSON line\n' +
        '{timestamp, value, expected, score, kind} per flag. Timestamps as in the file; a summary of the\n' +
        'rows (missing, irregular, invalid) goes to stderr. `anomalies benchmark` scores the streaming\n' +
        'detector on a NAB-format corpus',
    )
    .option('--csv <file>', 'CSV file with a time column and a value column (required)')
    .addOption(
      new Option('--method <m>', 'shesd: batch seasonal hybrid ESD; streaming: online detector')
        .choices(['shesd', 'streaming'])
        .default('shesd'),
    )
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
        csv?: string;
        method: 'shesd' | 'streaming';
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
        if (opts.csv === undefined) {
          throw new InvalidArgumentError("required option '--csv <file>' not specified");
        }
        const series = readSeriesFile(opts.csv, opts.timeColumn, opts.valueColumn);
        process.stderr.write(`${describeReport(opts.csv, series.report)}\n`);
        if (opts.method === 'streaming') {
          const flags = runStreamingAnomalies(series);
          for (const row of flags) process.stdout.write(`${JSON.stringify(row)}\n`);
          process.stderr.write(`${flags.length} flags\n`);
          return;
        }
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
  registerBenchmark(command);
}

function registerBenchmark(parent: Command): void {
  parent
    .command('benchmark')
    .summary('score the streaming detector on a NAB-format corpus')
    .description(
      'run the streaming detector (its one fixed configuration) over every <category>/<name>.csv\n' +
        '(timestamp,value) under --data, score its flags against the labelled windows with the NAB\n' +
        'standard profile and print the normalised score per category and overall, beside the published\n' +
        'detectors when a published-scores.csv is given or lies beside the windows file',
    )
    .requiredOption('--data <dir>', 'folder of <category>/<name>.csv series')
    .requiredOption(
      '--windows <file>',
      'labelled windows: {"<category>/<name>.csv": [["start", "end"], ...]}',
    )
    .option('--published <file>', 'published per-file scores (detector,file,...,score,...)')
    .option(
      '--sweep <thresholds>',
      'also score these comma-separated thresholds, with leave-one-category-out',
      (text: string) => text.split(',').map((t) => parseNumberOption('--sweep', 0, 1)(t.trim())),
    )
    .option(
      '--ablation',
      'also score the configuration with each part switched (off, or on if off by default)',
    )
    .action(
      (opts: { data: string; windows: string; published?: string; sweep?: number[]; ablation?: boolean }) => {
        const started = performance.now();
        const corpus = loadNabCorpus(opts.data, opts.windows);
        const result = runBenchmark(corpus, () => createStreamingDetector());
        const besideWindows = join(dirname(opts.windows), 'published-scores.csv');
        const publishedFile = opts.published ?? (existsSync(besideWindows) ? besideWindows : undefined);
        const published = publishedFile ? readPublishedScores(publishedFile) : new Map();
        const name = `streaming (threshold ${DEFAULT_STREAMING_OPTIONS.threshold})`;
        process.stdout.write(`${benchmarkTable(corpus, { name, result }, published)}\n`);
        if (opts.sweep) {
          const sweep = sweepThresholds(corpus, opts.sweep, (threshold) =>
            createStreamingDetector({ threshold }),
          );
          process.stdout.write(`\n${sweepTable(sweep)}\n`);
        }
        if (opts.ablation) {
          const rows = Object.entries(DEFAULT_STREAMING_OPTIONS.parts).map(([part, on]) => ({
            part,
            on: !on,
            result: runBenchmark(corpus, () =>
              createStreamingDetector({ parts: { ...DEFAULT_STREAMING_OPTIONS.parts, [part]: !on } }),
            ),
          }));
          process.stdout.write(`\n${ablationTable(result.overall, rows)}\n`);
        }
        const points = corpus.reduce((n, f) => n + f.values.length, 0);
        process.stderr.write(
          `${corpus.length} files, ${points} points in ${((performance.now() - started) / 1000).toFixed(1)} s` +
            `${publishedFile ? `; published scores from ${publishedFile}` : ''}\n`,
        );
      },
    );
}
