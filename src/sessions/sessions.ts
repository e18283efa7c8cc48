import { eq, lt, or } from "drizzle-orm";
import { apiKeys, type SessionScope, sessions } from "../../schema";
import type { Principal } from "../auth/api-keys";
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

// Only admin and influencer keys sign in to pages; a checkout key has nothing to look at.
export function sessionScopeOf(principal: Principal): SessionScope | null {
  return principal.scope === "checkout" ? null : principal.scope;
}

// Returns the session id for the cookie (192 random bits). Only its hash is stored.
export async function createSession(db: Db, principal: Principal, clock: Clock): Promise<string | null> {
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
      keyId: principal.keyId,
      influencerId: principal.influencerId,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: new Date(now + SESSION_MAX_MS),
    }),
  ]);
  return id;
}

// The live session with this id, or null: unknown, idle too long, past its end, or its key revoked.
export async function findSession(db: Db, id: string, clock: Clock): Promise<Session | null> {
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
  if (idle || now >= session.expiresAt.getTime() || row.revokedAt) {
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
