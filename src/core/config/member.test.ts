import { describe, expect, it } from 'vitest';
import { SOURCE_SCHEMAS } from '../../../collectors/all.ts';
import { ConfigError } from './errors.ts';
import { parseConfig } from './load.ts';
import { memberLabel, parseMember } from './member.ts';

const BASE = `
influx: { url: "http://127.0.0.1:8086", org: o, buckets: {} }
topics: [{ name: bitcoin, keywords: [bitcoin], coin: BTC }]
coins: [BTC]
quotes: [USD]
`;

function issues(text: string): Array<{ key: string; expected: string }> {
  try {
    parseConfig(text, SOURCE_SCHEMAS);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('collector.shard, collector.instance, analytics.partition', () => {
  it('default to one unsharded collector named "default" and one analytics instance', () => {
    const cfg = parseConfig(BASE, SOURCE_SCHEMAS);
    expect(cfg.collector).toEqual({ shard: '0/1', instance: 'default' });
    expect(cfg.analytics.partition).toBe('0/1');
  });

  it('accept k/N and a host-like instance name', () => {
    const cfg = parseConfig(
      `${BASE}collector: { shard: "2/4", instance: collector-2.b }\nanalytics: { partition: "1/3" }\n`,
      SOURCE_SCHEMAS,
    );
    expect(cfg.collector).toEqual({ shard: '2/4', instance: 'collector-2.b' });
    expect(cfg.analytics.partition).toBe('1/3');
  });

  it('name the key and the rule when k/N is out of range or malformed', () => {
    expect(issues(`${BASE}collector: { shard: "5/4" }\n`)).toEqual([
      expect.objectContaining({ key: 'collector.shard', expected: 'expected k/N with 0 <= k < N, got 5/4' }),
    ]);
    expect(issues(`${BASE}analytics: { partition: "half" }\n`)).toEqual([
      expect.objectContaining({
        key: 'analytics.partition',
        expected: 'expected k/N such as "0/4", got "half"',
      }),
    ]);
    expect(issues(`${BASE}collector: { instance: "a b" }\n`)[0]?.key).toBe('collector.instance');
  });

  it('parses and prints k/N', () => {
    expect(parseMember('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseMember('0/0')).toHaveProperty('error');
    expect(memberLabel({ index: 3, count: 8 })).toBe('3/8');
  });
});
