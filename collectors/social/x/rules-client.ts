// The rules endpoints through twitter-api-v2. The library has no base-URL setting and its
// `cloneWithPrefix` cannot construct its own class, so a small subclass sets the prefix; an
// http:// base (the local fake in tests) needs a plain http.Agent because the library calls https.request.
import http from 'node:http';
import { ApiResponseError, TwitterApi, TwitterApiv2 } from 'twitter-api-v2';
import type { ExistingRule, StreamRule } from './rules.ts';

class PrefixedV2 extends TwitterApiv2 {
  constructor(base: TwitterApi, prefix: string) {
    super(base);
    this.setPrefix(prefix);
  }
}

export interface AddRulesResult {
  created: number;
  /** Error titles X gave for rules it did not create (e.g. DuplicateRule, RuleLengthExceeded). */
  errors: string[];
}

export interface RulesClient {
  list(): Promise<ExistingRule[]>;
  add(rules: StreamRule[]): Promise<AddRulesResult>;
  delete(ids: string[]): Promise<number>;
}

/** A rules call that takes longer than this fails as a network error and is retried. */
export const DEFAULT_RULES_TIMEOUT_MS = 15_000;

export class RulesTimeoutError extends Error {
  override readonly name = 'RulesTimeoutError';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RulesTimeoutError(`[source=x] rules request timed out after ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function createRulesClient(
  baseUrl: string,
  token: string,
  timeoutMs = DEFAULT_RULES_TIMEOUT_MS,
): RulesClient {
  const origin = baseUrl.replace(/\/+$/, '');
  const api = new TwitterApi(token, origin.startsWith('http:') ? { httpAgent: new http.Agent() } : {});
  const v2 = new PrefixedV2(api, `${origin}/2/`);
  return {
    async list() {
      const r = await withTimeout(v2.streamRules(), timeoutMs);
      return (r.data ?? []).map((x) => ({ id: x.id, value: x.value, tag: x.tag ?? '' }));
    },
    async add(rules) {
      const r = await withTimeout(v2.updateStreamRules({ add: rules }), timeoutMs);
      const errors = ((r as { errors?: Array<{ title?: string }> }).errors ?? []).map(
        (e) => e.title ?? 'unknown',
      );
      return { created: r.meta?.summary?.created ?? r.data?.length ?? 0, errors };
    },
    async delete(ids) {
      const r = await withTimeout(v2.updateStreamRules({ delete: { ids } }), timeoutMs);
      return r.meta?.summary?.deleted ?? 0;
    },
  };
}

/** How a failed rules call should be retried, and after how long X asks us to wait. */
export function classifyRulesError(err: unknown): {
  kind: 'network' | 'http' | 'rate_limit';
  resetAtMs?: number;
  status?: number;
} {
  if (err instanceof ApiResponseError) {
    if (err.code === 429) {
      const reset = err.rateLimit?.reset;
      return { kind: 'rate_limit', status: 429, ...(reset ? { resetAtMs: reset * 1000 } : {}) };
    }
    return { kind: 'http', status: err.code };
  }
  // ApiRequestError (socket, DNS, TLS), timeouts and anything unexpected: retried as network errors.
  return { kind: 'network' };
}
