import { describe, expect, it } from 'vitest';
import winkNLP from 'wink-nlp';
import winkModel from 'wink-eng-lite-web-model';
import { winkSentimentLexicon } from './wink-lexicon.ts';

describe('wink sentiment lexicon extraction', () => {
  const lexicon = winkSentimentLexicon();

  it('reads thousands of terms and phrases from the model, once per process', () => {
    expect(lexicon.size).toBeGreaterThan(8000);
    expect(winkSentimentLexicon()).toBe(lexicon);
    expect(lexicon.get('good')).toBeGreaterThan(0);
    expect(lexicon.get('terrible')).toBeLessThan(0);
    expect(lexicon.get(':)')).toBeGreaterThan(0);
    expect(lexicon.get('any good')).toBe(0); // a zero phrase blocks "good"
  });

  it("agrees with wink's own readDoc sentiment on single words", () => {
    const nlp = winkNLP(winkModel, ['negation', 'sentiment']);
    const singles = [...lexicon].filter(([k]) => /^[a-z]+$/.test(k));
    // Every 25th word: about 300 checks, across the whole alphabet.
    const sample = singles.filter((_, i) => i % 25 === 0);
    let agree = 0;
    for (const [word, value] of sample) {
      if (Math.abs((nlp.readDoc(word).out(nlp.its.sentiment) as number) - value) < 1e-9) agree++;
    }
    // British spellings are mapped to American ones inside readDoc; everything else must agree.
    expect(sample.length).toBeGreaterThan(200);
    expect(agree / sample.length).toBeGreaterThan(0.98);
  });
});
