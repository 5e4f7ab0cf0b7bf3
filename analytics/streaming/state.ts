// The detector's whole memory as one plain record, and its JSON form. A snapshot holds numbers and
// arrays of numbers only; NaN and infinities (which JSON cannot hold) travel as strings, so
// restore(JSON.parse(JSON.stringify(snapshot))) continues bit-identically.
import { type DiscordState, discordCapacity, discordScaleCount, discordValuesLength } from './discord.ts';
import { type StreamingOptions, resolveStreamingOptions } from './options.ts';

export const STREAMING_STATE_VERSION = 3;
export const STREAMING_STATE_KIND = 'cryptocrawler.streaming-detector';

/** EWMA means of the deseasonalised value, from fast to slow; their differences are the details. */
export const SCALES = 5;

/** Everything the detector keeps; the subsequence-novelty fields (`discord*`) are declared in discord.ts. */
export interface DetectorState extends DiscordState {
  options: StreamingOptions;
  /** Finite values seen. */
  n: number;
  lastTimeMs: number;
  /** First spacings between points, until the step is fixed. */
  spacings: number[];
  stepMs: number;
  /** Slots per day (0 = no profile). */
  period: number;
  /** Deseasonalised level and the per-slot daily profile around it, with visits per slot. */
  base: number;
  season: Float64Array;
  seasonVisits: Float64Array;
  /** The anomaly score of each slot's last visit. */
  seasonSurprise: Float64Array;
  /** Slots per week (0 = no weekly correction), and the weekly correction to the daily profile. */
  weekPeriod: number;
  week: Float64Array;
  weekVisits: Float64Array;
  /** Mean absolute out-of-sample miss of the daily profile alone, and with the weekly correction. */
  weekErrDaily: number;
  weekErrWeekly: number;
  /** Mean squared deviation from the level, and from level + profile (out of sample). */
  seasonTotal: number;
  seasonResidual: number;
  /** EWMA means of the deseasonalised value (SCALES of them, fast to slow). */
  means: Float64Array;
  /** Robust scale (mean absolute value) of each detail, and of the short-term spread's log ratio. */
  detailScales: Float64Array;
  /** Short-term mean absolute one-step residual (for variance changes). */
  spreadShort: number;
  spreadScale: number;
  /** Slowly forgotten records of the point, multi-scale, variance and likelihood statistics. */
  records: Float64Array;
  /** Range of each EWMA mean since the scales settled. */
  meanMin: Float64Array;
  meanMax: Float64Array;
  /** Visits of each cell of the context grids (2 grids of contextBins^2). */
  contexts: Float64Array;
  /** Range of the deseasonalised value since the daily profile was trusted. */
  yMin: number;
  yMax: number;
  min: number;
  max: number;
  /** Ring of the last raw scores for the likelihood's short means. */
  ring: Float64Array;
  ringPos: number;
  longMean: number;
  longVar: number;
  lastValue: number;
  run: number;
  longestRun: number;
  /** Points since the last flag (Infinity = none yet). */
  sinceFlag: number;
}

/** Cells of the two context grids (none when the part is off). */
export function contextCells(options: StreamingOptions): number {
  return options.parts.context ? 2 * options.contextBins * options.contextBins : 0;
}

export function initialState(options: StreamingOptions): DetectorState {
  return {
    options,
    n: 0,
    lastTimeMs: Number.NaN,
    spacings: [],
    stepMs: Number.NaN,
    period: 0,
    base: Number.NaN,
    season: new Float64Array(0),
    seasonVisits: new Float64Array(0),
    seasonSurprise: new Float64Array(0),
    weekPeriod: 0,
    week: new Float64Array(0),
    weekVisits: new Float64Array(0),
    weekErrDaily: 0,
    weekErrWeekly: 0,
    seasonTotal: 0,
    seasonResidual: 0,
    means: new Float64Array(SCALES),
    detailScales: new Float64Array(SCALES + 1),
    spreadShort: 0,
    spreadScale: 0,
    records: new Float64Array(4),
    meanMin: new Float64Array(SCALES).fill(Number.POSITIVE_INFINITY),
    meanMax: new Float64Array(SCALES).fill(Number.NEGATIVE_INFINITY),
    contexts: new Float64Array(contextCells(options)),
    yMin: Number.POSITIVE_INFINITY,
    yMax: Number.NEGATIVE_INFINITY,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    ring: new Float64Array(options.shortWindow),
    ringPos: 0,
    longMean: 0,
    longVar: 0,
    lastValue: Number.NaN,
    run: 0,
    longestRun: 0,
    sinceFlag: Number.POSITIVE_INFINITY,
    discordValues: new Float64Array(discordValuesLength(options)),
    discordLength: new Float64Array(discordScaleCount(options)),
    discordNearest: new Float64Array(discordScaleCount(options)).fill(-1),
    discordBlockSum: new Float64Array(discordScaleCount(options)),
    discordBlockCount: new Float64Array(discordScaleCount(options)),
    discordMean: new Float64Array(discordScaleCount(options)),
    discordVar: new Float64Array(discordScaleCount(options)),
    discordCount: new Float64Array(discordScaleCount(options)),
    discordArmed: new Float64Array(discordScaleCount(options)).fill(1),
  };
}

type Json = number | string;
const toJson = (v: number): Json => (Number.isFinite(v) ? v : String(v));
function fromJson(v: unknown, key: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  throw new Error(`bad streaming detector state at ${key}: not a number`);
}

export function encodeState(s: DetectorState): unknown {
  const out: Record<string, unknown> = {
    kind: STREAMING_STATE_KIND,
    version: STREAMING_STATE_VERSION,
  };
  for (const [key, value] of Object.entries(s)) {
    if (key === 'options') out[key] = structuredClone(value);
    else if (typeof value === 'number') out[key] = toJson(value);
    else out[key] = Array.from(value as ArrayLike<number>, toJson);
  }
  return out;
}

/** Inverse of encodeState; throws an Error naming what is wrong with a foreign or damaged state. */
export function decodeState(value: unknown): DetectorState {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (record.kind !== STREAMING_STATE_KIND) {
    throw new Error(`not a streaming detector state (kind ${JSON.stringify(record.kind)})`);
  }
  if (record.version !== STREAMING_STATE_VERSION) {
    throw new Error(
      `streaming detector state version ${JSON.stringify(record.version)} is not ${STREAMING_STATE_VERSION}; start a new detector`,
    );
  }
  const options = resolveStreamingOptions(record.options as Partial<StreamingOptions>);
  // The fresh state of the same options is the template: every field must be there, of its type.
  const state = initialState(options) as unknown as Record<string, unknown>;
  for (const [key, template] of Object.entries(state)) {
    if (key === 'options') continue;
    const v = record[key];
    if (typeof template === 'number') state[key] = fromJson(v, key);
    else {
      if (!Array.isArray(v)) throw new Error(`bad streaming detector state at ${key}: not an array`);
      const values = v.map((item, i) => fromJson(item, `${key}.${i}`));
      state[key] = template instanceof Float64Array ? Float64Array.from(values) : values;
    }
  }
  const s = state as unknown as DetectorState;
  const lengths: [string, number, number][] = [
    ['ring', s.ring.length, options.shortWindow],
    ['means', s.means.length, SCALES],
    ['contexts', s.contexts.length, contextCells(options)],
    ['records', s.records.length, 4],
    ['meanMin', s.meanMin.length, SCALES],
    ['meanMax', s.meanMax.length, SCALES],
    ['detailScales', s.detailScales.length, SCALES + 1],
    ['season', s.season.length, s.period],
    ['seasonVisits', s.seasonVisits.length, s.period],
    ['seasonSurprise', s.seasonSurprise.length, s.period],
    ['week', s.week.length, s.weekPeriod],
    ['weekVisits', s.weekVisits.length, s.weekPeriod],
    ['discordValues', s.discordValues.length, discordValuesLength(options)],
    ...(
      [
        'discordLength',
        'discordNearest',
        'discordBlockSum',
        'discordBlockCount',
        'discordMean',
        'discordVar',
        'discordCount',
        'discordArmed',
      ] as const
    ).map((key): [string, number, number] => [key, s[key].length, discordScaleCount(options)]),
  ];
  for (const [key, got, want] of lengths) {
    if (got !== want)
      throw new Error(`bad streaming detector state at ${key}: length ${got}, expected ${want}`);
  }
  for (const key of ['n', 'period', 'weekPeriod', 'ringPos', 'run', 'longestRun'] as const) {
    if (!Number.isInteger(s[key]) || s[key] < 0) {
      throw new Error(`bad streaming detector state at ${key}: not a count`);
    }
  }
  for (let k = 0; k < discordScaleCount(options); k++) {
    const length = s.discordLength[k] as number;
    if (!Number.isInteger(length) || length < 0 || length > discordCapacity(options))
      throw new Error(`bad streaming detector state at discordLength.${k}: out of range`);
  }
  if (s.ringPos >= options.shortWindow)
    throw new Error('bad streaming detector state at ringPos: out of range');
  return s;
}
