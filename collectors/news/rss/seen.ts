// What each feed has already delivered, kept across restarts: the last `maxPerFeed` item ids (guid or
// link) and the validators for conditional GET (ETag, Last-Modified). One JSON file in the state dir,
// replaced atomically.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../../src/core/state-file.ts';

export interface FeedState {
  ids: string[];
  etag?: string;
  lastModified?: string;
}

export class SeenStore {
  private readonly feeds = new Map<
    string,
    { order: string[]; set: Set<string>; etag?: string; lastModified?: string }
  >();
  private dirty = false;

  constructor(
    private readonly file: string | undefined,
    private readonly maxPerFeed: number,
  ) {
    if (file) this.load(file);
  }

  has(feed: string, id: string): boolean {
    return this.feeds.get(feed)?.set.has(id) ?? false;
  }

  add(feed: string, id: string): void {
    const f = this.feed(feed);
    if (f.set.has(id)) return;
    f.order.push(id);
    f.set.add(id);
    while (f.order.length > this.maxPerFeed) f.set.delete(f.order.shift()!);
    this.dirty = true;
  }

  validators(feed: string): { etag?: string; lastModified?: string } {
    const f = this.feeds.get(feed);
    return {
      ...(f?.etag ? { etag: f.etag } : {}),
      ...(f?.lastModified ? { lastModified: f.lastModified } : {}),
    };
  }

  setValidators(feed: string, v: { etag?: string; lastModified?: string }): void {
    const f = this.feed(feed);
    if (f.etag === v.etag && f.lastModified === v.lastModified) return;
    f.etag = v.etag;
    f.lastModified = v.lastModified;
    this.dirty = true;
  }

  count(feed: string): number {
    return this.feeds.get(feed)?.order.length ?? 0;
  }

  /** Writes the file when something changed. */
  save(): void {
    if (!this.file || !this.dirty) return;
    const out: Record<string, FeedState> = {};
    for (const [k, f] of this.feeds)
      out[k] = {
        ids: f.order,
        ...(f.etag ? { etag: f.etag } : {}),
        ...(f.lastModified ? { lastModified: f.lastModified } : {}),
      };
    writeFileAtomic(this.file, JSON.stringify(out));
    this.dirty = false;
  }

  private feed(name: string) {
    let f = this.feeds.get(name);
    if (!f) {
      f = { order: [], set: new Set() };
      this.feeds.set(name, f);
    }
    return f;
  }

  private load(file: string): void {
    let j: unknown;
    try {
      j = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // No file yet, or a corrupt one: start empty (at worst recent headlines are written again,
      // landing on the same points).
      return;
    }
    if (!j || typeof j !== 'object') return;
    for (const [name, s] of Object.entries(j as Record<string, unknown>)) {
      if (!s || typeof s !== 'object') continue;
      const st = s as Partial<FeedState>;
      const ids = Array.isArray(st.ids)
        ? st.ids.filter((x): x is string => typeof x === 'string').slice(-this.maxPerFeed)
        : [];
      this.feeds.set(name, {
        order: ids,
        set: new Set(ids),
        ...(typeof st.etag === 'string' ? { etag: st.etag } : {}),
        ...(typeof st.lastModified === 'string' ? { lastModified: st.lastModified } : {}),
      });
    }
  }
}
