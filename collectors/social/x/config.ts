// `sources.x` in config.yaml. Validation only: the bearer token is read at start (from the
// environment, never from this file), so a disabled source needs none.
import { z } from 'zod';

export const DEFAULT_X_BASE_URL = 'https://api.x.com';
export const DEFAULT_X_TAG_PREFIX = 'cryptocrawler:';
/** Rule length limit of the Basic/Pro tiers, in characters. */
export const DEFAULT_X_MAX_RULE_LENGTH = 512;
/** Rule count limit of the Basic tier. */
export const DEFAULT_X_MAX_RULES = 5;
/** A stream line longer than this (characters) is dropped as malformed. */
export const DEFAULT_X_MAX_LINE_CHARS = 1_000_000;
export const X_BEARER_TOKEN_ENV = 'X_BEARER_TOKEN';

export const xConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** API origin; tests point it at a local fake. */
    baseUrl: z
      .url({ message: 'expected an http(s) URL such as "https://api.x.com"' })
      .default(DEFAULT_X_BASE_URL),
    /** Keywords for the stream rules; default: every keyword of every topic. */
    keywords: z.array(z.string().trim().min(1)).min(1).optional(),
    /** Tag prefix that marks the rules this collector owns; rules without it are never touched. */
    tagPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 letters, digits, "_", ".", ":" or "-"')
      .default(DEFAULT_X_TAG_PREFIX),
    maxRuleLength: z.number().int().min(64).max(4096).default(DEFAULT_X_MAX_RULE_LENGTH),
    maxRules: z.number().int().min(1).max(1000).default(DEFAULT_X_MAX_RULES),
    /** Use the `$cashtag` operator for "$BTC" keywords (needs a higher access tier). */
    cashtagOperator: z.boolean().default(false),
    maxLineChars: z.number().int().min(1024).max(16_000_000).default(DEFAULT_X_MAX_LINE_CHARS),
  })
  .strict();

export type XConfig = z.infer<typeof xConfigSchema>;
