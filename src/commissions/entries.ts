import { and, eq, gt, isNotNull, isNull, lte, type SQL, sql } from "drizzle-orm";
import { commissionEntries, influencers } from "../../schema";
import type { Db } from "../db";
import { type Page, pageQuery, toPage } from "../pagination";
import type { Clock } from "../time";

export type CommissionStatus = "pending" | "payable" | "paid";
export type EntryRow = typeof commissionEntries.$inferSelect;

// An entry's status is read from the clock, not stored: pending until payable_at, payable from
// then until its payout is marked paid. Read at the moment it is asked, it is never behind (a cron
// that moved entries from pending to payable would be up to a tick late, and would write every
// entry once more), and a payout claims exactly what is payable at the instant it is made.
export function statusOf(entry: Pick<EntryRow, "payableAt" | "paidAt">, now: number): CommissionStatus {
  if (entry.paidAt) return "paid";
  return entry.payableAt.getTime() <= now ? "payable" : "pending";
}

function statusCondition(status: CommissionStatus, now: Date): SQL | undefined {
  if (status === "paid") return isNotNull(commissionEntries.paidAt);
  const due =
    status === "payable" ? lte(commissionEntries.payableAt, now) : gt(commissionEntries.payableAt, now);
  return and(isNull(commissionEntries.paidAt), due);
}

export type EntryFilter = {
  campaignId?: string | undefined;
  influencerId?: string | undefined;
  status?: CommissionStatus | undefined;
};

// A page of the ledger, newest first, filtered by campaign, influencer and status.
export async function listEntries(db: Db, filter: EntryFilter, page: Page, clock: Clock) {
  const q = pageQuery(commissionEntries, page);
  const rows = await db
    .select()
    .from(commissionEntries)
    .where(
      and(
        filter.campaignId ? eq(commissionEntries.campaignId, filter.campaignId) : undefined,
        filter.influencerId ? eq(commissionEntries.influencerId, filter.influencerId) : undefined,
        filter.status ? statusCondition(filter.status, new Date(clock())) : undefined,
        q.after,
      ),
    )
    .orderBy(...q.orderBy)
    .limit(q.limit);
  return toPage(rows, page);
}

export type Balance = { currency: string; pending: number; payable: number; paid: number };
export type InfluencerBalance = Balance & { influencerId: string; handle: string };

// What influencers have earned, per influencer and currency: still held, payable (clawbacks taken
// off, and whether or not a draft payout holds it), and paid. Of one influencer, or of everyone
// in one campaign (its page shows each influencer's earnings there).
export async function balancesOf(
  db: Db,
  filter: { influencerId?: string | undefined; campaignId?: string | undefined },
  clock: Clock,
): Promise<InfluencerBalance[]> {
  const now = clock();
  const e = commissionEntries;
  return db
    .select({
      influencerId: e.influencerId,
      handle: influencers.handle,
      currency: e.currency,
      pending: sql<number>`COALESCE(SUM(CASE WHEN ${e.paidAt} IS NULL AND ${e.payableAt} > ${now} THEN ${e.amount} END), 0)`,
      payable: sql<number>`COALESCE(SUM(CASE WHEN ${e.paidAt} IS NULL AND ${e.payableAt} <= ${now} THEN ${e.amount} END), 0)`,
      paid: sql<number>`COALESCE(SUM(CASE WHEN ${e.paidAt} IS NOT NULL THEN ${e.amount} END), 0)`,
    })
    .from(e)
    .innerJoin(influencers, eq(influencers.id, e.influencerId))
    .where(
      and(
        filter.influencerId ? eq(e.influencerId, filter.influencerId) : undefined,
        filter.campaignId ? eq(e.campaignId, filter.campaignId) : undefined,
      ),
    )
    .groupBy(e.influencerId, e.currency)
    .orderBy(influencers.handle, e.influencerId, e.currency);
}

// One influencer's balance, per currency (GET /influencers/:id/balance, /me/balance).
export async function balanceOf(db: Db, influencerId: string, clock: Clock): Promise<Balance[]> {
  const rows = await balancesOf(db, { influencerId }, clock);
  return rows.map(({ currency, pending, payable, paid }) => ({ currency, pending, payable, paid }));
}
