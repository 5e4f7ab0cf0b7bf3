// `setup` against the real influxd: idempotent, least-privilege tokens that really are least-privilege.
import { InfluxDB } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { InfluxApi } from '../src/influx/api.ts';
import { setupInflux, tokensEnvFile, parseTokensEnvFile } from '../src/influx/setup.ts';
import { influxEnv } from './helpers/influx.ts';

describe('cryptocrawler setup', () => {
  it('creates org, buckets and tokens once; a second run changes nothing', async () => {
    const env = influxEnv();
    const opts = {
      url: env.url,
      org: `setup-${Date.now()}`,
      adminToken: env.adminToken,
      buckets: [
        { role: 'main' as const, name: `s_main_${Date.now()}`, retention: 'forever' },
        { role: 'raw' as const, name: `s_raw_${Date.now()}`, retention: '7d' },
      ],
    };
    const first = await setupInflux(opts);
    expect(first.changes).toEqual(
      expect.arrayContaining([expect.stringMatching(/created org/), expect.stringMatching(/created bucket/)]),
    );
    const second = await setupInflux(opts);
    expect(second.changes).toEqual([]);
    expect(second.tokens).toEqual(first.tokens);

    const api = new InfluxApi(env.url, env.adminToken);
    const raw = await api.findBucket(first.orgID, opts.buckets[1]!.name);
    expect(raw!.retentionRules[0]!.everySeconds).toBe(7 * 86400);

    // A retention change in config is applied, and only that.
    const third = await setupInflux({
      ...opts,
      buckets: [opts.buckets[0]!, { ...opts.buckets[1]!, retention: '3d' }],
    });
    expect(third.changes).toEqual([`set retention of ${opts.buckets[1]!.name} to 3d`]);

    // The token file round-trips.
    expect(parseTokensEnvFile(tokensEnvFile(first.tokens))).toEqual(first.tokens);

    // Least privilege, checked against the server itself.
    const line = 'price,symbol=BTC,quote=USD,source=t price=1 1767225600000000000';
    const write = (token: string) =>
      fetch(`${env.url}/api/v2/write?org=${opts.org}&bucket=${opts.buckets[0]!.name}`, {
        method: 'POST',
        headers: { authorization: `Token ${token}` },
        body: line,
      }).then((r) => r.status);
    expect(await write(first.tokens.collector)).toBe(204);
    expect([403, 404]).toContain(await write(first.tokens.grafana));
    const read = (token: string) =>
      new InfluxDB({ url: env.url, token })
        .getQueryApi(opts.org)
        .collectRows(`from(bucket: "${opts.buckets[0]!.name}") |> range(start: 0)`)
        .then((r) => r.length);
    expect(await read(first.tokens.grafana)).toBe(1);
    expect(await read(first.tokens.analytics)).toBe(1);
    await expect(read(first.tokens.collector)).rejects.toThrow();
  });
});
