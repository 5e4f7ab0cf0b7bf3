// Filtered-stream rules built from the configured keywords, and the diff that syncs them. Pure.
//
// Each rule is `(<kw> OR <kw> ...) lang:en -is:retweet`, packed greedily up to `maxRuleLength`
// characters and at most `maxRules` rules (X's limits per access tier). A phrase ("premier league")
// is quoted; "#tag" uses the hashtag operator; "$BTC" uses the cashtag operator only when enabled
// (it needs a higher tier) and is a plain keyword otherwise, which X matches case-insensitively.

export const RULE_SUFFIX = 'lang:en -is:retweet';

export interface StreamRule {
  value: string;
  tag: string;
}

export interface ExistingRule extends StreamRule {
  id: string;
}

export interface RuleTopic {
  name: string;
  keywords: string[];
}

export interface BuildRulesOptions {
  maxRuleLength: number;
  maxRules: number;
  tagPrefix: string;
  cashtagOperator: boolean;
}

export class RuleBuildError extends Error {
  override readonly name = 'RuleBuildError';
}

const BARE = /^[\p{L}\p{N}_]+$/u;

/** One keyword as an X query term. */
export function keywordTerm(keyword: string, cashtagOperator: boolean): string {
  const k = keyword.trim();
  const body = k.replace(/^[#$]/, '');
  if (k.startsWith('#') && BARE.test(body)) return `#${body}`;
  if (k.startsWith('$') && BARE.test(body) && cashtagOperator) return `$${body}`;
  if (BARE.test(body)) return body;
  // Phrases and anything with punctuation are exact-phrase matches; quotes inside are escaped.
  return `"${body.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function ruleValue(terms: string[]): string {
  return `(${terms.join(' OR ')}) ${RULE_SUFFIX}`;
}

/**
 * Packs the keywords of the topics into rules. Throws RuleBuildError naming the keyword that cannot
 * fit in one rule, or the number of rules needed when more than `maxRules`.
 */
export function buildRules(topics: RuleTopic[], o: BuildRulesOptions): StreamRule[] {
  const seen = new Set<string>();
  const groups: Array<{ terms: string[]; topics: string[] }> = [];
  let cur: { terms: string[]; topics: string[] } | undefined;
  for (const topic of topics) {
    for (const kw of topic.keywords) {
      const term = keywordTerm(kw, o.cashtagOperator);
      if (term === '""' || seen.has(term.toLowerCase())) continue;
      seen.add(term.toLowerCase());
      if (ruleValue([term]).length > o.maxRuleLength)
        throw new RuleBuildError(
          `[source=x] keyword "${kw}" of topic "${topic.name}" makes a rule of ${ruleValue([term]).length} characters; maxRuleLength is ${o.maxRuleLength}`,
        );
      if (!cur || ruleValue([...cur.terms, term]).length > o.maxRuleLength) {
        cur = { terms: [], topics: [] };
        groups.push(cur);
      }
      cur.terms.push(term);
      if (!cur.topics.includes(topic.name)) cur.topics.push(topic.name);
    }
  }
  if (groups.length > o.maxRules)
    throw new RuleBuildError(
      `[source=x] the keywords need ${groups.length} rules of at most ${o.maxRuleLength} characters; maxRules is ${o.maxRules} (use fewer keywords or a higher tier's limits)`,
    );
  return groups.map((g) => ({
    value: ruleValue(g.terms),
    tag: `${o.tagPrefix}${g.topics.join(',')}`.slice(0, 128),
  }));
}

export interface RulesDiff {
  add: StreamRule[];
  /** Ids of our rules that are no longer wanted. */
  delete: string[];
  /** Our rules that stay as they are. */
  keep: ExistingRule[];
  /** Rules without our tag prefix: never touched. */
  foreign: ExistingRule[];
}

/** What to add and delete so that our rules (tag prefix) equal `wanted`; others are left alone. */
export function diffRules(existing: ExistingRule[], wanted: StreamRule[], tagPrefix: string): RulesDiff {
  const ours = existing.filter((r) => typeof r.tag === 'string' && r.tag.startsWith(tagPrefix));
  const foreign = existing.filter((r) => !(typeof r.tag === 'string' && r.tag.startsWith(tagPrefix)));
  const wantedValues = new Set(wanted.map((w) => w.value));
  const keep: ExistingRule[] = [];
  const del: string[] = [];
  const kept = new Set<string>();
  for (const r of ours) {
    // A second copy of the same value (left by an interrupted sync) is stale too.
    if (wantedValues.has(r.value) && !kept.has(r.value)) {
      keep.push(r);
      kept.add(r.value);
    } else del.push(r.id);
  }
  const add = wanted.filter((w) => !kept.has(w.value));
  return { add, delete: del, keep, foreign };
}
