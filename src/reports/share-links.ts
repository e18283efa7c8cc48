import { and, desc, eq, isNull } from "drizzle-orm";
import { shareLinks } from "../../schema";
import { findCampaign } from "../campaigns/campaigns";
import { sha256Hex } from "../crypto";
import type { Db } from "../db";
import { DomainError, notFound } from "../errors";
import { newId, randomAlphanumeric } from "../ids";
import { type Clock, DAY_MS } from "../time";

// A shared report lasts a week unless the marketer says otherwise, and never more than 90 days:
// a forgotten link should stop working on its own.
export const SHARE_LINK_DEFAULT_DAYS = 7;
export const SHARE_LINK_MAX_DAYS = 90;
// A label says who a link was for ("Agency Q3"): a line, not a document.
export const SHARE_LINK_LABEL_MAX = 200;
const TOKEN_PATTERN = /^[0-9A-Za-z]{32}$/;

type ShareLinkRow = typeof shareLinks.$inferSelect;

export type ShareLinkInput = { campaignId: string; days?: number | undefined; label?: string | undefined };

// Returns the row and the token, which is shown once (only its hash is kept).
export async function createShareLink(db: Db, input: ShareLinkInput, clock: Clock) {
  const days = input.days ?? SHARE_LINK_DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > SHARE_LINK_MAX_DAYS) {
    throw new DomainError("validation_failed", `A shared report lasts 1 to ${SHARE_LINK_MAX_DAYS} days.`, [
      { path: "days", message: `1 to ${SHARE_LINK_MAX_DAYS}.` },
    ]);
  }
  const campaign = await findCampaign(db, input.campaignId);
  const token = randomAlphanumeric(32);
  const now = clock();
  const [row] = await db
    .insert(shareLinks)
    .values({
      id: newId("shr"),
      tokenHash: sha256Hex(token),
      campaignId: campaign.id,
      label: input.label?.trim() || null,
      createdAt: new Date(now),
      expiresAt: new Date(now + days * DAY_MS),
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return { row, token };
}

// The campaign a live token opens, or null: unknown, expired or revoked all look the same.
export async function campaignOfShareToken(db: Db, token: string, clock: Clock): Promise<string | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await db.query.shareLinks.findFirst({
    where: and(eq(shareLinks.tokenHash, sha256Hex(token)), isNull(shareLinks.revokedAt)),
  });
  if (!row || row.expiresAt.getTime() <= clock()) return null;
  return row.campaignId;
}

export async function listShareLinks(db: Db, campaignId: string): Promise<ShareLinkRow[]> {
  return db
    .select()
    .from(shareLinks)
    .where(eq(shareLinks.campaignId, campaignId))
    .orderBy(desc(shareLinks.createdAt));
}

export async function revokeShareLink(db: Db, id: string, clock: Clock): Promise<ShareLinkRow> {
  const [row] = await db
    .update(shareLinks)
    .set({ revokedAt: new Date(clock()) })
    .where(and(eq(shareLinks.id, id), isNull(shareLinks.revokedAt)))
    .returning();
  if (row) return row;
  const existing = await db.query.shareLinks.findFirst({ where: eq(shareLinks.id, id) });
  if (!existing) throw notFound("not_found", "shared report", id);
  return existing;
}
