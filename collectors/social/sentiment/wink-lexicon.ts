/**
 * wink-nlp's general English sentiment lexicon, read once per process from
 * wink-eng-lite-web-model.
 *
 * Why not call `nlp.readDoc(text).out(its.sentiment)` per post: the full document pipeline
 * (tokenizer, automata, document model) does about 15-30k tweets/s on one core, and the post
 * pipeline as a whole must do 20k/s. So the model's sentiment machine (a finite-state automaton
 * over token ids) is walked once at start-up into a plain map of terms and phrases, and the fast
 * tokenizer in `tokenize.ts` looks terms up directly. `wink-lexicon.test.ts` checks, word by
 * word, that the extracted values equal what `readDoc` reports, so a model upgrade that changes
 * the internal layout fails a test instead of silently scoring zero.
 */
import winkModel from 'wink-eng-lite-web-model';
import { T_EMOJI, T_EMOTICON, T_NUMBER, T_WORD, createTokenBuffer, tokenize } from './tokenize.ts';

/** The parts of the model this module reads (documented nowhere, hence pinned by a test). */
interface WinkModelInternals {
  core(): { features: { lexeme: { list: string[] } } };
  sa(): { machines: string[] };
}

/** wink's automaton JSON: [version, lastState, transitions, terminalStates, marked, custom]. */
type WinkMachine = [number, number, Record<string, Record<string, number>>, Record<string, string>];

/** The automaton's "any other token" transition: the pattern ended at the previous token. */
const OTHERWISE_UID = '2070003';
/** Longest phrase kept, in tokens. */
const MAX_PHRASE_TOKENS = 5;
const SCORABLE = new Set([T_WORD, T_NUMBER, T_EMOJI, T_EMOTICON]);

let cached: ReadonlyMap<string, number> | undefined;

/**
 * The general lexicon: key = our tokens joined by one space, value = wink's polarity in [-1, 1].
 * Built on first call (about 150 ms) and shared by every scorer in the process.
 */
export function winkSentimentLexicon(): ReadonlyMap<string, number> {
  cached ??= extract(winkModel as unknown as WinkModelInternals);
  return cached;
}

function extract(model: WinkModelInternals): ReadonlyMap<string, number> {
  const lexemes = model.core().features.lexeme.list;
  const machine = JSON.parse(model.sa().machines[0] as string) as WinkMachine;
  const transitions = machine[2];
  const terminals = machine[3];
  const raw: Array<[string[], number]> = [];

  const walk = (state: number, path: string[], seen: Set<number>): void => {
    const edges = transitions[state];
    if (edges === undefined) return;
    for (const uid in edges) {
      const next = edges[uid] as number;
      if (uid === OTHERWISE_UID) {
        const value = terminals[next];
        if (value !== undefined && path.length > 0) raw.push([path, Number(value) / 1000]);
        continue;
      }
      const word = lexemes[Number(uid)];
      if (word === undefined) continue;
      const value = terminals[next];
      if (value !== undefined) {
        raw.push([[...path, word], Number(value) / 1000]);
        continue;
      }
      if (next === 0 || seen.has(next) || path.length + 1 >= MAX_PHRASE_TOKENS) continue;
      seen.add(next);
      walk(next, [...path, word], seen);
      seen.delete(next);
    }
  };
  walk(0, [], new Set([0]));

  // Re-tokenize each entry with our tokenizer so keys match what score() sees ("n't" -> "not",
  // "all - round" -> "all round", case folded).
  const out = new Map<string, number>();
  const buf = createTokenBuffer();
  for (const [words, value] of raw) {
    if (!Number.isFinite(value)) continue;
    const n = tokenize(words.join(' '), buf);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) if (SCORABLE.has(buf.kinds[i] as number)) parts.push(buf.values[i] as string);
    // A zero phrase ("any good", "no good") is kept: it stops its words from scoring.
    if (parts.length === 0 || (value === 0 && parts.length === 1)) continue;
    const key = parts.join(' ');
    if (!out.has(key)) out.set(key, Math.max(-1, Math.min(1, value)));
  }
  return out;
}
