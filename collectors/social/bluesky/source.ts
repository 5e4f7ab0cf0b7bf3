// The Bluesky Jetstream source: one WebSocket to a Jetstream instance, asking only for post commits.
// The cursor (time_us) is saved every few seconds and on stop; every (re)connect resumes from it
// minus a safety margin, and the ReplayGuard drops the posts that margin sends again.
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Source, SourceContext, SourceState } from '../../source.ts';
import { streamMetrics, type StreamMetrics } from '../stream-metrics.ts';
import { DEFAULT_JETSTREAM_TIMING, jitteredBackoffMs, type JetstreamTiming } from './backoff.ts';
import type { BlueskyConfig } from './config.ts';
import { ReplayGuard, loadCursor, saveCursor } from './cursor.ts';
import { POST_COLLECTION, parseJetstreamMessage } from './parse.ts';

export const BLUESKY_SOURCE = 'bluesky';
export const CURSOR_FILE = 'bluesky-cursor.json';

export interface BlueskySourceOptions {
  timing?: Partial<JetstreamTiming>;
  random?: () => number;
}

/** The subscribe URL for a resume point (undefined: live tail). */
export function subscribeUrl(
  endpoint: string,
  cursorUs: number | undefined,
  maxMessageBytes: number,
): string {
  const u = new URL(endpoint);
  u.searchParams.set('wantedCollections', POST_COLLECTION);
  u.searchParams.set('maxMessageSizeBytes', String(maxMessageBytes));
  if (cursorUs !== undefined) u.searchParams.set('cursor', String(cursorUs));
  return u.toString();
}

export class BlueskyJetstreamSource implements Source {
  private readonly timing: JetstreamTiming;
  private readonly random: () => number;
  private readonly sm: StreamMetrics;
  private readonly cursorFile: string;
  private guard: ReplayGuard;
  private st: SourceState = 'stopped';
  private stopped = true;
  private ws: WebSocket | undefined;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private closed: Promise<void> = Promise.resolve();
  private savedCursorUs = 0;

  constructor(
    private readonly ctx: SourceContext,
    private readonly cfg: BlueskyConfig,
    opts: BlueskySourceOptions = {},
  ) {
    this.timing = { ...DEFAULT_JETSTREAM_TIMING, ...opts.timing };
    this.random = opts.random ?? Math.random;
    this.sm = streamMetrics(ctx.metrics, BLUESKY_SOURCE);
    this.cursorFile = join(ctx.stateDir, CURSOR_FILE);
    this.guard = new ReplayGuard(cfg.cursorSafetyMarginMs * 1000);
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.st = 'starting';
    const saved = loadCursor(this.cursorFile);
    this.guard = new ReplayGuard(this.cfg.cursorSafetyMarginMs * 1000, saved);
    this.savedCursorUs = saved?.cursorUs ?? 0;
    this.saveTimer = setInterval(() => this.save(), this.cfg.cursorSaveIntervalMs);
    this.saveTimer.unref();
    this.connect();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.saveTimer);
    clearTimeout(this.stallTimer);
    this.ws?.close(1000);
    const ws = this.ws;
    if (ws) {
      // A close handshake the server does not answer must not hold up shutdown.
      const force = setTimeout(() => ws.terminate(), 1000);
      await this.closed;
      clearTimeout(force);
    }
    this.save();
    this.st = 'stopped';
    this.sm.setState('stopped');
  }

  state(): SourceState {
    return this.st;
  }

  /** The last time_us handled (for tests and the status command). */
  cursorUs(): number {
    return this.guard.cursorUs();
  }

  private save(): void {
    const state = this.guard.state();
    if (state.cursorUs === 0 || state.cursorUs === this.savedCursorUs) return;
    try {
      saveCursor(this.cursorFile, state);
      this.savedCursorUs = state.cursorUs;
    } catch (err) {
      this.ctx.log.error(
        { source: BLUESKY_SOURCE, file: this.cursorFile, err: String(err) },
        'cannot save cursor',
      );
    }
  }

  private connect(): void {
    if (this.stopped) return;
    this.sm.attempt();
    this.sm.setState('connecting');
    const url = subscribeUrl(this.cfg.endpoint, this.guard.resumeFromUs(), this.cfg.maxMessageBytes);
    const ws = new WebSocket(url, {
      maxPayload: this.cfg.maxMessageBytes * 2,
      handshakeTimeout: this.timing.handshakeTimeoutMs,
      perMessageDeflate: false,
    });
    this.ws = ws;
    let reason = 'connect_error';
    let messages = 0;
    let resolveClosed!: () => void;
    this.closed = new Promise((r) => (resolveClosed = r));
    const armStall = (): void => {
      clearTimeout(this.stallTimer);
      this.stallTimer = setTimeout(() => {
        reason = 'stall';
        ws.terminate();
      }, this.timing.stallTimeoutMs);
    };
    ws.on('open', () => {
      reason = 'server_closed';
      this.st = 'running';
      this.sm.setState('running');
      armStall();
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      armStall();
      messages++;
      if (messages === this.timing.healthyAfterMessages) this.failures = 0;
      if (isBinary) {
        this.sm.skipped('non_text_frame');
        return;
      }
      this.handle(rawToString(data));
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        reason = 'message_too_large';
        this.ctx.social.drop(BLUESKY_SOURCE, 'too_large');
      } else if (err.code === 'WS_ERR_INVALID_UTF8') {
        reason = 'invalid_frame';
        this.ctx.social.drop(BLUESKY_SOURCE, 'malformed');
      } else if (reason !== 'stall' && reason !== 'connect_error') reason = 'network_error';
    });
    ws.on('close', (code: number) => {
      clearTimeout(this.stallTimer);
      // 1006: the connection ended without a close frame (reset, relay crash), not a clean close.
      if (code === 1006 && reason === 'server_closed') reason = 'network_error';
      if (this.ws === ws) this.ws = undefined;
      resolveClosed();
      if (this.stopped) return;
      this.save();
      this.sm.reconnect(reason);
      this.st = 'reconnecting';
      this.sm.setState('backoff');
      const delay = jitteredBackoffMs(++this.failures, this.timing, this.random);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  /**
   * Moves the cursor, unless time_us lies more than a minute past our clock: a bad frame must not make
   * the next reconnect resume from the future (which would skip everything until then).
   */
  private advance(timeUs: number, key?: string): void {
    if (timeUs > (this.ctx.now() + 60_000) * 1000) {
      this.sm.skipped('future_cursor');
      return;
    }
    this.guard.handled(timeUs, key);
  }

  private handle(text: string): void {
    const item = parseJetstreamMessage(text);
    if (item.kind === 'malformed') {
      this.ctx.social.drop(BLUESKY_SOURCE, 'malformed');
      if (item.timeUs !== undefined) this.advance(item.timeUs);
      return;
    }
    this.sm.event(this.ctx.now());
    if (item.kind === 'skip') {
      // Non-post events inside the replay margin were counted on their first pass.
      this.sm.skipped(item.timeUs <= this.guard.cursorUs() ? 'replay' : item.reason);
      this.advance(item.timeUs);
      return;
    }
    if (this.guard.isDuplicate(item.key)) {
      this.ctx.social.drop(BLUESKY_SOURCE, 'duplicate');
      return;
    }
    this.advance(item.timeUs, item.key);
    if (this.cfg.dropUnmatched) {
      const topics = this.ctx.router.route(item.post.text);
      if (topics.length === 1 && topics[0] === 'unknown') {
        this.ctx.social.drop(BLUESKY_SOURCE, 'no_topic');
        return;
      }
    }
    this.ctx.social.ingest(BLUESKY_SOURCE, item.post, { requireEnglish: this.cfg.requireEnglish });
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
