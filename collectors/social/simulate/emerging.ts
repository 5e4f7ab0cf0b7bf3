// Planted emerging terms: at known times a topic's posts start naming something never seen before (a
// new ticker, as a cashtag such as "$KOVAR"), in half of its posts for EMERGING_MINUTES. The term is
// appended to posts the model generates anyway, so counts, labels and every other planted truth stay
// as they were (a cashtag is never scored and names no topic). A pure function of the seed, the
// topic and the UTC day, like the anomalies; the trends end-to-end test measures recall against it.
import type { Config } from '../../../src/core/config/load.ts';
import { DAY_MINUTES, MINUTE_MS, SimModel, type SimTopic } from './model.ts';
import { hash3, streamId, uniform } from './rng.ts';
import { simulationSpec } from './truth.ts';

/** Emerging terms planted per topic and UTC day when `emergingTermsPerDay` is not set. */
export const DEFAULT_EMERGING_TERMS_PER_DAY = 2;
export const EMERGING_MINUTES = 30;
/** Share of the topic's posts that name the term while it is planted. */
export const EMERGING_SHARE = 0.5;
const S_EMERGING = streamId('emerging');
/** A planted name as the text table checks it: every name is one cashtag of the same length. */
export const EMERGING_PROBE = '$KOVAR';

export interface PlantedEmergingTerm {
  topic: string;
  /** As written in the posts ("$KOVAR") and as the trends count it ("$kovar"). */
  text: string;
  term: string;
  /** First minute (ms) and the end of the last one (exclusive). */
  startMs: number;
  endMs: number;
  share: number;
}

const CONSONANTS = 'BDFGKLMNPRSTVXZ';
const VOWELS = 'AEIOU';

/** A pronounceable five-letter name, consonant-vowel-consonant-vowel-consonant. */
function nameOf(h: number): string {
  let out = '';
  let x = h >>> 0;
  for (let i = 0; i < 5; i++) {
    const set = i % 2 === 0 ? CONSONANTS : VOWELS;
    out += set[x % set.length];
    x = Math.floor(x / set.length);
  }
  return out;
}

export function emergingPerDay(model: SimModel): number {
  return model.sim.emergingTermsPerDay ?? DEFAULT_EMERGING_TERMS_PER_DAY;
}

/** The terms planted for a topic on UTC day `day`, in time order. */
export function emergingTermsOfDay(model: SimModel, topic: SimTopic, day: number): PlantedEmergingTerm[] {
  const k = emergingPerDay(model);
  const out: PlantedEmergingTerm[] = [];
  if (k <= 0) return out;
  const slot = Math.floor(DAY_MINUTES / k);
  const usable = Math.max(1, slot - EMERGING_MINUTES);
  for (let i = 0; i < k; i++) {
    const idx = day * 64 + i;
    const start =
      day * DAY_MINUTES + i * slot + Math.floor(uniform(model.seed, S_EMERGING ^ topic.key, idx) * usable);
    const text = `$${nameOf(hash3(model.seed, S_EMERGING ^ topic.key, idx + 0x40000000))}`;
    out.push({
      topic: topic.name,
      text,
      term: text.toLowerCase(),
      startMs: start * MINUTE_MS,
      endMs: (start + EMERGING_MINUTES) * MINUTE_MS,
      share: EMERGING_SHARE,
    });
  }
  return out;
}

/** The term planted for a topic in minute t, if any. */
export function activeEmergingTerm(
  model: SimModel,
  topic: SimTopic,
  t: number,
): PlantedEmergingTerm | undefined {
  if (emergingPerDay(model) <= 0) return undefined;
  const ms = t * MINUTE_MS;
  const day = Math.floor(t / DAY_MINUTES);
  // A term planted late on the day before can still run into this one.
  for (const d of [day, day - 1])
    for (const e of emergingTermsOfDay(model, topic, d)) if (ms >= e.startMs && ms < e.endMs) return e;
  return undefined;
}

/** Whether post k of the minute names the planted term (seeded, independent of the post's other draws). */
export function namesTerm(model: SimModel, topic: SimTopic, t: number, k: number, share: number): boolean {
  return uniform(model.seed, S_EMERGING ^ topic.key ^ 0x5bd1e995, t * 4096 + k) < share;
}

/** Every term planted in [fromMs, toMs) for this configuration, in time order. */
export function plantedEmergingTerms(
  config: Pick<Config, 'topics' | 'quotes' | 'sources'>,
  fromMs: number,
  toMs: number,
): PlantedEmergingTerm[] {
  return emergingTermsOf(new SimModel(simulationSpec(config)), fromMs, toMs);
}

export function emergingTermsOf(model: SimModel, fromMs: number, toMs: number): PlantedEmergingTerm[] {
  const out: PlantedEmergingTerm[] = [];
  const d0 = Math.floor(fromMs / (DAY_MINUTES * MINUTE_MS)) - 1;
  const d1 = Math.floor((toMs - 1) / (DAY_MINUTES * MINUTE_MS));
  for (let d = d0; d <= d1; d++)
    for (const topic of model.topics)
      for (const e of emergingTermsOfDay(model, topic, d))
        if (e.endMs > fromMs && e.startMs < toMs) out.push(e);
  return out.sort((a, b) => a.startMs - b.startMs || a.topic.localeCompare(b.topic));
}
