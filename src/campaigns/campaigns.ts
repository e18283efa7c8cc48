import { and, eq, isNull, or } from "drizzle-orm";
import { type CampaignGoal, type CampaignObjective, campaigns } from "../../schema";
import type { Db } from "../db";
import { DomainError, notFound, type ReasonedDetail } from "../errors";
import { newId } from "../ids";
import { archivedCondition, archiveSet, type ListFilter, searchCondition } from "../list-filters";
import { type Page, pageQuery, toPage } from "../pagination";
import { rebuildPostGrowth } from "../posts/post-growth";
import type { Clock } from "../time";
import { type GoalInput, resolveGoals } from "./goals";
import { DEFAULT_TIME_ZONE, lastInstantOf, startOfLocalDay } from "./time-zones";

// The longest attribution window a campaign may have: a sale by click id can name a click at most
// this old. Click retention (src/rollup/retention.ts) keeps raw clicks longer than this.
export const MAX_ATTRIBUTION_WINDOW_DAYS = 365;

export type CampaignInput = {
  name: string;
  objective: CampaignObjective;
  currency: string;
  budget?: number | null | undefined;
  // An instant, or a day (YYYY-MM-DD) of the campaign's zone: its start for startsAt, its last
  // instant for endsAt.
  startsAt?: CampaignBound | null | undefined;
  endsAt?: CampaignBound | null | undefined;
  attributionWindowDays?: number | undefined;
  emvCpm?: number | null | undefined;
  goals?: GoalInput[] | undefined;
  // A name canonicalTimeZone has resolved.
  timezone?: string | undefined;
};
export type CampaignPatch = Partial<Omit<CampaignInput, "currency">> & { archived?: boolean | undefined };

export type CampaignBound = Date | string;

const startOf = (bound: CampaignBound, zone: string) =>
  typeof bound === "string" ? new Date(startOfLocalDay(bound, zone)) : bound;

// Dates as stored (a campaign's, or a promo code's in its campaign): days resolved in the
// campaign's zone.
export function campaignDates(
  startsAt: CampaignBound | null | undefined,
  endsAt: CampaignBound | null | undefined,
  zone: string,
) {
  return {
    startsAt: startsAt == null ? startsAt : startOf(startsAt, zone),
    endsAt: endsAt == null ? endsAt : lastInstantOf(endsAt, zone),
  };
}

// An end before the start is refused. The detail's `reason` names the problem for a client (the
// dashboard words it in its own language).
export function checkDateOrder(startsAt: Date | null | undefined, endsAt: Date | null | undefined) {
  if (startsAt && endsAt && endsAt < startsAt) {
    const detail: ReasonedDetail = {
      path: "ends_at",
      message: "The end is before the start.",
      reason: "end_before_start",
    };
    throw new DomainError(
      "validation_failed",
      "The end is before the start: ends_at must not be before starts_at.",
      [detail],
    );
  }
}

export async function createCampaign(db: Db, input: CampaignInput, clock: Clock) {
  const now = new Date(clock());
  const { startsAt, endsAt } = campaignDates(
    input.startsAt,
    input.endsAt,
    input.timezone ?? DEFAULT_TIME_ZONE,
  );
  checkDateOrder(startsAt, endsAt);
  const [row] = await db
    .insert(campaigns)
    .values({
      id: newId("cmp"),
      name: input.name,
      objective: input.objective,
      currency: input.currency,
      budget: input.budget ?? null,
      startsAt: startsAt ?? null,
      endsAt: endsAt ?? null,
      attributionWindowDays: input.attributionWindowDays ?? 30,
      emvCpm: input.emvCpm ?? null,
      goals: resolveGoals(input.goals ?? [], input.timezone ?? DEFAULT_TIME_ZONE),
      timezone: input.timezone ?? DEFAULT_TIME_ZONE,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function findCampaign(db: Db, id: string) {
  const row = await db.query.campaigns.findFirst({ where: eq(campaigns.id, id) });
  if (!row) throw notFound("campaign_not_found", "campaign", id);
  return row;
}

export async function listCampaigns(db: Db, page: Page, filter: ListFilter = {}) {
  const q = pageQuery(campaigns, page);
  const rows = await db
    .select()
    .from(campaigns)
    .where(
      and(
        q.after,
        archivedCondition(campaigns.archivedAt, filter.archived),
        searchCondition([campaigns.name], filter.q),
      ),
    )
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return toPage(rows, page);
}

// One statement: an unknown id updates no row, and that is campaign_not_found. A new time zone is
// written only while the campaign has no events (the same statement checks it, so an event
// writer fixing the zone at the same moment cannot be missed); sending the zone it has is no change.
export async function updateCampaign(db: Db, id: string, patch: CampaignPatch, clock: Clock) {
  const zoneFree =
    patch.timezone === undefined
      ? undefined
      : or(isNull(campaigns.firstEventAt), eq(campaigns.timezone, patch.timezone));
  const { archived, startsAt, endsAt, goals, ...fields } = patch;
  // Days (dates, goals' due dates) are the campaign's: its new zone when the patch changes it.
  let stored: typeof campaigns.$inferSelect | undefined;
  const storedRow = async () => {
    stored ??= await findCampaign(db, id);
    return stored;
  };
  const zoned: { startsAt?: Date | null; endsAt?: Date | null; goals?: CampaignGoal[] } = {};
  if (goals !== undefined) zoned.goals = resolveGoals(goals, patch.timezone ?? (await storedRow()).timezone);
  if (startsAt !== undefined || endsAt !== undefined) {
    // The new dates are checked against each other and against the one kept.
    const kept = await storedRow();
    const resolved = campaignDates(startsAt, endsAt, patch.timezone ?? kept.timezone);
    checkDateOrder(
      resolved.startsAt === undefined ? kept.startsAt : resolved.startsAt,
      resolved.endsAt === undefined ? kept.endsAt : resolved.endsAt,
    );
    if (resolved.startsAt !== undefined) zoned.startsAt = resolved.startsAt;
    if (resolved.endsAt !== undefined) zoned.endsAt = resolved.endsAt;
  }
  const now = new Date(clock());
  const [row] = await db
    .update(campaigns)
    .set({ ...fields, ...zoned, ...archiveSet(campaigns.archivedAt, archived, now), updatedAt: now })
    .where(and(eq(campaigns.id, id), zoneFree))
    .returning();
  // Post snapshots are dated in the zone when written: date them again in the new one.
  if (row && patch.timezone !== undefined) await rebuildPostGrowth(db.$client, id);
  if (row) return row;
  await findCampaign(db, id);
  throw new DomainError(
    "timezone_locked",
    "The campaign has clicks or conversions: its time zone can no longer change.",
    [{ path: "timezone", message: "Fixed once the campaign has events." }],
  );
}
