// The detector's whole memory as one plain record, and its JSON form. A snapshot holds numbers and
// arrays of numbers only; NaN and infinities (which JSON cannot hold) travel as strings, so
// restore(JSON.parse(JSON.stringify(snapshot))) continues bit-identically.
import { z } from 'zod';
import { type StreamingOptions, resolveStreamingOptions } from './options.ts';

export const STREAMING_STATE_VERSION = 1;
export const STREAMING_STATE_KIND = 'cryptocrawler.streaming-detector';

export interface DetectorState {
  options: StreamingOptions;
  /** Finite values seen. */
  n: number;
  lastTimeMs: number;
  /** First spacings between points, until the step is fixed. */
  spacings: number[];
  stepMs: number;
  /** Slots per day (0 = no profile). */
  period: number;
  level: number;
  /** Mean absolute residual from the local level. */
  localScale: number;
  /** Deseasonalised level and the per-slot profile around it. */
  base: number;
  season: Float64Array;
  seasonVisits: Float64Array;
  seasonScale: number;
  min: number;
  max: number;
  /** Ring of the last raw scores (and their signs) for the likelihood's short mean. */
  ring: Float64Array;
  ringSign: Float64Array;
  ringPos: number;
  longMean: number;
  longVar: number;
  lastValue: number;
  run: number;
  longestRun: number;
  /** Points since the last flag (Infinity = none yet). */
  sinceFlag: number;
}

export function initialState(options: StreamingOptions): DetectorState {
  return {
    options,
    n: 0,
    lastTimeMs: Number.NaN,
    spacings: [],
    stepMs: Number.NaN,
    period: 0,
    level: Number.NaN,
    localScale: 0,
    base: Number.NaN,
    season: new Float64Array(0),
    seasonVisits: new Float64Array(0),
    seasonScale: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    ring: new Float64Array(options.shortWindow),
    ringSign: new Float64Array(options.shortWindow),
    ringPos: 0,
    longMean: 0,
    longVar: 0,
    lastValue: Number.NaN,
    run: 0,
    longestRun: 0,
    sinceFlag: Number.POSITIVE_INFINITY,
  };
}

type Json = number | string;
const num = (v: number): Json => (Number.isFinite(v) ? v : String(v));
const nums = (a: ArrayLike<number>): Json[] => Array.from(a, num);

export function encodeState(s: DetectorState): unknown {
  return {
    kind: STREAMING_STATE_KIND,
    version: STREAMING_STATE_VERSION,
    options: structuredClone(s.options),
    n: s.n,
    lastTimeMs: num(s.lastTimeMs),
    spacings: nums(s.spacings),
    stepMs: num(s.stepMs),
    period: s.period,
    level: num(s.level),
    localScale: num(s.localScale),
    base: num(s.base),
    season: nums(s.season),
    seasonVisits: nums(s.seasonVisits),
    seasonScale: num(s.seasonScale),
    min: num(s.min),
    max: num(s.max),
    ring: nums(s.ring),
    ringSign: nums(s.ringSign),
    ringPos: s.ringPos,
    longMean: num(s.longMean),
    longVar: num(s.longVar),
    lastValue: num(s.lastValue),
    run: s.run,
    longestRun: s.longestRun,
    sinceFlag: num(s.sinceFlag),
  };
}

const jsonNumber = z.union([
  z.number(),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform((t) => Number(t)),
]);
const jsonArray = z.array(jsonNumber);
const stateSchema = z.object({
  kind: z.literal(STREAMING_STATE_KIND),
  version: z.literal(STREAMING_STATE_VERSION),
  options: z.record(z.string(), z.unknown()),
  n: z.number().int().min(0),
  lastTimeMs: jsonNumber,
  spacings: jsonArray,
  stepMs: jsonNumber,
  period: z.number().int().min(0),
  level: jsonNumber,
  localScale: jsonNumber,
  base: jsonNumber,
  season: jsonArray,
  seasonVisits: jsonArray,
  seasonScale: jsonNumber,
  min: jsonNumber,
  max: jsonNumber,
  ring: jsonArray,
  ringSign: jsonArray,
  ringPos: z.number().int().min(0),
  longMean: jsonNumber,
  longVar: jsonNumber,
  lastValue: jsonNumber,
  run: z.number().int().min(0),
  longestRun: z.number().int().min(0),
  sinceFlag: jsonNumber,
});

/** Inverse of encodeState; throws an Error naming what is wrong with a foreign or damaged state. */
export function decodeState(value: unknown): DetectorState {
  const kind = (value as { kind?: unknown } | null)?.kind;
  const version = (value as { version?: unknown } | null)?.version;
  if (kind !== STREAMING_STATE_KIND) {
    throw new Error(`not a streaming detector state (kind ${JSON.stringify(kind)})`);
  }
  if (version !== STREAMING_STATE_VERSION) {
    throw new Error(
      `streaming detector state version ${JSON.stringify(version)} is not ${STREAMING_STATE_VERSION}; start a new detector`,
    );
  }
  const parsed = stateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `bad streaming detector state at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const p = parsed.data;
  const options = resolveStreamingOptions(p.options as Partial<StreamingOptions>);
  if (p.ring.length !== options.shortWindow || p.ringSign.length !== options.shortWindow) {
    throw new Error('bad streaming detector state: ring length differs from options.shortWindow');
  }
  if (p.season.length !== p.period || p.seasonVisits.length !== p.period) {
    throw new Error('bad streaming detector state: season length differs from period');
  }
  return {
    ...p,
    options,
    season: Float64Array.from(p.season),
    seasonVisits: Float64Array.from(p.seasonVisits),
    ring: Float64Array.from(p.ring),
    ringSign: Float64Array.from(p.ringSign),
  };
}
