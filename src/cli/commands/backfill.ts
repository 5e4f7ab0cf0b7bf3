// `cryptocrawler backfill`: price history from CryptoCompare into InfluxDB, finest resolution first
// (see collectors/prices/backfill/README.md). Idempotent: running it twice leaves the same points.
import { join } from 'node:path';
import type { Command } from 'commander';
import { CallBudget } from '../../../collectors/prices/cryptocompare/budget.ts';
import { CryptoCompareClient } from '../../../collectors/prices/cryptocompare/client.ts';
import { cryptoCompareConfigSchema } from '../../../collectors/prices/cryptocompare/config.ts';
import { API_KEY_ENV, BUDGET_FILE } from '../../../collectors/prices/cryptocompare/source.ts';
import { parseTimeArg } from '../../../collectors/prices/backfill/plan.ts';
import { createProgressReporter } from '../../../collectors/prices/backfill/progress.ts';
import { runBackfill } from '../../../collectors/prices/backfill/run.ts';
import { createLogger } from '../../core/log.ts';
import { createServiceRegistry } from '../../core/metrics/registry.ts';
import { readSecret, requireSecret } from '../../core/secrets.ts';
import { InfluxWriter } from '../../core/write/writer.ts';
import { loadConfig } from '../context.ts';

const SYMBOL = /^[A-Z0-9]{2,10}$/;

function symbols(flag: string, text: string | undefined, fallback: string[]): string[] {
  if (text === undefined) return fallback;
  const list = text
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = list.filter((s) => !SYMBOL.test(s));
  if (list.length === 0 || bad.length > 0)
    throw new Error(`${flag}: expected symbols such as BTC,ETH; got "${text}"`);
  return list;
}

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .summary('price history from CryptoCompare into InfluxDB (idempotent)')
    .description(
      'write price history from CryptoCompare (histominute for the last ~7 days, histohour, then histoday)\n' +
        'as `price` points with OHLC and volumes; idempotent. Needs INFLUX_TOKEN; CRYPTOCOMPARE_API_KEY optional.',
    )
    .requiredOption(
      '--from <time>',
      'start: ISO 8601 (2025-01-01T00:00:00Z) or relative to now (7d, 12h, 90m)',
    )
    .option('--to <time>', 'end: ISO 8601, relative, or "now"', 'now')
    .option('--coins <list>', 'comma-separated coin symbols (default: coins from the config)')
    .option('--quotes <list>', 'comma-separated quote currencies (default: quotes from the config)')
    .option('--url <url>', 'InfluxDB URL (default: influx.url from the config)')
    .action(
      async (
        opts: { from: string; to: string; coins?: string; quotes?: string; url?: string },
        cmd: Command,
      ) => {
        const cfg = loadConfig(cmd);
        const cc = cryptoCompareConfigSchema.parse(cfg.sources.cryptocompare ?? {});
        const now = Date.now();
        const fromMs = parseTimeArg(opts.from, now);
        const toMs = parseTimeArg(opts.to, now);
        if (fromMs === undefined)
          throw new Error(`--from: expected ISO 8601 or a duration like 7d; got "${opts.from}"`);
        if (toMs === undefined)
          throw new Error(`--to: expected ISO 8601, a duration like 1d, or "now"; got "${opts.to}"`);
        if (fromMs >= toMs)
          throw new Error(
            `--from (${new Date(fromMs).toISOString()}) must be before --to (${new Date(toMs).toISOString()})`,
          );
        const coins = symbols('--coins', opts.coins, cc.coins ?? cfg.coins);
        const quotes = symbols('--quotes', opts.quotes, cc.quotes ?? cfg.quotes);
        const token = requireSecret('INFLUX_TOKEN', 'backfill');
        const apiKey = readSecret(API_KEY_ENV);
        const log = createLogger(cfg.log.level);
        const metrics = createServiceRegistry('backfill', { defaultMetrics: false });
        const budget = new CallBudget({
          file: join(cfg.influx.spool.dir, '..', 'state', BUDGET_FILE),
          monthlyCallLimit: cc.monthlyCallLimit,
          onWarn: (used, limit) =>
            log.warn({ used, limit }, 'CryptoCompare monthly call budget is 80 % used'),
        });
        const client = new CryptoCompareClient({
          baseUrl: cc.baseUrl,
          requestTimeoutMs: cc.requestTimeoutMs,
          ...(apiKey ? { apiKey } : {}),
          onCall: () => budget.record(),
        });
        const writer = new InfluxWriter({
          url: opts.url ?? cfg.influx.url,
          token,
          org: cfg.influx.org,
          buckets: { main: cfg.influx.buckets.main.name, raw: cfg.influx.buckets.raw.name },
          ...cfg.influx.write,
          metrics,
          log,
        });
        const abort = new AbortController();
        const onSignal = () => abort.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const progress = createProgressReporter(process.stderr);
        try {
          const r = await runBackfill({
            client,
            writer,
            pairs: coins.flatMap((symbol) => quotes.map((quote) => ({ symbol, quote }))),
            fromMs,
            toMs,
            nowMs: now,
            minuteHistoryDays: cc.minuteHistoryDays,
            hourHistoryDays: cc.hourHistoryDays,
            maxPrice: cc.maxPrice,
            metrics,
            budgetExhausted: () => budget.exhausted(),
            onProgress: (p) => progress.update(p),
            signal: abort.signal,
          });
          progress.done();
          await writer.close(30_000);
          const lost = await metricValue(metrics, 'cryptocrawler_points_dropped_total');
          process.stdout.write(
            `${JSON.stringify({ pages: r.pages, points: r.points, rejected: r.rejected, dropped: lost, failures: r.failures })}\n`,
          );
          if (r.failures.length > 0 || lost > 0 || abort.signal.aborted) process.exitCode = 1;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await client.close();
        }
      },
    );
}

async function metricValue(metrics: ReturnType<typeof createServiceRegistry>, name: string): Promise<number> {
  const m = metrics.registry.getSingleMetric(name);
  if (!m) return 0;
  const v = await m.get();
  return v.values.reduce((s, x) => s + x.value, 0);
}
