import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../../../collectors/all.ts';
import { ConfigError } from './errors.ts';
import { loadConfigFile, parseConfig } from './load.ts';
import {
  DEFAULT_ANALYTICS_WINDOWS,
  DEFAULT_BATCH_SIZE,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_LAG_MINUTES,
  DEFAULT_ROLLUP_INTERVAL_SECONDS,
} from './schema.ts';

const MINIMAL = `
influx: { url: "http://127.0.0.1:8086", org: o, buckets: {} }
topics: [{ name: bitcoin, keywords: [bitcoin], coin: BTC }]
coins: [BTC]
quotes: [USD]
`;

function issuesOf(text: string): Array<{ key: string; found: string; expected: string }> {
  try {
    parseConfig(text, SOURCE_SCHEMAS);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('config.yaml', () => {
  it('the shipped config.yaml parses against the schema with every registered source', () => {
    const cfg = loadConfigFile('config.yaml', SOURCE_SCHEMAS);
    expect(cfg.topics.map((t) => t.name)).toContain('bitcoin');
    expect(cfg.coins).toEqual(['BTC', 'ETH', 'IOTA']);
    expect(cfg.quotes).toEqual(['USD', 'EUR']);
    // Every source section in the file is one the registry knows (the loader would throw otherwise).
    for (const name of Object.keys(cfg.sources)) expect(SOURCE_SCHEMAS[name]).toBeDefined();
  });

  it('the shipped config.yaml keeps no secrets', () => {
    const text = readFileSync('config.yaml', 'utf8');
    expect(text).not.toMatch(/^\s*(token|bearer|apiKey|password)\s*:/im);
  });

  it('fills documented defaults, pinned here', () => {
    const cfg = parseConfig(MINIMAL, SOURCE_SCHEMAS);
    expect(DEFAULT_BATCH_SIZE).toBe(5000);
    expect(DEFAULT_FLUSH_INTERVAL_MS).toBe(1000);
    expect(cfg.influx.write.batchSize).toBe(5000);
    expect(cfg.influx.write.flushIntervalMs).toBe(1000);
    expect(cfg.influx.buckets.raw).toEqual({ name: 'crypto_raw', retention: '7d' });
    expect(cfg.influx.buckets.main).toEqual({ name: 'crypto', retention: 'forever' });
    expect(cfg.rollup.intervalSeconds).toBe(DEFAULT_ROLLUP_INTERVAL_SECONDS);
    expect(DEFAULT_ROLLUP_INTERVAL_SECONDS).toBe(60);
    expect(cfg.analytics.windows).toEqual(DEFAULT_ANALYTICS_WINDOWS);
    expect(DEFAULT_ANALYTICS_WINDOWS).toEqual(['1h', '6h', '24h']);
    expect(cfg.analytics.maxLagMinutes).toBe(DEFAULT_MAX_LAG_MINUTES);
    expect(DEFAULT_MAX_LAG_MINUTES).toBe(60);
    expect(cfg.services.collector.port).toBe(9464);
    expect(cfg.sources).toEqual({});
  });
});

describe('config errors name the key, the value found and what is expected', () => {
  it.each([
    [
      'a wrong type',
      MINIMAL.replace('[BTC]\nquotes', '[BTC]\nrollup: { intervalSeconds: "often" }\nquotes'),
      'rollup.intervalSeconds',
      '"often"',
      /number/,
    ],
    ['an unknown key', `${MINIMAL}\ncolour: blue\n`, 'colour', 'an unknown key', /remove it/],
    ['a bad URL', MINIMAL.replace('http://127.0.0.1:8086', 'localhost'), 'influx.url', '"localhost"', /URL/],
    ['a missing section', MINIMAL.replace('coins: [BTC]\n', ''), 'coins', '(missing)', /expected array/],
    ['a bad coin symbol', MINIMAL.replace('coins: [BTC]', 'coins: [btc]'), 'coins[0]', '"btc"', /upper-case/],
    [
      'a coin not listed',
      MINIMAL.replace('coin: BTC', 'coin: ETH'),
      'topics[0].coin',
      '"ETH"',
      /not listed under coins/,
    ],
    [
      'a bad duration',
      `${MINIMAL}\nanalytics: { windows: [1h, soon] }\n`,
      'analytics.windows[1]',
      '"soon"',
      /duration/,
    ],
    [
      'an unknown source',
      `${MINIMAL}\nsources: { telepathy: { enabled: true } }\n`,
      'sources.telepathy',
      'an unknown source',
      /one of/,
    ],
    [
      'the reserved topic',
      MINIMAL.replace('name: bitcoin', 'name: unknown'),
      'topics[0].name',
      '"unknown"',
      /reserved/,
    ],
  ])('%s', (_what, text, key, found, expected) => {
    const issues = issuesOf(text);
    const issue = issues.find((i) => i.key === key);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.found).toBe(found);
    expect(issue!.expected).toMatch(expected);
  });

  it('reports every mistake in one pass', () => {
    const text = `
influx: { url: nope, org: "", buckets: { raw: { name: r, retention: forever, extra: 1 } } }
topics: [{ name: Bitcoin, keywords: [] }]
coins: [BTC]
quotes: [usd]
analytics: { maxLagMinutes: -5 }
`;
    const keys = issuesOf(text).map((i) => i.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'influx.url',
        'influx.org',
        'influx.buckets.raw.extra',
        'topics[0].name',
        'topics[0].keywords',
        'quotes[0]',
        'analytics.maxLagMinutes',
      ]),
    );
  });

  it('reports YAML syntax errors with the line', () => {
    const issues = issuesOf('influx:\n  url: [unclosed\n');
    expect(issues[0]!.key).toBe('(yaml)');
    expect(issues[0]!.found).toMatch(/line \d+/);
  });

  it('a config file that does not exist is a clear error', () => {
    expect(() => loadConfigFile('/nonexistent/config.yaml', SOURCE_SCHEMAS)).toThrow(/ENOENT/);
  });
});
