import { eq, lt, or } from "drizzle-orm";
import { apiKeys, type SessionScope, sessions } from "../../schema";
import { BOOTSTRAP_ADMIN_KEY_ID, type Principal } from "../auth/api-keys";
import { sha256Hex } from "../crypto";
import type { Db } from "../db";
import { randomAlphanumeric } from "../ids";
import type { Clock } from "../time";

// A session ends after 2 hours without a request, and 12 hours after sign-in whatever happens:
// a browser left open on a shared machine does not stay signed in for long.
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
// last_seen_at is written at most once a minute, not on every page view.
const TOUCH_EVERY_MS = 60 * 1000;

export type Session = {
  idHash: string;
  scope: SessionScope;
  keyId: string;
  influencerId: string | null;
  expiresAt: number;
};

// Only admin and influencer keys sign in to pages; a checkout key has nothing to look at, and a
// publishable key is public.
export function sessionScopeOf(principal: Principal): SessionScope | null {
  return principal.scope === "admin" || principal.scope === "influencer" ? principal.scope : null;
}

// A session signed in with the ADMIN_API_KEY secret remembers which secret (a short fingerprint of
// its hash), so rotating the secret ends those sessions at once, as it ends API access with it.
const BOOTSTRAP_SESSION_PREFIX = `${BOOTSTRAP_ADMIN_KEY_ID}:`;
const bootstrapKeyId = (adminApiKey: string) =>
  `${BOOTSTRAP_SESSION_PREFIX}${sha256Hex(adminApiKey).slice(0, 16)}`;

function sessionKeyId(principal: Principal, adminApiKey: string | undefined): string {
  return principal.keyId === BOOTSTRAP_ADMIN_KEY_ID ? bootstrapKeyId(adminApiKey ?? "") : principal.keyId;
}

function signedInWithCurrentKey(keyId: string, adminApiKey: string | undefined): boolean {
  if (!keyId.startsWith(BOOTSTRAP_SESSION_PREFIX)) return true;
  return Boolean(adminApiKey) && keyId === bootstrapKeyId(adminApiKey ?? "");
}

// Returns the session id for the cookie (192 random bits). Only its hash is stored.
export async function createSession(
  db: Db,
  principal: Principal,
  adminApiKey: string | undefined,
  clock: Clock,
): Promise<string | null> {
  const scope = sessionScopeOf(principal);
  if (!scope) return null;
  const id = randomAlphanumeric(32);
  const now = clock();
  await db.batch([
    // Sign-in is the moment to sweep away sessions that have ended, so the table stays small.
    db
      .delete(sessions)
      .where(
        or(lt(sessions.expiresAt, new Date(now)), lt(sessions.lastSeenAt, new Date(now - SESSION_IDLE_MS))),
      ),
    db.insert(sessions).values({
      idHash: sha256Hex(id),
      scope,
      keyId: sessionKeyId(principal, adminApiKey),
      influencerId: principal.influencerId,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: new Date(now + SESSION_MAX_MS),
    }),
  ]);
  return id;
}

// The live session with this id, or null: unknown, idle too long, past its end, its key revoked,
// or signed in with an ADMIN_API_KEY that has since been rotated.
export async function findSession(
  db: Db,
  id: string,
  adminApiKey: string | undefined,
  clock: Clock,
): Promise<Session | null> {
  if (!/^[0-9A-Za-z]{32}$/.test(id)) return null;
  const idHash = sha256Hex(id);
  const [row] = await db
    .select({ session: sessions, revokedAt: apiKeys.revokedAt })
    .from(sessions)
    .leftJoin(apiKeys, eq(apiKeys.id, sessions.keyId))
    .where(eq(sessions.idHash, idHash));
  if (!row) return null;
  const now = clock();
  const { session } = row;
  const idle = now - session.lastSeenAt.getTime() > SESSION_IDLE_MS;
  const keyGone = row.revokedAt !== null || !signedInWithCurrentKey(session.keyId, adminApiKey);
  if (idle || now >= session.expiresAt.getTime() || keyGone) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.idHash, idHash));
  }
  return {
    idHash,
    scope: session.scope,
    keyId: session.keyId,
    influencerId: session.influencerId,
    expiresAt: session.expiresAt.getTime(),
  };
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, sha256Hex(id)));
}
