// Pure parsing of Jetstream messages (one JSON object per WebSocket text frame).
//
// A post (trimmed; `wantedCollections=app.bsky.feed.post`):
//   {"did":"did:plc:eygmaihciaxprqvxpfvl6flk","time_us":1725911162329308,"kind":"commit",
//    "commit":{"rev":"3l3qo2vutsw2b","operation":"create","collection":"app.bsky.feed.post",
//     "rkey":"3l3qo2vuowo2b","record":{"$type":"app.bsky.feed.post","createdAt":"2024-09-09T19:46:02.102Z",
//     "langs":["en"],"text":"Bitcoin is ripping today"},"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lzzmy"}}
// Other kinds carry no post and are skipped (counted):
//   {"did":"did:plc:...","time_us":1725516665234703,"kind":"identity","identity":{"did":"...","handle":"x.bsky.social","seq":1409752997,"time":"2024-09-05T06:11:04.870Z"}}
//   {"did":"did:plc:...","time_us":1725516665333808,"kind":"account","account":{"active":true,"did":"...","seq":1409753013,"time":"2024-09-05T06:11:04.870Z"}}
//   commits with "operation":"update" or "delete" (a delete has no record)
import type { RawPost } from '../types.ts';

export const POST_COLLECTION = 'app.bsky.feed.post';

export type JetstreamItem =
  | { kind: 'post'; timeUs: number; key: string; post: RawPost }
  | { kind: 'skip'; timeUs: number; reason: SkipReason }
  | { kind: 'malformed'; timeUs?: number; reason: 'invalid_json' | 'not_object' | 'missing_field' };

export type SkipReason =
  | 'identity'
  | 'account'
  | 'commit_update'
  | 'commit_delete'
  | 'commit_other'
  | 'other_collection'
  | 'unknown_kind';

const MAX_KEY_CHARS = 200;

export function parseJetstreamMessage(text: string): JetstreamItem {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'invalid_json' };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return { kind: 'malformed', reason: 'not_object' };
  const e = v as { did?: unknown; time_us?: unknown; kind?: unknown; commit?: unknown };
  if (typeof e.time_us !== 'number' || !Number.isSafeInteger(e.time_us) || e.time_us <= 0)
    return { kind: 'malformed', reason: 'missing_field' };
  const timeUs = e.time_us;
  if (e.kind === 'identity' || e.kind === 'account') return { kind: 'skip', timeUs, reason: e.kind };
  if (e.kind !== 'commit') return { kind: 'skip', timeUs, reason: 'unknown_kind' };
  if (e.commit === null || typeof e.commit !== 'object')
    return { kind: 'malformed', timeUs, reason: 'missing_field' };
  const c = e.commit as { operation?: unknown; collection?: unknown; rkey?: unknown; record?: unknown };
  if (c.operation === 'update') return { kind: 'skip', timeUs, reason: 'commit_update' };
  if (c.operation === 'delete') return { kind: 'skip', timeUs, reason: 'commit_delete' };
  if (c.operation !== 'create') return { kind: 'skip', timeUs, reason: 'commit_other' };
  if (c.collection !== POST_COLLECTION) return { kind: 'skip', timeUs, reason: 'other_collection' };
  if (typeof e.did !== 'string' || !e.did.startsWith('did:') || typeof c.rkey !== 'string' || c.rkey === '')
    return { kind: 'malformed', timeUs, reason: 'missing_field' };
  const key = `${e.did}/${c.rkey}`;
  if (key.length > MAX_KEY_CHARS) return { kind: 'malformed', timeUs, reason: 'missing_field' };
  const r = c.record as { text?: unknown; createdAt?: unknown; langs?: unknown } | null | undefined;
  if (r === null || typeof r !== 'object' || typeof r.text !== 'string')
    return { kind: 'malformed', timeUs, reason: 'missing_field' };
  // createdAt is set by the author's client and may be missing or odd; the relay's time then stands in.
  const created = typeof r.createdAt === 'string' ? Date.parse(r.createdAt) : NaN;
  const createdAtMs = Number.isFinite(created) ? created : Math.floor(timeUs / 1000);
  const langs = Array.isArray(r.langs) ? r.langs.filter((l): l is string => typeof l === 'string') : [];
  return {
    kind: 'post',
    timeUs,
    key,
    post: { id: key, text: r.text, createdAtMs, langs, authorId: e.did },
  };
}
