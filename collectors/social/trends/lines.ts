// Line protocol of the trend results (bucket `main`). Cardinality stays bounded: the tags are the
// topic, the interval, a rank 1..N and a coin symbol; a term is always a field, never a tag.
//
//   trend,interval=5m,rank=1,topic=bitcoin baseline_count=0.4,count=31i,emerging=true,score=212.7,term="$zorbx" <start ns>
//   emerging_term,interval=5m,rank=1,topic=bitcoin baseline_count=0.4,count=31i,score=212.7,term="$zorbx" <start ns>
//   theme,theme=1,topic=bitcoin coherence=0.21,model_coherence=0.18,posts=1600i,share=0.34,terms="etf, approval, sec" <start ns>
//   share_of_voice,interval=1h,symbol=BTC count=1200i,share=0.52,total=2300i <start ns>
import { formatDurationSeconds } from '../../../src/core/config/duration.ts';
import { toLine } from '../../../src/core/write/line.ts';
import type { EmergingRow, ShareRow, ThemeRow, TrendRow } from './engine.ts';

export function intervalTag(ms: number): string {
  return formatDurationSeconds(Math.round(ms / 1000));
}

function ns(ms: number): string {
  return (BigInt(ms) * 1_000_000n).toString();
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function trendLine(r: TrendRow): string {
  return toLine({
    measurement: 'trend',
    tags: { topic: r.topic, interval: intervalTag(r.intervalMs), rank: String(r.rank) },
    fields: {
      term: r.term,
      count: { int: r.count },
      baseline_count: round(r.baselineCount),
      score: round(r.score),
      emerging: r.emerging,
    },
    timeNs: ns(r.startMs),
  });
}

export function emergingLine(r: EmergingRow): string {
  return toLine({
    measurement: 'emerging_term',
    tags: { topic: r.topic, interval: intervalTag(r.intervalMs), rank: String(r.rank) },
    fields: {
      term: r.term,
      count: { int: r.count },
      baseline_count: round(r.baselineCount),
      score: round(r.score),
    },
    timeNs: ns(r.startMs),
  });
}

export function themeLine(r: ThemeRow): string {
  return toLine({
    measurement: 'theme',
    tags: { topic: r.topic, theme: String(r.theme) },
    fields: {
      terms: r.terms.join(', '),
      share: round(r.share),
      coherence: round(r.coherence),
      model_coherence: round(r.modelCoherence),
      posts: { int: r.posts },
    },
    timeNs: ns(r.startMs),
  });
}

export function shareLine(r: ShareRow): string {
  return toLine({
    measurement: 'share_of_voice',
    tags: { interval: intervalTag(r.intervalMs), symbol: r.symbol },
    fields: { share: round(r.share), count: { int: r.count }, total: { int: r.total } },
    timeNs: ns(r.startMs),
  });
}
