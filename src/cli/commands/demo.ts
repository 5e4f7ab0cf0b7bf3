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
      'Start a real local InfluxDB and Prometheus (built once, cached), set InfluxDB up, run the collector on\n' +
        'the seeded simulate source and on a local news wire (RSS), and the analytics service, then print a\n' +
        'report: posts and sentiment per topic, price change, correlation per window, lag, and the anomalies\n' +
        'found against those planted; and draw the dashboards into one HTML page. No API key, no Docker.\n' +
        'Ctrl-C stops early and still prints the report.',
    )
    .option('--duration <seconds>', 'how long to run before the report', (v) => Number(v), 60)
    .option(
      '--dashboards-out <dir>',
      'where the rendered dashboards page goes (default: <tmp>/cryptocrawler-demo-dashboards)',
    )
    .action(async (opts: { duration: number; dashboardsOut?: string }, cmd: Command) => {
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
        ...(opts.dashboardsOut ? { dashboardsDir: opts.dashboardsOut } : {}),
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
