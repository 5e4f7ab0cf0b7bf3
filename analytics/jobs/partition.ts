// Which analytics instance evaluates what: `analytics.partition: "k/N"` places the configured work on a
// hash ring (consistent hashing with virtual nodes) and instance k keeps what lands on its arcs. Pure.
//
// The unit placed on the ring is a coin with every topic paired with it (key "coin:BTC"); a topic with
// no coin is a unit of its own ("topic:football"). A pair therefore goes wherever its coin goes, and
// with it everything per series that the pair reads: the coin's price and return anomalies, and each
// of its topics' volume, sentiment and anomaly series. Every series is read and evaluated by exactly
// one instance (no overlap, no gap, and N instances together read what one reads), without the jobs
// knowing about partitions: they see a config with fewer topics and coins.
//
// Consistent hashing keeps moves small when N changes: going from N to N+1 instances moves about
// 1/(N+1) of the units, so the other instances' state (e.g. streaming detectors) stays warm.
import { type Member, WHOLE } from '../../src/core/config/member.ts';
import { mix32 } from '../../src/core/random.ts';
import { streamId as fnv1a32 } from '../../collectors/social/simulate/rng.ts';

/** Virtual nodes per instance: with 64, the largest share stays within about ±30% of 1/N. */
export const DEFAULT_VIRTUAL_NODES = 64;

export interface PartitionInput {
  topics: ReadonlyArray<{ name: string; coin?: string | undefined }>;
  coins: readonly string[];
}

export interface PartitionShare {
  /** Topic names this instance reads and evaluates, in config order. */
  topics: string[];
  /** Coins this instance reads and evaluates, in config order. */
  coins: string[];
}

function position(key: string): number {
  // FNV-1a alone clusters short keys that differ in the last character; the mixer spreads them.
  return mix32(fnv1a32(key));
}

/** A hash ring of `count` members: the member that owns a key. */
export class HashRing {
  private readonly points: Uint32Array;
  private readonly owners: Uint16Array;

  constructor(count: number, virtualNodes = DEFAULT_VIRTUAL_NODES) {
    const nodes: Array<[number, number]> = [];
    for (let m = 0; m < count; m++)
      for (let v = 0; v < virtualNodes; v++) nodes.push([position(`member-${m}#${v}`), m]);
    // Ties (vanishingly rare) are broken by member, so every process builds the same ring.
    nodes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.points = Uint32Array.from(nodes.map((n) => n[0]));
    this.owners = Uint16Array.from(nodes.map((n) => n[1]));
  }

  /** The member owning `key`: the first virtual node at or after the key's position, wrapping. */
  ownerOf(key: string): number {
    const p = position(key);
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    return this.owners[lo === this.points.length ? 0 : lo]!;
  }
}

/** The ring key of a topic: its coin's unit when it has one, its own otherwise. */
export function unitKey(topic: { name: string; coin?: string | undefined }): string {
  return topic.coin === undefined ? `topic:${topic.name}` : `coin:${topic.coin}`;
}

/** The topics and coins instance `member.index` of `member.count` evaluates. */
export function partitionShare(input: PartitionInput, member: Member = WHOLE): PartitionShare {
  if (member.count <= 1) return { topics: input.topics.map((t) => t.name), coins: [...input.coins] };
  const ring = new HashRing(member.count);
  const mine = (key: string): boolean => ring.ownerOf(key) === member.index;
  return {
    topics: input.topics.filter((t) => mine(unitKey(t))).map((t) => t.name),
    coins: input.coins.filter((c) => mine(`coin:${c}`)),
  };
}
