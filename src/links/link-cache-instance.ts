import type { Db } from "../db";
import { type Clock, systemClock } from "../time";
import { LinkCache } from "./link-cache";
import { createLink, type LinkInput } from "./links";

const DEFAULT_TTL_SECONDS = 30;
const MAX_TTL_SECONDS = 60;
const CAPACITY = 10_000;

let instance: LinkCache | undefined;

// One cache per isolate, shared by every request it serves. The TTL is capped at the contract's
// 60 s, so a misconfiguration cannot make edits wait longer.
export function linkCache(env: { LINK_CACHE_TTL_SECONDS?: string }): LinkCache {
  if (!instance) {
    const configured = Number(env.LINK_CACHE_TTL_SECONDS);
    const ttlSeconds =
      Number.isFinite(configured) && configured >= 0
        ? Math.min(configured, MAX_TTL_SECONDS)
        : DEFAULT_TTL_SECONDS;
    instance = new LinkCache({ capacity: CAPACITY, ttlMs: ttlSeconds * 1000, clock: systemClock });
  }
  return instance;
}

// Every way of issuing a link (the API, the dashboard's form) goes through here: this isolate may
// have cached the slug as unknown before it existed, and would answer "not found" for up to the TTL.
export async function createLinkAndRefreshCache(
  db: Db,
  env: { LINK_CACHE_TTL_SECONDS?: string },
  input: LinkInput,
  clock: Clock,
) {
  const row = await createLink(db, input, clock);
  linkCache(env).delete(row.slug);
  return row;
}
