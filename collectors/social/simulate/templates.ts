// Text pools for synthetic posts. `{kw}` is replaced by one of the topic's keywords. Topics with a coin
// use the crypto pools, others the general ones. The model only decides how many posts of each label
// a minute has; these texts make the real sentiment scorer agree (checked by templates.test.ts and,
// for custom keywords, filtered at start by routing and scoring each combination).
import type { SentimentLabel } from '../types.ts';

export type TemplatePools = Readonly<Record<SentimentLabel, readonly string[]>>;

export const CRYPTO_TEMPLATES: TemplatePools = {
  pos: [
    '{kw} to the moon! So bullish right now',
    'Just bought more {kw}, this rally is amazing',
    '{kw} pumping hard, new ATH incoming',
    'HODL {kw}, gains are looking great today',
    'Love how strong {kw} looks this week, very bullish',
    '{kw} breakout confirmed, excellent day for holders',
  ],
  neg: [
    '{kw} is dumping hard, got rekt again',
    'Sold all my {kw}, this crash is brutal',
    '{kw} looks like a scam, total rug pull vibes',
    'Bearish on {kw}, this dump is ugly',
    '{kw} bleeding again, terrible week for holders',
    'Panic selling {kw}, worst loss this year',
  ],
  neu: [
    'Anyone tracking the {kw} order book today',
    'Reading the {kw} whitepaper this evening',
    '{kw} volume report for the last hour',
    'Moving my {kw} to a hardware wallet',
    'Watching the {kw} chart on my phone',
    'What time does the {kw} conference start',
  ],
};

export const GENERAL_TEMPLATES: TemplatePools = {
  pos: [
    'Loving the {kw} today, what a great time',
    '{kw} made my day, absolutely wonderful',
    'Best {kw} in weeks, so happy',
    'Really enjoying the {kw} this afternoon, brilliant',
  ],
  neg: [
    'Awful {kw} today, really disappointed',
    'The {kw} ruined my plans, terrible',
    'Worst {kw} in ages, so annoying',
    'Hate the {kw} this week, horrible',
  ],
  neu: [
    'Checking the {kw} schedule for tomorrow',
    'Talking about {kw} with friends later',
    '{kw} update posted this afternoon',
    'Looking up {kw} times for the weekend',
  ],
};

/** Spellings of a keyword as people write them: as configured, capitalised, hashtag, and cashtag for a coin. */
export function keywordVariants(keywords: readonly string[], coin?: string): string[] {
  const out = new Set<string>();
  for (const k of keywords) {
    const kw = k.replace(/^[#$]/, '');
    if (!kw) continue;
    out.add(kw);
    out.add(kw.charAt(0).toUpperCase() + kw.slice(1));
    if (!/\s/.test(kw)) out.add(`#${kw}`);
  }
  if (coin && keywords.some((k) => k.replace(/^[#$]/, '').toLowerCase() === coin.toLowerCase()))
    out.add(`$${coin}`);
  return [...out];
}

export function fill(template: string, keyword: string): string {
  return template.replace('{kw}', keyword);
}
