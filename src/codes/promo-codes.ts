import { and, eq, or } from "drizzle-orm";
import { promoCodes } from "../../schema";
import { type CampaignBound, campaignDates, checkDateOrder, findCampaign } from "../campaigns/campaigns";
import { ensureEnrolledStatement, findCampaignAndInfluencer } from "../campaigns/enrolments";
import type { Db } from "../db";
import { DomainError, isUniqueViolation, notFound } from "../errors";
import { newId } from "../ids";
import { ownerSearch } from "../influencers/influencers";
import { archivedCondition, archiveSet, type ListFilter, searchCondition } from "../list-filters";
import { type OwnerFilter, ownerConditions, type Page, pageQuery, toPage } from "../pagination";
import type { Clock } from "../time";

export const CODE_PATTERN = /^[A-Za-z0-9_-]{3,32}$/;

// Codes are matched case-insensitively: stored and looked up upper-case.
export const normaliseCode = (code: string) => code.trim().toUpperCase();

export type PromoCodeInput = {
  code: string;
  campaignId: string;
  influencerId: string;
  maxRedemptions?: number | null | undefined;
  // Instants, or days (YYYY-MM-DD) of the campaign's zone: the start of the first, the end of the last.
  startsAt?: CampaignBound | null | undefined;
  endsAt?: CampaignBound | null | undefined;
};
export type PromoCodePatch = {
  active?: boolean | undefined;
  maxRedemptions?: number | null | undefined;
  startsAt?: CampaignBound | null | undefined;
  endsAt?: CampaignBound | null | undefined;
  // Archiving only hides the code from the lists: it stays redeemable until it is turned off.
  archived?: boolean | undefined;
};

type PromoCodeRow = typeof promoCodes.$inferSelect;

export async function createPromoCode(db: Db, input: PromoCodeInput, clock: Clock): Promise<PromoCodeRow> {
  const code = normaliseCode(input.code);
  const { campaign, influencer } = await findCampaignAndInfluencer(db, input.campaignId, input.influencerId);
  const { startsAt, endsAt } = campaignDates(input.startsAt, input.endsAt, campaign.timezone);
  checkDateOrder(startsAt, endsAt);
  const now = new Date(clock());
  try {
    const [, inserted] = await db.batch([
      ensureEnrolledStatement(db, campaign.id, influencer.id, now),
      db
        .insert(promoCodes)
        .values({
          id: newId("code"),
          code,
          campaignId: campaign.id,
          influencerId: influencer.id,
          maxRedemptions: input.maxRedemptions ?? null,
          startsAt: startsAt ?? null,
          endsAt: endsAt ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning(),
    ]);
    const row = inserted[0];
    if (!row) throw new Error("insert returned no row");
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError("code_taken", `The code ${code} is already taken.`, [
        { path: "code", message: "Taken." },
      ]);
    }
    throw error;
  }
}

export async function findPromoCode(db: Db, id: string): Promise<PromoCodeRow> {
  const row = await db.query.promoCodes.findFirst({ where: eq(promoCodes.id, id) });
  if (!row) throw notFound("code_not_found", "promo code", id);
  return row;
}

// Searched by its code or its influencer's handle or name.
export async function listPromoCodes(db: Db, page: Page, filter: OwnerFilter & ListFilter) {
  const q = pageQuery(promoCodes, page);
  const search = filter.q?.trim();
  const rows = await db
    .select()
    .from(promoCodes)
    .where(
      and(
        q.after,
        ...ownerConditions(promoCodes, filter),
        archivedCondition(promoCodes.archivedAt, filter.archived),
        search
          ? or(searchCondition([promoCodes.code], search), ownerSearch(promoCodes.influencerId, search))
          : undefined,
      ),
    )
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return toPage(rows, page);
}

export async function updatePromoCode(db: Db, id: string, patch: PromoCodePatch, clock: Clock) {
  const stored = await findPromoCode(db, id);
  const { archived, startsAt, endsAt, ...rest } = patch;
  const fields: Omit<PromoCodePatch, "archived" | "startsAt" | "endsAt"> & {
    startsAt?: Date | null;
    endsAt?: Date | null;
  } = rest;
  if (startsAt !== undefined || endsAt !== undefined) {
    const { timezone } = await findCampaign(db, stored.campaignId);
    const resolved = campaignDates(startsAt, endsAt, timezone);
    checkDateOrder(
      resolved.startsAt === undefined ? stored.startsAt : resolved.startsAt,
      resolved.endsAt === undefined ? stored.endsAt : resolved.endsAt,
    );
    if (resolved.startsAt !== undefined) fields.startsAt = resolved.startsAt;
    if (resolved.endsAt !== undefined) fields.endsAt = resolved.endsAt;
  }
  const now = new Date(clock());
  const [row] = await db
    .update(promoCodes)
    .set({ ...fields, ...archiveSet(promoCodes.archivedAt, archived, now), updatedAt: now })
    .where(eq(promoCodes.id, id))
    .returning();
  if (!row) throw notFound("code_not_found", "promo code", id);
  return row;
}
