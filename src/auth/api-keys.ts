import { and, eq, isNull, lte, sql } from "drizzle-orm";
import { apiKeys, authFailures, influencers, type KeyScope } from "../../schema";
import { constantTimeEqual, sha256Hex } from "../crypto";
import type { Db } from "../db";
import { DomainError, notFound } from "../errors";
import { randomAlphanumeric } from "../ids";
import { type Page, pageQuery, toPage } from "../pagination";
import { addressBucket, limitingFailure, rateLimited, secondsBlocked, type Throttle } from "../throttle";
import type { Clock } from "../time";

// A key reads `swl_<id part>_<secret>`. The id part finds the row in one indexed read; the secret
// is then checked against its stored SHA-256 in constant time. Secrets are 192 random bits, so a
// fast hash is enough: there is nothing to brute-force as with passwords. A publishable key reads
// `swl_pk_<id part>_<secret>`, so whoever finds one in a page can tell what it is (and a leaked
// secret key cannot be mistaken for one).
const KEY_PATTERN = /^swl_(pk_)?([0-9A-Za-z]{16})_([0-9A-Za-z]{32})$/;
const PUBLISHABLE_PREFIX = "swl_pk_";

export type Principal =
  | { keyId: string; scope: "admin"; influencerId: null }
  | { keyId: string; scope: "checkout"; influencerId: null; source: string }
  | { keyId: string; scope: "influencer"; influencerId: string }
  | { keyId: string; scope: "publishable"; influencerId: null; allowedOrigins: string[] };

// Order and refund ids are unique per source: each shop (a checkout key's source, or a webhook's
// provider) numbers its orders its own way. Keys of one source share its ids.
export const DEFAULT_SOURCE = "default";
export const SOURCE_PATTERN = /^[a-z0-9_-]{1,32}$/;
// The webhooks' own sources: a checkout key that took one could squat their refund ids.
export const RESERVED_SOURCES = ["stripe", "shopify"] as const;

// Who records an order or refund: the key (kept on the record) and the source whose ids it uses.
export type Recorder = { keyId: string; source: string };

// An admin key records as the default source.
export const recorderOf = (principal: Principal): Recorder => ({
  keyId: principal.keyId,
  source: principal.scope === "checkout" ? principal.source : DEFAULT_SOURCE,
});

export const BOOTSTRAP_ADMIN_KEY_ID = "key_bootstrap_admin";

// After 10 failed sign-ins or unknown keys within 15 minutes, a client is refused, even with a
// correct key, until the oldest of them leaves the window: otherwise a guesser would only be
// slowed on its wrong guesses, never stopped from using a right one.
export const AUTH_THROTTLE: Throttle = { limit: 10, windowMs: 15 * 60_000 };

// The client that sent a key (its CF-Connecting-IP) as a keyed hash. Without an address, clients
// cannot be told apart and share one bucket.
export function authClientOf(secret: string, address: string | undefined): string {
  return addressBucket(secret, "auth", address ?? "");
}

type ApiKeyRow = typeof apiKeys.$inferSelect;

function principalOf(row: ApiKeyRow | undefined, secret: string, publishable: boolean): Principal | null {
  if (!row || row.revokedAt) return null;
  if (!constantTimeEqual(sha256Hex(secret), row.secretHash)) return null;
  if ((row.scope === "publishable") !== publishable) return null;
  if (row.scope === "publishable") {
    return {
      keyId: row.id,
      scope: "publishable",
      influencerId: null,
      allowedOrigins: row.allowedOrigins ?? [],
    };
  }
  if (row.scope === "influencer") {
    if (!row.influencerId) return null;
    return { keyId: row.id, scope: "influencer", influencerId: row.influencerId };
  }
  if (row.scope === "checkout") {
    return { keyId: row.id, scope: "checkout", influencerId: null, source: row.source ?? DEFAULT_SOURCE };
  }
  return { keyId: row.id, scope: row.scope, influencerId: null };
}

// The key's principal, or null for an unknown or revoked key (a failure, counted against the
// client). A client over AUTH_THROTTLE is refused (rate_limited) whatever the key. A stored key is
// looked up in the same D1 batch as the client's failures, so a valid request pays no extra round
// trip; the bootstrap key needs no lookup, so for it reading the failures is the one round trip.
export async function authenticate(
  db: Db,
  token: string,
  adminApiKey: string | undefined,
  client: string,
  clock: Clock,
): Promise<Principal | null> {
  const now = clock();
  const failures = limitingFailure(
    db,
    authFailures,
    { bucket: authFailures.client, createdAt: authFailures.createdAt },
    client,
    AUTH_THROTTLE,
    now,
  );
  let principal: Principal | null = null;
  let limiting: { at: unknown }[];
  const match = KEY_PATTERN.exec(token);
  if (match) {
    const [, pk, idPart, secret] = match as unknown as [string, string | undefined, string, string];
    const [rows, failed] = await db.batch([
      db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.id, `key_${idPart}`))
        .limit(1),
      failures,
    ]);
    principal = principalOf(rows[0], secret, pk !== undefined);
    limiting = failed;
  } else {
    limiting = await failures;
    // The bootstrap key from the environment. Unset means no admin access at all (fail closed).
    if (adminApiKey && constantTimeEqual(sha256Hex(token), sha256Hex(adminApiKey))) {
      principal = { keyId: BOOTSTRAP_ADMIN_KEY_ID, scope: "admin", influencerId: null };
    }
  }
  const wait = secondsBlocked(AUTH_THROTTLE, limiting, now);
  if (wait !== null) throw rateLimited("Too many failed sign-ins or unknown keys from this client.", wait);
  if (!principal) {
    // A failure is the moment to sweep away failures that have left the window, so the table
    // holds only the recent ones.
    await db.batch([
      db.delete(authFailures).where(lte(authFailures.createdAt, new Date(now - AUTH_THROTTLE.windowMs))),
      db.insert(authFailures).values({ client, createdAt: new Date(now) }),
    ]);
  }
  return principal;
}

export type NewApiKey = {
  scope: KeyScope;
  influencerId?: string | undefined;
  source?: string | undefined;
  allowedOrigins?: string[] | undefined;
  name?: string | undefined;
};

// At most this many origins per publishable key: a shop's domains, not a list to scan at length
// on every preflight.
export const MAX_ALLOWED_ORIGINS = 20;

// An origin as browsers send it in the Origin header (scheme, host in lower case and punycode,
// port when not the default), or null when the text is not one: `https://Shop.example/` reads
// `https://shop.example`, `https://shop.example/cart` is refused.
export function originOf(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") return null;
  return url.origin;
}

function allowedOriginsOf(input: NewApiKey): string[] | null {
  if (input.scope !== "publishable") {
    if (input.allowedOrigins === undefined) return null;
    throw new DomainError("validation_failed", "Only publishable keys take allowed_origins.", [
      { path: "allowed_origins", message: `Not allowed for scope ${input.scope}.` },
    ]);
  }
  const given = input.allowedOrigins ?? [];
  if (given.length === 0 || given.length > MAX_ALLOWED_ORIGINS) {
    throw new DomainError("validation_failed", "A publishable key needs allowed_origins.", [
      {
        path: "allowed_origins",
        message: `1 to ${MAX_ALLOWED_ORIGINS} origins, such as https://shop.example.`,
      },
    ]);
  }
  const origins: string[] = [];
  given.forEach((text, index) => {
    const origin = originOf(text);
    if (!origin) {
      throw new DomainError("validation_failed", `${text} is not an origin such as https://shop.example.`, [
        { path: `allowed_origins.${index}`, message: "An http(s) origin: scheme, host and port only." },
      ]);
    }
    if (!origins.includes(origin)) origins.push(origin);
  });
  return origins;
}

// Whether any publishable key in use allows this origin: what a CORS preflight can be answered
// from, since browsers send no key with it. One pass over the publishable keys' origins.
export async function isAllowedOrigin(db: Db, origin: string): Promise<boolean> {
  const [found] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.scope, "publishable"),
        isNull(apiKeys.revokedAt),
        sql`EXISTS (SELECT 1 FROM json_each(${apiKeys.allowedOrigins}) WHERE json_each.value = ${origin})`,
      ),
    )
    .limit(1);
  return found !== undefined;
}

function sourceOf(input: NewApiKey): string | null {
  if (input.scope !== "checkout") {
    if (input.source === undefined) return null;
    throw new DomainError("validation_failed", "Only checkout keys take source.", [
      { path: "source", message: `Not allowed for scope ${input.scope}.` },
    ]);
  }
  const source = input.source ?? DEFAULT_SOURCE;
  if (!SOURCE_PATTERN.test(source)) {
    throw new DomainError("validation_failed", "A source is 1-32 of a-z, 0-9, _ and -.", [
      { path: "source", message: "Lowercase a-z, 0-9, _ and -, at most 32." },
    ]);
  }
  if ((RESERVED_SOURCES as readonly string[]).includes(source)) {
    throw new DomainError("validation_failed", `The source ${source} is reserved for its webhook.`, [
      { path: "source", message: "Reserved." },
    ]);
  }
  return source;
}

export async function createApiKey(db: Db, input: NewApiKey, clock: Clock) {
  const source = sourceOf(input);
  const allowedOrigins = allowedOriginsOf(input);
  if (input.scope === "influencer") {
    if (!input.influencerId) {
      throw new DomainError("validation_failed", "An influencer key needs influencer_id.", [
        { path: "influencer_id", message: "Required for scope influencer." },
      ]);
    }
    const influencer = await db.query.influencers.findFirst({
      where: eq(influencers.id, input.influencerId),
    });
    if (!influencer) throw notFound("influencer_not_found", "influencer", input.influencerId);
  } else if (input.influencerId !== undefined) {
    // Even an empty one: it would reach the row and fail its foreign key (an internal error), not be ignored.
    throw new DomainError("validation_failed", "Only influencer keys take influencer_id.", [
      { path: "influencer_id", message: `Not allowed for scope ${input.scope}.` },
    ]);
  }
  const idPart = randomAlphanumeric(16);
  const secret = randomAlphanumeric(32);
  const key = `${input.scope === "publishable" ? PUBLISHABLE_PREFIX : "swl_"}${idPart}_${secret}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: `key_${idPart}`,
      name: input.name ?? null,
      scope: input.scope,
      influencerId: input.influencerId ?? null,
      source,
      allowedOrigins,
      secretHash: sha256Hex(secret),
      // Up to the 8th character of the id part, whatever the key's prefix.
      prefix: key.slice(0, key.length - secret.length - 1 - 8),
      createdAt: new Date(clock()),
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return { row, key };
}

export async function listApiKeys(db: Db, page: Page) {
  const q = pageQuery(apiKeys, page);
  const rows = await db
    .select()
    .from(apiKeys)
    .where(q.after)
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return toPage(rows, page);
}

export async function revokeApiKey(db: Db, id: string, clock: Clock) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date(clock()) })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  if (row) return row;
  const existing = await db.query.apiKeys.findFirst({ where: eq(apiKeys.id, id) });
  if (!existing) throw notFound("key_not_found", "key", id);
  return existing;
}
