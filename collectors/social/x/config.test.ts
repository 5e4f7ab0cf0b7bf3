import { describe, expect, it } from 'vitest';
import { xConfigSchema } from './config.ts';
import { xSource } from './index.ts';

describe('sources.x config', () => {
  it('pins the defaults', () => {
    expect(xConfigSchema.parse({})).toEqual({
      enabled: false,
      baseUrl: 'https://api.x.com',
      tagPrefix: 'cryptocrawler:',
      maxRuleLength: 512,
      maxRules: 5,
      cashtagOperator: false,
      maxLineChars: 1_000_000,
    });
  });

  it('names the key that is wrong', () => {
    const r = xConfigSchema.safeParse({ enabled: true, maxRules: 0, baseUrl: 'nope', bearerToken: 'x' });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.') || (i as { keys?: string[] }).keys?.join(','));
    expect(paths).toEqual(expect.arrayContaining(['maxRules', 'baseUrl', 'bearerToken']));
  });

  it('registers as the social source "x"', () => {
    expect(xSource).toMatchObject({ name: 'x', kind: 'social' });
  });
});
