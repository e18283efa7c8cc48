import { desc, eq } from "drizzle-orm";
import { enrolments } from "../../schema";
import type { Db } from "../db";
import { findInfluencer } from "../influencers/influencers";
import { type Clock, toIso } from "../time";
import { findCampaign } from "./campaigns";

export type EnrolmentCosts = {
  fee?: number | undefined;
  commissionRate?: number | undefined;
  otherCosts?: number | undefined;
};

type EnrolmentRow = typeof enrolments.$inferSelect;

export function serializeEnrolment(row: EnrolmentRow) {
  return {
    campaign_id: row.campaignId,
    influencer_id: row.influencerId,
    fee: row.fee,
    commission_rate: row.commissionRate,
    other_costs: row.otherCosts,
    created_at: toIso(row.createdAt) as string,
    updated_at: toIso(row.updatedAt) as string,
  };
}

// PUT semantics: the costs given replace the stored ones; costs not given keep their value
// (zero for a new enrolment).
export async function enrol(
  db: Db,
  campaignId: string,
  influencerId: string,
  costs: EnrolmentCosts,
  clock: Clock,
) {
  await findCampaign(db, campaignId);
  await findInfluencer(db, influencerId);
  const now = new Date(clock());
  const set = {
    ...(costs.fee === undefined ? {} : { fee: costs.fee }),
    ...(costs.commissionRate === undefined ? {} : { commissionRate: costs.commissionRate }),
    ...(costs.otherCosts === undefined ? {} : { otherCosts: costs.otherCosts }),
    updatedAt: now,
  };
  const [row] = await db
    .insert(enrolments)
    .values({ campaignId, influencerId, fee: 0, commissionRate: 0, otherCosts: 0, ...set, createdAt: now })
    .onConflictDoUpdate({ target: [enrolments.campaignId, enrolments.influencerId], set })
    .returning();
  if (!row) throw new Error("upsert returned no row");
  return row;
}

// Issuing a link or code enrols the influencer at zero cost when not enrolled yet; an existing
// enrolment is left as it is.
export function ensureEnrolledStatement(db: Db, campaignId: string, influencerId: string, now: Date) {
  return db
    .insert(enrolments)
    .values({ campaignId, influencerId, createdAt: now, updatedAt: now })
    .onConflictDoNothing();
}

export async function listEnrolments(db: Db, campaignId: string) {
  await findCampaign(db, campaignId);
  const rows = await db
    .select()
    .from(enrolments)
    .where(eq(enrolments.campaignId, campaignId))
    .orderBy(desc(enrolments.createdAt));
  return rows.map(serializeEnrolment);
}
