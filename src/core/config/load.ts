// Loads config.yaml: YAML -> core schema -> each source's own schema. Every problem is collected
// before failing, so a user fixes them all in one pass. Validation never connects anywhere.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import type { ZodType, core } from 'zod';
import { ConfigError, formatPath, renderValue, type ConfigIssue } from './errors.ts';
import { coreConfigSchema, type CoreConfig } from './schema.ts';

export const DEFAULT_CONFIG_FILE = 'config.yaml';

/** A source's section schema, by source name (collectors/all.ts builds this map). */
export type SourceSchemas = Record<string, ZodType>;

export interface Config extends Omit<CoreConfig, 'sources'> {
  /** Source sections after their own validation and defaults; absent sources are disabled. */
  sources: Record<string, { enabled: boolean } & Record<string, unknown>>;
  /** The file this came from, for messages. */
  file: string;
}

export function configPathFromEnv(explicit?: string): string {
  return explicit ?? process.env.CRYPTOCRAWLER_CONFIG ?? DEFAULT_CONFIG_FILE;
}

export function loadConfigFile(file: string, sourceSchemas: SourceSchemas): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [
      {
        key: '(file)',
        found: file,
        expected: `a readable YAML file (${(err as NodeJS.ErrnoException).code ?? err})`,
      },
    ]);
  }
  return parseConfig(text, sourceSchemas, file);
}

export function parseConfig(text: string, sourceSchemas: SourceSchemas, file = DEFAULT_CONFIG_FILE): Config {
  let raw: unknown;
  try {
    raw = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA });
  } catch (err) {
    const e = err as yaml.YAMLException;
    const where = e.mark ? `line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '(unknown position)';
    throw new ConfigError(file, [
      { key: '(yaml)', found: where, expected: `valid YAML: ${e.reason ?? e.message}` },
    ]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, [
      { key: '(top level)', found: renderValue(raw), expected: 'a mapping of keys' },
    ]);
  }

  const issues: ConfigIssue[] = [];
  const coreResult = coreConfigSchema.safeParse(raw);
  if (!coreResult.success) issues.push(...toIssues(coreResult.error.issues, raw, []));

  const rawSources = (raw as Record<string, unknown>).sources;
  const sources: Config['sources'] = {};
  if (
    rawSources !== undefined &&
    (rawSources === null || typeof rawSources !== 'object' || Array.isArray(rawSources))
  ) {
    // The core schema already reported this key.
  } else {
    for (const [name, section] of Object.entries((rawSources ?? {}) as Record<string, unknown>)) {
      // Own keys only: `sources: {constructor: ...}` must not find Object.prototype.constructor.
      const schema = Object.hasOwn(sourceSchemas, name) ? sourceSchemas[name] : undefined;
      if (!schema) {
        issues.push({
          key: `sources.${name}`,
          found: 'an unknown source',
          expected: `one of: ${Object.keys(sourceSchemas).sort().join(', ')}`,
        });
        continue;
      }
      const r = schema.safeParse(section ?? {});
      if (r.success) sources[name] = r.data as Config['sources'][string];
      else issues.push(...toIssues(r.error.issues, section, ['sources', name]));
    }
  }
  if (issues.length > 0 || !coreResult.success) throw new ConfigError(file, issues);
  return { ...coreResult.data, sources, file };
}

function toIssues(zodIssues: core.$ZodIssue[], root: unknown, prefix: PropertyKey[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of zodIssues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        out.push({
          key: formatPath([...prefix, ...issue.path, k]),
          found: 'an unknown key',
          expected: 'remove it or check its spelling',
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union') {
      // Unions here are small; the first branch's message is the clearest one.
      const first = issue.errors[0]?.[0];
      if (first) {
        out.push(...toIssues([{ ...first, path: [...issue.path, ...first.path] }], root, prefix));
        continue;
      }
    }
    out.push({
      key: formatPath([...prefix, ...issue.path]),
      found: renderValue(valueAt(root, issue.path)),
      expected: issue.message,
    });
  }
  return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}
