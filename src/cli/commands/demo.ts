import type { Command } from 'commander';
import { createLogger } from '../../core/log.ts';
import { runDemo } from '../../demo/demo.ts';
import { loadConfig } from '../context.ts';
import { untilSignal } from '../signals.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .summary('run the whole pipeline locally on simulated data and print a report')
    .description(
      'Start a real local InfluxDB (built once, cached), set it up, run the collector on the seeded simulate\n' +
        'source and the analytics service (and Prometheus when installed), then print a report: posts and\n' +
        'sentiment per topic, price change, correlation per window, lag, and the anomalies found against\n' +
        'those planted. No API key, no Docker. Ctrl-C stops early and still prints the report.',
    )
    .option('--duration <seconds>', 'how long to run before the report', (v) => Number(v), 60)
    .action(async (opts: { duration: number }, cmd: Command) => {
      if (!Number.isFinite(opts.duration) || opts.duration < 0)
        throw new Error('--duration: expected seconds >= 0');
      const config = loadConfig(cmd);
      const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
      const result = await runDemo({
        config,
        durationSeconds: opts.duration,
        log,
        say: (l) => process.stderr.write(`${l}\n`),
        interrupted: untilSignal(),
      });
      process.stdout.write(`\n${result.report}`);
      const d = result.dashboards;
      process.stdout.write(
        `\nDashboards (${d.panels} panels, ${d.empty.length} without data), open in a browser:\n  ${d.page}\n`,
      );
      // Say which, so an empty panel reads as "the demo wrote nothing for it", not as a broken query.
      for (const name of d.empty) process.stdout.write(`  no data: ${name}\n`);
      process.exit(0);
    });
}
