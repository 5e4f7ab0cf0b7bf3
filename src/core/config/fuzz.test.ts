// Thousands of generated broken configs: random YAML documents, text damage to the shipped config.yaml,
// and the shipped config with keys deleted, values of the wrong type and random strings. parseConfig
// either returns a Config or throws a ConfigError whose every issue names the key, the value found and
// what is expected; never any other exception, and never a config with an unusable duration.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../../../collectors/all.ts';
import { parseDurationSeconds } from './duration.ts';
import { ConfigError } from './errors.ts';
import { parseConfig, type Config } from './load.ts';
import { jsonMutation, mutateJson } from '../../../test/helpers/mutate.ts';

const shippedText = readFileSync(new URL('../../../config.yaml', import.meta.url), 'utf8');
const shipped = yaml.load(shippedText, { schema: yaml.CORE_SCHEMA }) as Record<string, unknown>;

function expectFiniteDuration(d: string): void {
  const s = parseDurationSeconds(d);
  expect(Number.isSafeInteger(s)).toBe(true);
}

/** Either a Config or a ConfigError with complete issues; returns which, so runs can be tallied. */
function check(text: string): 'config' | 'error' {
  let cfg: Config;
  try {
    cfg = parseConfig(text, SOURCE_SCHEMAS);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`not a ConfigError: ${String(err)}`, { cause: err });
    expect(err.issues.length).toBeGreaterThan(0);
    for (const i of err.issues) {
      for (const part of [i.key, i.found, i.expected]) {
        expect(typeof part).toBe('string');
        expect(part.trim()).not.toBe('');
      }
    }
    return 'error';
  }
  expect(cfg.topics.length).toBeGreaterThan(0);
  for (const d of [...cfg.analytics.windows, cfg.analytics.lookback, cfg.analytics.anomalies.period])
    expectFiniteDuration(d);
  for (const b of [cfg.influx.buckets.raw, cfg.influx.buckets.main])
    if (b.retention !== 'forever') expectFiniteDuration(b.retention);
  for (const s of Object.values(cfg.sources)) expect(typeof s.enabled).toBe('boolean');
  return 'config';
}

const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    0.5,
    1e308,
    '',
    ' ',
    'forever',
    '6h',
    '0s',
    '99999999999999999999999d',
    '1e3s',
    'http://',
    'ftp://x',
    'BTC',
    'btc',
    'unknown',
    '*/10 * * * * *',
    '99 99 99 99 99 99',
    '\u0000',
    '\ud800',
    [],
    {},
    [null],
    { name: 'a', keywords: [] },
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

const mutation = jsonMutation(oddValue, {
  ops: ['add', 'delete', 'set', 'wrap'],
  maxDepth: 5,
  keys: fc.oneof(
    fc.constantFrom('enabled', 'name', 'sources', 'x', '__proto__', 'constructor', ''),
    fc.string(),
  ),
});

const mutatedConfig = fc
  .array(mutation, { minLength: 1, maxLength: 4 })
  .map((muts) => yaml.dump(mutateJson(shipped, muts), { schema: yaml.CORE_SCHEMA, skipInvalid: true }));

const shippedLines = shippedText.split('\n');
const damagedText = fc
  .tuple(
    fc.nat(),
    fc.nat(),
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom(':', '- ', '  ', '\t', '&a', '*a', '!!', '{', '[', '"', "'", '#'),
    ),
  )
  .chain(([a, b, ins]) => {
    const i = a % (shippedText.length + 1);
    const line = b % shippedLines.length;
    return fc.constantFrom(
      shippedText.slice(0, i),
      shippedText.slice(0, i) + ins + shippedText.slice(i),
      [...shippedLines.slice(0, line), ...shippedLines.slice(line + 1)].join('\n'),
      [...shippedLines.slice(0, line), shippedLines[line]!.trimStart(), ...shippedLines.slice(line + 1)].join(
        '\n',
      ),
    );
  });

const randomDocument = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => yaml.dump(v, { schema: yaml.CORE_SCHEMA })),
  fc
    .dictionary(
      fc.constantFrom(
        'influx',
        'topics',
        'coins',
        'quotes',
        'rollup',
        'analytics',
        'services',
        'log',
        'sources',
      ),
      oddValue,
    )
    .map((v) => yaml.dump(v, { schema: yaml.CORE_SCHEMA })),
  fc
    .dictionary(
      fc.constantFrom(...Object.keys(SOURCE_SCHEMAS), 'nope'),
      fc.oneof(oddValue, fc.dictionary(fc.string({ maxLength: 12 }), oddValue)),
    )
    .map((sources) => yaml.dump({ ...shipped, sources }, { schema: yaml.CORE_SCHEMA })),
);

describe('parseConfig under fuzzing', () => {
  it('the shipped config.yaml still parses (the mutations start from a valid file)', () => {
    expect(check(shippedText)).toBe('config');
  });

  it('mutated copies of the shipped config give a Config or a ConfigError naming every problem', () => {
    const seen = { config: 0, error: 0 };
    fc.assert(
      fc.property(mutatedConfig, (text) => {
        seen[check(text)]++;
      }),
      { numRuns: 2000 },
    );
    // Both outcomes were exercised: some mutations are harmless (an odd value where any is allowed).
    expect(seen.config).toBeGreaterThan(20);
    expect(seen.error).toBeGreaterThan(1000);
  });

  it('text damage to the shipped config.yaml gives a Config or a ConfigError', () => {
    fc.assert(
      fc.property(damagedText, (text) => {
        check(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('random YAML documents give a Config or a ConfigError', () => {
    fc.assert(
      fc.property(randomDocument, (text) => {
        check(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('a duration too large for a number is refused, not read as Infinity', () => {
    const text = shippedText.replace('lookback: 24h', 'lookback: 99999999999999999999999999d');
    expect(text).not.toBe(shippedText);
    expect(check(text)).toBe('error');
  });

  it('a self-referencing alias and an alias bomb are reported quickly, not rendered in full', () => {
    expect(check('influx: &a {x: *a}\ntopics: &t [*t]\ncoins: [BTC]\nquotes: [USD]\n')).toBe('error');
    // Eight levels of ten aliases: 10^8 strings if anything walked or printed the whole value.
    let bomb = 'l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= 8; i++)
      bomb += `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    const t0 = performance.now();
    expect(check(`${bomb}influx: *l8\ntopics: *l8\ncoins: *l8\nquotes: *l8\n`)).toBe('error');
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
