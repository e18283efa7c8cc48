import { and, asc, desc, eq, isNull, notExists, sql } from "drizzle-orm";
import { campaigns, enrolments, influencers } from "../../schema";
import type { Db } from "../db";
import { notFound } from "../errors";
import { newId } from "../ids";
import { influencerSearch, ownerSearch } from "../influencers/influencers";
import { archivedCondition, archiveSet, type ListFilter } from "../list-filters";
import { type Page, pageQuery, toPage } from "../pagination";
import type { Clock } from "../time";
import { findCampaign } from "./campaigns";
import { localDay } from "./time-zones";

// The terms of an enrolment: what the influencer costs, and what the commission ledger applies.
export type EnrolmentCosts = {
  fee?: number | undefined;
  commissionRate?: number | undefined;
  otherCosts?: number | undefined;
  commissionPerSale?: number | undefined;
  commissionPerLead?: number | undefined;
  holdingDays?: number | undefined;
};
export type EnrolmentChange = EnrolmentCosts & { archived?: boolean | undefined };

export const DEFAULT_HOLDING_DAYS = 30;
export const MAX_HOLDING_DAYS = 365;

// The fee's ledger entry, in the same batch as the enrolment's write: the fee now, less what the
// fee entries already hold, as the next revision. Computed by SQL from what is stored, so a PUT
// repeated with the same fee adds nothing, and two PUTs at once leave the entries summing to the
// fee that stands. Payable at once.
function feeEntryStatement(
  d1: D1Database,
  campaignId: string,
  influencerId: string,
  day: string,
  at: number,
) {
  return d1
    .prepare(
      `INSERT INTO commission_entries
         (id, campaign_id, influencer_id, kind, fee_revision, amount, currency, day, payable_at, created_at)
       SELECT ?1, e.campaign_id, e.influencer_id, 'fee', f.revisions + 1, e.fee - f.booked, c.currency, ?4, ?5, ?5
       FROM enrolments e
       JOIN campaigns c ON c.id = e.campaign_id,
       (SELECT COUNT(*) AS revisions, COALESCE(SUM(amount), 0) AS booked FROM commission_entries
        WHERE kind = 'fee' AND campaign_id = ?2 AND influencer_id = ?3) f
       WHERE e.campaign_id = ?2 AND e.influencer_id = ?3 AND e.fee <> f.booked`,
    )
    .bind(newId("com"), campaignId, influencerId, day, at);
}

// The campaign and the influencer that an enrolment, a link, a code or a post is for, read in one
// D1 round trip; a missing campaign is reported before a missing influencer.
export async function findCampaignAndInfluencer(db: Db, campaignId: string, influencerId: string) {
  const [[campaign], [influencer]] = await db.batch([
    db.select().from(campaigns).where(eq(campaigns.id, campaignId)).limit(1),
    db.select().from(influencers).where(eq(influencers.id, influencerId)).limit(1),
  ]);
  if (!campaign) throw notFound("campaign_not_found", "campaign", campaignId);
  if (!influencer) throw notFound("influencer_not_found", "influencer", influencerId);
  return { campaign, influencer };
}

// PUT semantics: the terms given replace the stored ones; terms not given keep their value
// (zero, and 30 holding days, for a new enrolment). New terms apply to what the ledger derives
// from then on; entries already written keep theirs. Archiving keeps the terms: the figures
// still count them.
export async function enrol(
  db: Db,
  campaignId: string,
  influencerId: string,
  change: EnrolmentChange,
  clock: Clock,
) {
  const { campaign } = await findCampaignAndInfluencer(db, campaignId, influencerId);
  const now = new Date(clock());
  const { archived, ...costs } = change;
  const given = Object.fromEntries(Object.entries(costs).filter(([, value]) => value !== undefined));
  const set = { ...given, updatedAt: now };
  // The upsert as drizzle writes it, in one D1 batch (one transaction) with the fee's entry.
  const upsert = db
    .insert(enrolments)
    .values({ campaignId, influencerId, ...set, archivedAt: archived ? now : null, createdAt: now })
    .onConflictDoUpdate({
      target: [enrolments.campaignId, enrolments.influencerId],
      set: { ...set, ...archiveSet(enrolments.archivedAt, archived, now) },
    })
    .toSQL();
  const d1 = db.$client;
  await d1.batch([
    d1.prepare(upsert.sql).bind(...upsert.params),
    feeEntryStatement(
      d1,
      campaignId,
      influencerId,
      localDay(now.getTime(), campaign.timezone),
      now.getTime(),
    ),
  ]);
  const [row] = await db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.campaignId, campaignId), eq(enrolments.influencerId, influencerId)))
    .limit(1);
  if (!row) throw new Error("upsert left no row");
  return row;
}

export async function findEnrolment(db: Db, campaignId: string, influencerId: string) {
  const row = await db.query.enrolments.findFirst({
    where: and(eq(enrolments.campaignId, campaignId), eq(enrolments.influencerId, influencerId)),
  });
  if (!row) throw notFound("not_found", "enrolment of influencer", `${influencerId} in ${campaignId}`);
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

// A campaign's enrolments, a page at a time like every list. An enrolment has no id of its own
// (it is the campaign and the influencer): within a campaign the influencer's id breaks ties.
export async function listEnrolments(db: Db, campaignId: string, page: Page, filter: ListFilter = {}) {
  await findCampaign(db, campaignId);
  const q = pageQuery({ createdAt: enrolments.createdAt, id: enrolments.influencerId }, page);
  const rows = await db
    .select()
    .from(enrolments)
    .where(
      and(
        eq(enrolments.campaignId, campaignId),
        q.after,
        archivedCondition(enrolments.archivedAt, filter.archived),
        ownerSearch(enrolments.influencerId, filter.q),
      ),
    )
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return toPage(
    rows.map((row) => ({ ...row, id: row.influencerId })),
    page,
  );
}

export type PickedInfluencer = typeof influencers.$inferSelect & { enrolled: boolean };

// What an influencer picker offers for a search: the campaign's enrolled influencers first (by
// handle), then the others, newest first; archived ones (influencer or enrolment) are not offered.
export async function pickInfluencers(
  db: Db,
  input: { campaignId?: string | undefined; q?: string | undefined; limit: number },
): Promise<PickedInfluencer[]> {
  const match = and(isNull(influencers.archivedAt), influencerSearch(input.q));
  const enrolledIn = (campaignId: string) =>
    and(eq(enrolments.campaignId, campaignId), eq(enrolments.influencerId, influencers.id));
  const [enrolled, others] = await db.batch([
    db
      .select({ influencer: influencers })
      .from(influencers)
      .innerJoin(enrolments, enrolledIn(input.campaignId ?? ""))
      .where(and(match, isNull(enrolments.archivedAt)))
      .orderBy(asc(influencers.handle), asc(influencers.platform))
      .limit(input.limit),
    db
      .select({ influencer: influencers })
      .from(influencers)
      .where(
        and(
          match,
          notExists(
            db
              .select({ one: sql`1` })
              .from(enrolments)
              .where(and(enrolledIn(input.campaignId ?? ""), isNull(enrolments.archivedAt))),
          ),
        ),
      )
      .orderBy(desc(influencers.createdAt), desc(influencers.id))
      .limit(input.limit),
  ]);
  return [
    ...enrolled.map((row) => ({ ...row.influencer, enrolled: true })),
    ...others.map((row) => ({ ...row.influencer, enrolled: false })),
  ].slice(0, input.limit);
}
