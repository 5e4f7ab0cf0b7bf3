// Which collector instance handles which post: `collector.shard: "k/N"` owns the posts whose id hashes
// (FNV-1a, 32 bit) to k modulo N. Every shard reads the whole stream and drops the others' posts
// before anything is written, so N shards write disjoint posts and their rollups add up. Hashing the
// id (not the topic) spreads a single hot topic over every shard. Pure.

import { type Member, WHOLE } from '../../src/core/config/member.ts';
import { fnv1a32 } from '../../src/core/hash.ts';

/** A shard: index in [0, count) (collector.shard, "k/N"). The unsharded collector is 0/1. */
export type ShardSpec = Member;

export const UNSHARDED: ShardSpec = WHOLE;
/** The `instance` tag when `collector.instance` is not set (see docs/scaling.md). */
export const DEFAULT_INSTANCE = 'default';

export { parseMember as parseShard, memberLabel as shardLabel } from '../../src/core/config/member.ts';

/** The shard index a post id belongs to among `count` shards. */
export function shardOf(id: string, count: number): number {
  return count <= 1 ? 0 : fnv1a32(id) % count;
}

export function inShard(id: string, s: ShardSpec): boolean {
  return s.count <= 1 || fnv1a32(id) % s.count === s.index;
}
