// `cryptocrawler setup`: prepares any InfluxDB 2.x idempotently. Onboards a fresh server, ensures the
// org and buckets with their retention, and ensures three least-privilege tokens:
//   collector  write-only on both buckets
//   analytics  read both buckets, write the main bucket (its results)
//   grafana    read-only on both buckets
// Running it twice changes nothing: existing tokens are found by description and kept.
import { parseDurationSeconds } from '../core/config/duration.ts';
import type { Config } from '../core/config/load.ts';
import { InfluxApi, type Authorization, type Permission } from './api.ts';

export type TokenRole = 'collector' | 'analytics' | 'grafana';
export const TOKEN_ROLES: TokenRole[] = ['collector', 'analytics', 'grafana'];
export const TOKEN_ENV: Record<TokenRole, string> = {
  collector: 'INFLUX_COLLECTOR_TOKEN',
  analytics: 'INFLUX_ANALYTICS_TOKEN',
  grafana: 'INFLUX_GRAFANA_TOKEN',
};
const DESCRIPTION_PREFIX = 'cryptocrawler:';

export interface SetupOptions {
  url: string;
  org: string;
  buckets: Array<{ role: 'raw' | 'main'; name: string; retention: string }>;
  /** An operator (all-access) token. On a fresh server it becomes the onboarding token. */
  adminToken: string;
  /** Needed only to onboard a fresh server. */
  onboarding?: { username: string; password: string };
  /** Tokens known from an earlier run (a tokens file), used when the server does not show them again. */
  knownTokens?: Partial<Record<TokenRole, string>>;
  log?: (line: string) => void;
}

export interface SetupResult {
  orgID: string;
  bucketIDs: Record<string, string>;
  tokens: Record<TokenRole, string>;
  /** What this run changed; empty when everything was already in place. */
  changes: string[];
}

export function setupOptionsFromConfig(
  cfg: Config,
  adminToken: string,
  extra: Pick<SetupOptions, 'onboarding' | 'knownTokens' | 'log'> = {},
): SetupOptions {
  return {
    url: cfg.influx.url,
    org: cfg.influx.org,
    adminToken,
    buckets: [
      { role: 'main', ...cfg.influx.buckets.main },
      { role: 'raw', ...cfg.influx.buckets.raw },
    ],
    ...extra,
  };
}

function retentionSeconds(r: string): number {
  return r === 'forever' ? 0 : parseDurationSeconds(r)!;
}

export async function setupInflux(o: SetupOptions): Promise<SetupResult> {
  const log = o.log ?? (() => undefined);
  const changes: string[] = [];
  const anon = new InfluxApi(o.url);
  if (!(await anon.isOnboarded())) {
    if (!o.onboarding)
      throw new Error(
        `InfluxDB at ${o.url} is not set up yet: onboarding needs INFLUX_ADMIN_PASSWORD (and optionally INFLUX_ADMIN_USER)`,
      );
    const main = o.buckets.find((b) => b.role === 'main')!;
    await anon.onboard({
      org: o.org,
      bucket: main.name,
      username: o.onboarding.username,
      password: o.onboarding.password,
      token: o.adminToken,
      retentionPeriodSeconds: retentionSeconds(main.retention),
    });
    changes.push(`onboarded ${o.url} (org ${o.org}, user ${o.onboarding.username})`);
    log(`onboarded a fresh InfluxDB at ${o.url}`);
  }
  const api = new InfluxApi(o.url, o.adminToken);

  let org = await api.findOrg(o.org);
  if (!org) {
    org = await api.createOrg(o.org);
    changes.push(`created org ${o.org}`);
  }

  const bucketIDs: Record<string, string> = {};
  for (const b of o.buckets) {
    const every = retentionSeconds(b.retention);
    const found = await api.findBucket(org.id, b.name);
    if (!found) {
      const made = await api.createBucket(org.id, b.name, every);
      bucketIDs[b.role] = made.id;
      changes.push(`created bucket ${b.name} (retention ${b.retention})`);
    } else {
      bucketIDs[b.role] = found.id;
      const current = found.retentionRules.find((r) => r.type === 'expire')?.everySeconds ?? 0;
      if (current !== every) {
        await api.setBucketRetention(found.id, every);
        changes.push(`set retention of ${b.name} to ${b.retention}`);
      }
    }
  }

  const wanted: Record<TokenRole, Permission[]> = {
    collector: [perm('write', org.id, bucketIDs.raw!), perm('write', org.id, bucketIDs.main!)],
    analytics: [
      perm('read', org.id, bucketIDs.raw!),
      perm('read', org.id, bucketIDs.main!),
      perm('write', org.id, bucketIDs.main!),
    ],
    grafana: [perm('read', org.id, bucketIDs.raw!), perm('read', org.id, bucketIDs.main!)],
  };

  const existing = await api.listAuthorizations(org.id);
  const tokens = {} as Record<TokenRole, string>;
  for (const role of TOKEN_ROLES) {
    const description = DESCRIPTION_PREFIX + role;
    const matches = existing.filter((a) => a.description === description);
    const good = matches.find((a) => a.status === 'active' && samePermissions(a, wanted[role]));
    const value = good?.token ?? (good ? o.knownTokens?.[role] : undefined);
    if (good && value) {
      tokens[role] = value;
      for (const stale of matches.filter((a) => a !== good)) {
        await api.deleteAuthorization(stale.id);
        changes.push(`deleted a stale ${role} token`);
      }
      continue;
    }
    for (const stale of matches) await api.deleteAuthorization(stale.id);
    const made = await api.createAuthorization(org.id, description, wanted[role]);
    tokens[role] = made.token!;
    changes.push(`${matches.length ? 'replaced' : 'created'} the ${role} token`);
  }
  return { orgID: org.id, bucketIDs, tokens, changes };
}

function perm(action: 'read' | 'write', orgID: string, id: string): Permission {
  return { action, resource: { type: 'buckets', id, orgID } };
}

function key(p: Permission): string {
  return `${p.action}:${p.resource.type}:${p.resource.id ?? '*'}`;
}

function samePermissions(a: Authorization, wanted: Permission[]): boolean {
  const have = new Set(a.permissions.map(key));
  return have.size === wanted.length && wanted.every((p) => have.has(key(p)));
}

/** The tokens as an env file (0600 when written). */
export function tokensEnvFile(tokens: Record<TokenRole, string>): string {
  return (
    '# Written by `cryptocrawler setup`. Least-privilege InfluxDB tokens; keep this file secret.\n' +
    TOKEN_ROLES.map((r) => `${TOKEN_ENV[r]}=${tokens[r]}`).join('\n') +
    '\n'
  );
}

export function parseTokensEnvFile(text: string): Partial<Record<TokenRole, string>> {
  const out: Partial<Record<TokenRole, string>> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.+)$/.exec(line.trim());
    if (!m) continue;
    const role = TOKEN_ROLES.find((r) => TOKEN_ENV[r] === m[1]);
    if (role) out[role] = m[2]!;
  }
  return out;
}
