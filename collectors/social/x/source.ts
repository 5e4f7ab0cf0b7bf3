// The X filtered stream source: rules synced on start, then one long-lived GET of the stream,
// reconnected by X's published policy (reconnect.ts). The stream is read with undici rather than the
// library's TweetStream: that one decodes each TCP chunk on its own (splitting multi-byte characters),
// buffers lines without bound and reconnects on its own schedule; the rules go through twitter-api-v2.
import { request } from 'undici';
import type { Source, SourceContext, SourceState } from '../../source.ts';
import { readSecret } from '../../../src/core/secrets.ts';
import { X_BEARER_TOKEN_ENV, type XConfig } from './config.ts';
import { LineSplitter, parseStreamLine } from './parse.ts';
import { XReconnectPolicy, type FailureKind, type XReconnectTiming } from './reconnect.ts';
import { classifyRulesError, createRulesClient, type RulesClient } from './rules-client.ts';
import { buildRules, diffRules, type StreamRule } from './rules.ts';
import { streamMetrics, type StreamMetrics } from '../stream-metrics.ts';

export const X_SOURCE = 'x';
export const X_STREAM_PATH = '/2/tweets/search/stream';
export const X_TWEET_FIELDS = 'created_at,lang,author_id,referenced_tweets,note_tweet';

export interface XSourceOptions {
  /** Reconnect timing; defaults are X's published numbers. Tests scale them down. */
  timing?: Partial<XReconnectTiming>;
  /** Where the bearer token is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

interface Outcome {
  kind: FailureKind | 'stopped';
  reason: string;
  resetAtMs?: number;
}

/** Builds the rules for a config; throws RuleBuildError (naming the keyword) when they cannot fit. */
export function rulesFor(ctx: Pick<SourceContext, 'config'>, cfg: XConfig): StreamRule[] {
  const topics = cfg.keywords ? [{ name: 'keywords', keywords: cfg.keywords }] : ctx.config.topics;
  return buildRules(topics, {
    maxRuleLength: cfg.maxRuleLength,
    maxRules: cfg.maxRules,
    tagPrefix: cfg.tagPrefix,
    cashtagOperator: cfg.cashtagOperator,
  });
}

export class XStreamSource implements Source {
  private readonly rules: StreamRule[];
  private readonly policy: XReconnectPolicy;
  private readonly rulesPolicy: XReconnectPolicy;
  private readonly sm: StreamMetrics;
  private readonly m;
  private st: SourceState = 'stopped';
  private stopped = true;
  private loop: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private rulesClient: RulesClient | undefined;

  constructor(
    private readonly ctx: SourceContext,
    private readonly cfg: XConfig,
    private readonly opts: XSourceOptions = {},
  ) {
    this.rules = rulesFor(ctx, cfg);
    this.policy = new XReconnectPolicy(opts.timing);
    this.rulesPolicy = new XReconnectPolicy(opts.timing);
    this.sm = streamMetrics(ctx.metrics, X_SOURCE);
    const r = ctx.metrics;
    this.m = {
      errors: r.counter('stream_error_payloads_total', 'Error payloads received inside a stream, by type.', [
        'source',
        'type',
      ]),
      rules: r.counter(
        'x_stream_rule_changes_total',
        'Stream rule sync outcomes: added, deleted, kept, failed.',
        ['action'],
      ),
    };
  }

  /** The rules this source keeps on the stream (ours only). */
  wantedRules(): StreamRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    const token = readSecret(X_BEARER_TOKEN_ENV, this.opts.env ?? process.env);
    if (!token)
      throw new Error(
        `[source=x] sources.x is enabled but ${X_BEARER_TOKEN_ENV} (or ${X_BEARER_TOKEN_ENV}_FILE) is not set in the environment`,
      );
    this.rulesClient = createRulesClient(this.cfg.baseUrl, token);
    this.stopped = false;
    this.st = 'starting';
    this.sm.setState('connecting');
    this.loop = this.run(token).catch((err: unknown) => {
      // Unreachable by design (every step catches); kept so a bug cannot become an unhandled rejection.
      this.ctx.log.error({ err: String(err), source: X_SOURCE }, 'x stream loop ended unexpectedly');
      this.st = 'failed';
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
    this.st = 'stopped';
    this.sm.setState('stopped');
  }

  state(): SourceState {
    return this.st;
  }

  private async run(token: string): Promise<void> {
    while (!this.stopped && !(await this.syncRules())) {
      await this.sleep(this.rulesPolicy.waitMs(Date.now()));
    }
    while (!this.stopped) {
      const wait = this.policy.waitMs(Date.now());
      if (wait > 0) {
        this.sm.setState('backoff');
        await this.sleep(wait);
        if (this.stopped) break;
      }
      this.policy.attempt(Date.now());
      this.sm.attempt();
      this.sm.setState('connecting');
      const out = await this.connectOnce(token);
      if (out.kind === 'stopped' || this.stopped) break;
      this.st = 'reconnecting';
      this.sm.reconnect(out.reason);
      this.policy.failed(out.kind, Date.now(), out.resetAtMs);
    }
  }

  /** True when our rules equal the wanted ones. Failures are retried by the caller, never fatal. */
  private async syncRules(): Promise<boolean> {
    const client = this.rulesClient!;
    try {
      const diff = diffRules(await client.list(), this.rules, this.cfg.tagPrefix);
      // Delete first: the rule count limit counts stale rules too.
      if (diff.delete.length) this.m.rules.inc({ action: 'deleted' }, await client.delete(diff.delete));
      if (diff.add.length) {
        const r = await client.add(diff.add);
        this.m.rules.inc({ action: 'added' }, r.created);
        const real = r.errors.filter((e) => e !== 'DuplicateRule');
        if (real.length) {
          this.m.rules.inc({ action: 'failed' }, real.length);
          this.ctx.log.error(
            { source: X_SOURCE, errors: real },
            'X refused some stream rules; check sources.x limits',
          );
        }
      }
      this.m.rules.inc({ action: 'kept' }, diff.keep.length);
      this.rulesPolicy.healthy();
      return true;
    } catch (err) {
      const c = classifyRulesError(err);
      this.rulesPolicy.failed(c.kind, Date.now(), c.resetAtMs);
      if (c.status === 401 || c.status === 403)
        this.ctx.log.error(
          { source: X_SOURCE, status: c.status },
          'X refused the bearer token for the rules endpoint',
        );
      this.sm.reconnect(`rules_${c.kind}`);
      this.sm.setState('backoff');
      return false;
    }
  }

  private connectOnce(token: string): Promise<Outcome> {
    const ac = new AbortController();
    this.abort = ac;
    const t = this.policy.timing;
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        ac.abort();
      }, t.stallTimeoutMs);
    };
    const url = `${this.cfg.baseUrl.replace(/\/+$/, '')}${X_STREAM_PATH}?tweet.fields=${encodeURIComponent(X_TWEET_FIELDS)}`;
    const splitter = new LineSplitter(this.cfg.maxLineChars);
    let operational = false;
    const go = async (): Promise<Outcome> => {
      arm();
      const res = await request(url, {
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, 'user-agent': 'cryptocrawler' },
        signal: ac.signal,
        // The stall timer covers both: X may legitimately send nothing but keep-alives for hours.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      if (res.statusCode !== 200) {
        const body = (await res.body.text().catch(() => '')).slice(0, 300);
        if (res.statusCode === 429) {
          const reset = Number(res.headers['x-rate-limit-reset']);
          return {
            kind: 'rate_limit',
            reason: 'http_429',
            ...(Number.isFinite(reset) && reset > 0 ? { resetAtMs: reset * 1000 } : {}),
          };
        }
        if (res.statusCode === 401 || res.statusCode === 403)
          this.ctx.log.error(
            { source: X_SOURCE, status: res.statusCode, body },
            'X refused the stream connection',
          );
        return { kind: 'http', reason: `http_${Math.floor(res.statusCode / 100)}xx` };
      }
      const connectedAt = Date.now();
      let items = 0;
      let healthy = false;
      this.st = 'running';
      this.sm.setState('running');
      for await (const chunk of res.body) {
        arm();
        const { lines, oversized } = splitter.push(chunk as Buffer);
        for (let i = 0; i < oversized; i++) this.ctx.social.drop(X_SOURCE, 'too_large');
        for (const line of lines) {
          const item = parseStreamLine(line);
          if (item.kind === 'keepalive') this.sm.skipped('keepalive');
          else if (item.kind === 'post') {
            items++;
            this.sm.event(this.ctx.now());
            this.ctx.social.ingest(X_SOURCE, item.post);
          } else if (item.kind === 'error') {
            for (const type of item.types) {
              this.m.errors.inc({ source: X_SOURCE, type });
              if (type === 'operational-disconnect') operational = true;
            }
          } else this.ctx.social.drop(X_SOURCE, 'malformed');
        }
        if (!healthy && this.policy.isHealthy(Date.now() - connectedAt, items)) {
          healthy = true;
          this.policy.healthy();
        }
      }
      return { kind: 'network', reason: operational ? 'operational_disconnect' : 'server_closed' };
    };
    return go()
      .catch((): Outcome => {
        if (this.stopped) return { kind: 'stopped', reason: 'stopped' };
        if (stalled) return { kind: 'stall', reason: 'stall' };
        return { kind: 'network', reason: operational ? 'operational_disconnect' : 'network_error' };
      })
      .finally(() => {
        clearTimeout(timer);
        ac.abort();
        if (this.abort === ac) this.abort = undefined;
      });
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = undefined;
    });
  }
}
