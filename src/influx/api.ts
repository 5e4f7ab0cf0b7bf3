// A small typed client for the InfluxDB 2.x management API (/api/v2/setup, orgs, buckets,
// authorizations). The official management client lives in a separate package; these few calls do
// not justify it.

export class InfluxApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    body: string,
  ) {
    super(`InfluxDB ${path} answered HTTP ${status}: ${body.slice(0, 300)}`);
    this.name = 'InfluxApiError';
  }
}

export interface Bucket {
  id: string;
  name: string;
  orgID: string;
  retentionRules: Array<{ type: string; everySeconds: number }>;
}
export interface Authorization {
  id: string;
  token?: string;
  description?: string;
  status: 'active' | 'inactive';
  orgID: string;
  permissions: Permission[];
}
export interface Permission {
  action: 'read' | 'write';
  resource: { type: string; id?: string; orgID?: string; name?: string };
}

export class InfluxApi {
  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown, okMissing = false): Promise<T | undefined> {
    const res = await fetch(new URL(path, this.url), {
      method,
      headers: {
        ...(this.token ? { authorization: `Token ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (okMissing && res.status === 404) return undefined;
    if (!res.ok) throw new InfluxApiError(res.status, path, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** True once /health answers "pass". */
  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(new URL('/health', this.url), { signal: AbortSignal.timeout(2000) });
      if (!res.ok) return false;
      const j = (await res.json()) as { status?: string };
      return j.status === 'pass';
    } catch {
      return false;
    }
  }

  async isOnboarded(): Promise<boolean> {
    const r = await this.call<{ allowed: boolean }>('GET', '/api/v2/setup');
    return !r!.allowed;
  }

  async onboard(p: {
    org: string;
    bucket: string;
    username: string;
    password: string;
    token: string;
    retentionPeriodSeconds?: number;
  }): Promise<void> {
    await this.call('POST', '/api/v2/setup', {
      org: p.org,
      bucket: p.bucket,
      username: p.username,
      password: p.password,
      token: p.token,
      retentionPeriodSeconds: p.retentionPeriodSeconds ?? 0,
    });
  }

  async findOrg(name: string): Promise<{ id: string; name: string } | undefined> {
    const r = await this.call<{ orgs: Array<{ id: string; name: string }> }>(
      'GET',
      `/api/v2/orgs?org=${encodeURIComponent(name)}`,
      undefined,
      true,
    );
    return r?.orgs?.find((o) => o.name === name);
  }

  async createOrg(name: string): Promise<{ id: string; name: string }> {
    return (await this.call<{ id: string; name: string }>('POST', '/api/v2/orgs', { name }))!;
  }

  async findBucket(orgID: string, name: string): Promise<Bucket | undefined> {
    const r = await this.call<{ buckets: Bucket[] }>(
      'GET',
      `/api/v2/buckets?orgID=${orgID}&name=${encodeURIComponent(name)}`,
      undefined,
      true,
    );
    return r?.buckets?.find((b) => b.name === name);
  }

  async createBucket(orgID: string, name: string, everySeconds: number): Promise<Bucket> {
    return (await this.call<Bucket>('POST', '/api/v2/buckets', {
      orgID,
      name,
      retentionRules: everySeconds > 0 ? [{ type: 'expire', everySeconds }] : [],
    }))!;
  }

  async setBucketRetention(id: string, everySeconds: number): Promise<void> {
    await this.call('PATCH', `/api/v2/buckets/${id}`, {
      retentionRules: everySeconds > 0 ? [{ type: 'expire', everySeconds }] : [],
    });
  }

  async listAuthorizations(orgID: string): Promise<Authorization[]> {
    const r = await this.call<{ authorizations: Authorization[] }>(
      'GET',
      `/api/v2/authorizations?orgID=${orgID}`,
    );
    return r?.authorizations ?? [];
  }

  async createAuthorization(
    orgID: string,
    description: string,
    permissions: Permission[],
  ): Promise<Authorization> {
    return (await this.call<Authorization>('POST', '/api/v2/authorizations', {
      orgID,
      description,
      permissions,
    }))!;
  }

  async deleteAuthorization(id: string): Promise<void> {
    await this.call('DELETE', `/api/v2/authorizations/${id}`);
  }
}
