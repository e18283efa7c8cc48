import type { Clock } from "../time";

// What the redirect needs of a link: small, so thousands fit in an isolate.
export type RedirectLink = {
  id: string;
  campaignId: string;
  influencerId: string;
  destinationUrl: string;
  // The query parameter names destinationUrl sets (see redirectLocation).
  destinationQueryKeys: string[];
  expiresAt: number | null;
  expiredUrl: string | null;
  disabled: boolean;
};

type Entry = { link: RedirectLink | null; storedAt: number };

// An in-isolate LRU of links by slug, with a TTL. Why not KV or the Cache API: both are a network
// hop per click; an isolate's memory is free and instant, and the TTL bounds staleness, which is
// what the contract's "edits honoured within 60 s" needs. Unknown slugs are cached too (as null),
// so a burst of requests for a missing slug cannot turn into a burst of D1 reads.
export class LinkCache {
  readonly #entries = new Map<string, Entry>();
  readonly #capacity: number;
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(options: { capacity: number; ttlMs: number; clock: Clock }) {
    this.#capacity = options.capacity;
    this.#ttlMs = options.ttlMs;
    this.#clock = options.clock;
  }

  // undefined: not cached (ask D1); null: cached as unknown.
  get(slug: string): RedirectLink | null | undefined {
    const entry = this.#entries.get(slug);
    if (!entry) return undefined;
    if (this.#clock() - entry.storedAt >= this.#ttlMs) {
      this.#entries.delete(slug);
      return undefined;
    }
    // Re-inserting moves the key to the end: Map keeps insertion order, which makes it an LRU.
    this.#entries.delete(slug);
    this.#entries.set(slug, entry);
    return entry.link;
  }

  set(slug: string, link: RedirectLink | null): void {
    this.#entries.delete(slug);
    this.#entries.set(slug, { link, storedAt: this.#clock() });
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  delete(slug: string): void {
    this.#entries.delete(slug);
  }

  get size(): number {
    return this.#entries.size;
  }
}
