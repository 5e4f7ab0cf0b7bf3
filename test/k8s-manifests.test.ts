// deploy/k8s: every object validates against the Kubernetes API schemas (kubernetes-models), the
// ConfigMap's config.yaml parses against the project's schema, and the pods' shard and partition
// arguments, as Kubernetes expands them for each pod index, are valid and cover every member once.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../collectors/all.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { parseMember } from '../src/core/config/member.ts';

const DIR = 'deploy/k8s';
type Obj = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: unknown };
const objects: Obj[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => yaml.loadAll(readFileSync(join(DIR, f), 'utf8')) as Obj[]);

const byName = (kind: string, name: string): Obj => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not in ${DIR}`);
  return o;
};

interface Container {
  args: string[];
  env: Array<{ name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
}
const container = (s: Obj): Container =>
  (s as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec
    .containers[0]!;
const replicas = (s: Obj): number => (s as unknown as { spec: { replicas: number } }).spec.replicas;

/** The value of `flag` in a pod's args, with $(VAR) from the pod index as Kubernetes expands it. */
function argFor(c: Container, flag: string, podIndex: number): string {
  const raw = c.args[c.args.indexOf(flag) + 1]!;
  const indexVar = c.env.find(
    (e) => e.valueFrom?.fieldRef?.fieldPath === "metadata.labels['apps.kubernetes.io/pod-index']",
  )!;
  return raw.replace(`$(${indexVar.name})`, String(podIndex));
}

describe('deploy/k8s', () => {
  it('every object is valid against the Kubernetes schemas', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/cryptocrawler-config',
      'Service/analytics',
      'Service/collector',
      'Service/collector-b',
      'StatefulSet/analytics',
      'StatefulSet/collector',
      'StatefulSet/collector-b',
    ]);
    const models: Record<string, new (o: never) => { validate(): void }> = {
      ConfigMap,
      Service,
      StatefulSet,
    };
    for (const o of objects)
      expect(() => new models[o.kind]!(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
  });

  it('a broken object is rejected (the validation is real)', () => {
    const bad = structuredClone(byName('StatefulSet', 'collector')) as Obj & { spec: { replicas: unknown } };
    bad.spec.replicas = 'three';
    expect(() => new StatefulSet(bad as never).validate()).toThrow();
  });

  it('the ConfigMap holds a config.yaml the project accepts', () => {
    const data = (byName('ConfigMap', 'cryptocrawler-config') as unknown as { data: Record<string, string> })
      .data;
    const cfg = parseConfig(data['config.yaml']!, SOURCE_SCHEMAS);
    expect(cfg.services.collector.port).toBe(9464);
    expect(cfg.services.analytics.port).toBe(9465);
  });

  it('the 3 collector pods are shards 0/3, 1/3, 2/3 and the 2 analytics pods partitions 0/2, 1/2', () => {
    for (const [name, flag] of [
      ['collector', '--shard'],
      ['collector-b', '--shard'],
      ['analytics', '--partition'],
    ] as const) {
      const s = byName('StatefulSet', name);
      const c = container(s);
      const n = name === 'collector-b' ? replicas(byName('StatefulSet', 'collector')) : replicas(s);
      const members = Array.from({ length: n }, (_, k) => parseMember(argFor(c, flag, k)));
      expect(members, name).toEqual(Array.from({ length: n }, (_, k) => ({ index: k, count: n })));
    }
    expect(replicas(byName('StatefulSet', 'collector'))).toBe(3);
    expect(replicas(byName('StatefulSet', 'analytics'))).toBe(2);
    // Every collector pod names its own instance (replicas of a shard must differ).
    expect(container(byName('StatefulSet', 'collector')).args).toContain('$(POD_NAME)');
  });
});
