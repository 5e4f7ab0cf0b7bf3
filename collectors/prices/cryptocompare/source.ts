// The CryptoCompare price poller: one `pricemulti` call per tick for every configured coin and quote,
// on a node-cron schedule. Ticks never overlap (a tick while the last still runs is skipped and
// counted), failures back off exponentially (a rate limit waits for the window its counters name),
// and the monthly call budget stops polling at 100 %.
//
// Start-up: the coin list is fetched once to validate the configured symbols; an unknown symbol fails
// start() with its name. If the coin list cannot be fetched (network, rate limit), start() does not
// fail: it logs a warning and polling begins, and the validation is retried before each tick until it
// succeeds (an unknown symbol found then stops the source with the same error). The reason: a brief
// outage of CryptoCompare at start must not keep the collector down, and prices are harmless.
import { join } from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import cron, { type ScheduledTask } from 'node-cron';
import { readSecret } from '../../../src/core/secrets.ts';
import { backoffMs } from '../../../src/core/backoff.ts';
import { InvalidPointError, secondsToNs } from '../../../src/core/write/line.ts';
import type { Source, SourceContext, SourceState } from '../../source.ts';
import { fillGaps, findPriceGaps } from '../backfill/gaps.ts';
import { priceLine } from '../price.ts';
import { CallBudget } from './budget.ts';
import { CryptoCompareClient } from './client.ts';
import type { CryptoCompareConfig } from './config.ts';
import { parseCoinList, parsePriceMulti, type CcFailure } from './parse.ts';

export const SOURCE_NAME = 'cryptocompare';
export const API_KEY_ENV = 'CRYPTOCOMPARE_API_KEY';
export const READ_TOKEN_ENV = 'INFLUX_READ_TOKEN';
export const BUDGET_FILE = 'cryptocompare-budget.json';

export class UnknownCoinError extends Error {
  constructor(readonly symbols: string[]) {
    super(
      `[source=${SOURCE_NAME}] unknown coin symbol(s) ${symbols.map((s) => `"${s}"`).join(', ')}: not in CryptoCompare's coin list (check coins in config.yaml)`,
    );
    this.name = 'UnknownCoinError';
  }
}

export interface CryptoCompareSourceOptions {
  /** For tests: environment for the API key and read token. */
  env?: NodeJS.ProcessEnv;
}

export class CryptoCompareSource implements Source {
  private st: SourceState = 'stopped';
  private task: ScheduledTask | undefined;
  private running: Promise<void> | undefined;
  private gapFill: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly client: CryptoCompareClient;
  private readonly budget: CallBudget;
  private readonly coins: string[];
  private readonly quotes: string[];
  private coinsValidated = false;
  private failures = 0;
  private notBefore = 0;
  private budgetStopLogged = false;
  private readonly log;
  private readonly m;

  constructor(
    private readonly ctx: SourceContext,
    private readonly cfg: CryptoCompareConfig,
    private readonly opts: CryptoCompareSourceOptions = {},
  ) {
    this.log = ctx.log.child({ source: SOURCE_NAME });
    this.coins = cfg.coins ?? ctx.config.coins;
    this.quotes = cfg.quotes ?? ctx.config.quotes;
    const r = ctx.metrics;
    this.m = {
      points: r.counter('price_points_total', 'Price points written, by source.', ['source']),
      rejected: r.counter('price_rejected_total', 'Prices refused, by source and reason.', [
        'source',
        'reason',
      ]),
      errors: r.counter('cryptocompare_errors_total', 'Failed CryptoCompare calls, by type.', ['type']),
      skipped: r.counter('polls_skipped_total', 'Scheduled polls not run, by source and reason.', [
        'source',
        'reason',
      ]),
      duration: r.histogram('poll_duration_seconds', 'Duration of one poll, by source.', ['source']),
      callsUsed: r.gauge('cryptocompare_calls_used', 'CryptoCompare calls made this calendar month (UTC).'),
      callsLimit: r.gauge('cryptocompare_calls_limit', 'The configured monthly CryptoCompare call limit.'),
      lastEvent: r.gauge(
        'last_event_timestamp_seconds',
        'Unix time a source last produced data, by source.',
        ['source'],
      ),
    };
    this.budget = new CallBudget({
      file: join(ctx.stateDir, BUDGET_FILE),
      monthlyCallLimit: cfg.monthlyCallLimit,
      now: ctx.now,
      onWarn: (used, limit) =>
        this.log.warn(
          { used, limit },
          'CryptoCompare monthly call budget is 80 % used; polling stops at 100 %',
        ),
    });
    const apiKey = readSecret(API_KEY_ENV, opts.env);
    this.client = new CryptoCompareClient({
      baseUrl: cfg.baseUrl,
      requestTimeoutMs: cfg.requestTimeoutMs,
      ...(apiKey ? { apiKey } : {}),
      onCall: () => {
        this.budget.record();
        this.m.callsUsed.set(this.budget.used());
      },
      now: ctx.now,
    });
  }

  state(): SourceState {
    return this.st;
  }

  async start(): Promise<void> {
    this.st = 'starting';
    this.m.callsLimit.set(this.cfg.monthlyCallLimit);
    this.m.callsUsed.set(this.budget.used());
    await this.validateCoins(true);
    this.task = cron.schedule(this.cfg.schedule, () => this.tick(), {
      name: SOURCE_NAME,
      // Overlap is handled (and counted) in tick(); node-cron's own warnings would only be noise.
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
        debug: () => undefined,
      },
    });
    this.st = 'running';
    if (this.cfg.backfillOnStart) this.gapFill = this.fillGapsOnStart();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.task?.destroy();
    this.task = undefined;
    await this.running;
    await this.gapFill;
    await this.client.close();
    this.st = 'stopped';
  }

  /** Resolves when the start-up gap filling has finished (at once when there is none). */
  async gapFillDone(): Promise<void> {
    await this.gapFill;
  }

  /** One scheduled tick: runs a poll unless one is running, backing off, or the budget is used up. */
  tick(): void {
    if (this.st !== 'running') return;
    if (this.running) {
      this.m.skipped.inc({ source: SOURCE_NAME, reason: 'overlap' });
      return;
    }
    if (this.ctx.now() < this.notBefore) {
      this.m.skipped.inc({ source: SOURCE_NAME, reason: 'backoff' });
      return;
    }
    if (this.budget.exhausted()) {
      this.m.skipped.inc({ source: SOURCE_NAME, reason: 'budget' });
      if (!this.budgetStopLogged) {
        this.budgetStopLogged = true;
        this.log.error(
          { used: this.budget.used(), limit: this.cfg.monthlyCallLimit },
          'CryptoCompare monthly call budget used up: polling stops until next month (raise monthlyCallLimit if your plan allows)',
        );
      }
      return;
    }
    this.budgetStopLogged = false;
    this.running = this.poll().finally(() => (this.running = undefined));
  }

  /** One poll; never throws. Resolves when its points are handed to the writer. */
  async poll(): Promise<void> {
    const end = this.m.duration.startTimer({ source: SOURCE_NAME });
    try {
      if (!this.coinsValidated) {
        await this.validateCoins(false);
        if (this.st !== 'running') return;
      }
      const ans = await this.client.get('/data/pricemulti', {
        fsyms: this.coins.join(','),
        tsyms: this.quotes.join(','),
      });
      if (!ans.ok) return this.failed(ans);
      const pollS = Math.round(this.ctx.now() / 1000);
      const { prices, rejected } = parsePriceMulti(ans.body, this.coins, this.quotes, this.cfg.maxPrice);
      for (const r of rejected) this.m.rejected.inc({ source: SOURCE_NAME, reason: r.reason });
      const lines: string[] = [];
      for (const p of prices) {
        try {
          lines.push(
            priceLine({ ...p, source: SOURCE_NAME, fields: { price: p.price }, timeNs: secondsToNs(pollS) }),
          );
        } catch (err) {
          if (!(err instanceof InvalidPointError)) throw err;
          this.m.rejected.inc({ source: SOURCE_NAME, reason: 'invalid_point' });
        }
      }
      if (lines.length > 0) {
        this.ctx.writer.write('main', lines);
        this.m.points.inc({ source: SOURCE_NAME }, lines.length);
        this.m.lastEvent.set({ source: SOURCE_NAME }, this.ctx.now() / 1000);
      }
      this.failures = 0;
      this.notBefore = 0;
    } catch (err) {
      // A bug, not bad input: keep polling but make it visible.
      this.log.error({ error: String(err) }, 'price poll failed unexpectedly');
    } finally {
      end();
    }
  }

  private failed(f: CcFailure): void {
    this.m.errors.inc({ type: f.type });
    this.failures++;
    const wait =
      f.type === 'rate_limit' && f.waitMs !== undefined
        ? Math.min(f.waitMs, this.cfg.maxBackoffMs)
        : backoffMs(this.failures, 1000, this.cfg.maxBackoffMs);
    this.notBefore = this.ctx.now() + wait;
    if (this.failures === 1 || f.type === 'error')
      this.log.warn(
        { type: f.type, error: f.message, retryInMs: wait },
        'CryptoCompare call failed; backing off',
      );
  }

  private async validateCoins(atStart: boolean): Promise<void> {
    if (this.budget.exhausted()) return;
    const ans = await this.client.get('/data/all/coinlist', { summary: 'true' });
    const known = ans.ok ? parseCoinList(ans.body) : undefined;
    if (!known) {
      if (!ans.ok) this.m.errors.inc({ type: ans.type });
      else this.m.errors.inc({ type: 'parse' });
      if (atStart)
        this.log.warn(
          { error: ans.ok ? 'coin list without Data' : ans.message },
          'cannot fetch the CryptoCompare coin list; polling anyway and validating the coins later',
        );
      return;
    }
    this.coinsValidated = true;
    const unknown = this.coins.filter((c) => !known.has(c));
    if (unknown.length === 0) return;
    const err = new UnknownCoinError(unknown);
    if (atStart) throw err;
    this.log.error({ error: err.message }, 'stopping the CryptoCompare source');
    this.st = 'failed';
    await this.task?.destroy();
  }

  private async fillGapsOnStart(): Promise<void> {
    const token = readSecret(READ_TOKEN_ENV, this.opts.env);
    if (!token) {
      this.log.info(
        `gap filling skipped: set ${READ_TOKEN_ENV} (a token that can read the main bucket) to backfill gaps on start`,
      );
      return;
    }
    try {
      const influx = this.ctx.config.influx;
      const queryApi = new InfluxDB({ url: influx.url, token, timeout: 30_000 }).getQueryApi(influx.org);
      const now = this.ctx.now();
      const since = now - this.cfg.backfillMaxDays * 86_400_000;
      let points = 0;
      for (const symbol of this.coins) {
        for (const quote of this.quotes) {
          if (this.abort.signal.aborted) return;
          const gaps = await findPriceGaps(
            queryApi,
            influx.buckets.main.name,
            symbol,
            quote,
            since,
            this.cfg.gapMinSeconds / 2,
            {
              now,
            },
          );
          const r = await fillGaps({ symbol, quote }, gaps, {
            client: this.client,
            writer: this.ctx.writer,
            nowMs: now,
            minuteHistoryDays: this.cfg.minuteHistoryDays,
            hourHistoryDays: this.cfg.hourHistoryDays,
            maxPrice: this.cfg.maxPrice,
            metrics: this.ctx.metrics,
            budgetExhausted: () => this.budget.exhausted(),
            signal: this.abort.signal,
          });
          points += r.points;
          if (r.failures.length > 0) this.log.warn({ failures: r.failures }, 'gap filling incomplete');
        }
      }
      if (points > 0) this.log.info({ points }, 'price gaps filled from CryptoCompare history');
    } catch (err) {
      this.log.warn(
        { error: String(err) },
        'gap detection failed (is INFLUX_READ_TOKEN allowed to read the main bucket?)',
      );
    }
  }
}
