import { and, desc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { commissionEntries, influencers, payouts } from "../../schema";
import type { Db } from "../db";
import { DomainError, notFound } from "../errors";
import { newId } from "../ids";
import { minorToDecimal } from "../money";
import { type Page, pageQuery, toPage } from "../pagination";
import { type CsvCell, decimal, toCsv } from "../summaries/csv";
import type { Clock } from "../time";

export type PayoutRow = typeof payouts.$inferSelect;
export type PayoutLine = { influencerId: string; handle: string; amount: number; entries: number };
export type Payout = PayoutRow & { lines: PayoutLine[]; total: number };

export type PayoutRequest = { currency: string; minAmount: number; idempotencyKey?: string | undefined };

// A line's figures: the sum of its entries and how many they are.
const lineSums = {
  amount: sql<number>`SUM(${commissionEntries.amount})`,
  entries: sql<number>`COUNT(*)`,
};

// The lines of payouts, one per influencer: the sums of the entries each payout claimed.
async function linesOf(db: Db, ids: string[]): Promise<Map<string, PayoutLine[]>> {
  const lines = new Map<string, PayoutLine[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return lines;
  const e = commissionEntries;
  const rows = await db
    .select({
      payoutId: sql<string>`${e.payoutId}`,
      influencerId: e.influencerId,
      handle: influencers.handle,
      ...lineSums,
    })
    .from(e)
    .innerJoin(influencers, eq(influencers.id, e.influencerId))
    .where(inArray(e.payoutId, ids))
    .groupBy(e.payoutId, e.influencerId)
    .orderBy(influencers.handle, e.influencerId);
  for (const { payoutId, ...line } of rows) lines.get(payoutId)?.push(line);
  return lines;
}

async function withLines(db: Db, rows: PayoutRow[]): Promise<Payout[]> {
  const lines = await linesOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => {
    const own = lines.get(row.id) ?? [];
    return { ...row, lines: own, total: own.reduce((sum, line) => sum + line.amount, 0) };
  });
}

export async function findPayout(db: Db, id: string): Promise<Payout> {
  const [row] = await db.select().from(payouts).where(eq(payouts.id, id)).limit(1);
  if (!row) throw notFound("payout_not_found", "payout", id);
  const [payout] = await withLines(db, [row]);
  return payout as Payout;
}

export async function listPayouts(db: Db, page: Page) {
  const q = pageQuery(payouts, page);
  const rows = await db
    .select()
    .from(payouts)
    .where(q.after)
    .orderBy(...q.orderBy)
    .limit(q.limit);
  const result = toPage(rows, page);
  return { ...result, data: await withLines(db, result.data) };
}

function sameRequest(row: PayoutRow, request: PayoutRequest) {
  return row.currency === request.currency && row.minAmount === request.minAmount;
}

async function byIdempotencyKey(db: Db, key: string) {
  const [row] = await db.select().from(payouts).where(eq(payouts.idempotencyKey, key)).limit(1);
  return row;
}

function replayOf(row: PayoutRow, request: PayoutRequest) {
  if (!sameRequest(row, request)) {
    throw new DomainError(
      "idempotency_conflict",
      "This Idempotency-Key was used for a payout with a different currency or min_amount.",
    );
  }
}

// A payout of everything payable now in one currency, one line per influencer whose payable
// entries (clawbacks included) add up to at least minAmount. The claim is one D1 batch, which D1
// runs as one transaction while no other write runs: the payout's row, one UPDATE that claims the
// entries still unclaimed (payout_id IS NULL), and the removal of the row if it claimed nothing.
// Two payouts made at the same moment therefore claim disjoint entries; the later finds nothing
// (nothing_payable). The same Idempotency-Key answers the payout it made (created: false).
export async function createPayout(db: Db, request: PayoutRequest, clock: Clock) {
  const key = request.idempotencyKey;
  if (key !== undefined) {
    const existing = await byIdempotencyKey(db, key);
    if (existing) {
      replayOf(existing, request);
      return { payout: await findPayout(db, existing.id), created: false };
    }
  }
  const id = newId("po");
  const now = clock();
  const d1 = db.$client;
  const unclaimed = "payout_id IS NULL AND paid_at IS NULL AND currency = ?2 AND payable_at <= ?3";
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO payouts (id, currency, min_amount, status, idempotency_key, created_at)
         VALUES (?1, ?2, ?3, 'draft', ?4, ?5) ON CONFLICT (idempotency_key) DO NOTHING`,
      )
      .bind(id, request.currency, request.minAmount, key ?? null, now),
    d1
      .prepare(
        `UPDATE commission_entries SET payout_id = ?1
         WHERE ${unclaimed}
           AND influencer_id IN (SELECT influencer_id FROM commission_entries WHERE ${unclaimed}
                                 GROUP BY influencer_id HAVING SUM(amount) >= ?4)
           AND EXISTS (SELECT 1 FROM payouts WHERE id = ?1)`,
      )
      .bind(id, request.currency, now, request.minAmount),
    d1
      .prepare(
        "DELETE FROM payouts WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM commission_entries WHERE payout_id = ?1)",
      )
      .bind(id),
  ]);
  const [made] = await db.select().from(payouts).where(eq(payouts.id, id)).limit(1);
  if (made) return { payout: await findPayout(db, id), created: true };
  // The same key won by a request a moment earlier: its payout is the answer.
  const raced = key === undefined ? undefined : await byIdempotencyKey(db, key);
  if (raced) {
    replayOf(raced, request);
    return { payout: await findPayout(db, raced.id), created: false };
  }
  throw new DomainError(
    "nothing_payable",
    `No influencer has at least ${request.minAmount} (minor units) payable in ${request.currency}.`,
  );
}

// A payout made: its entries become paid. Marking it again changes nothing (the first reference
// stands).
export async function markPayoutPaid(db: Db, id: string, reference: string | undefined, clock: Clock) {
  await findPayout(db, id);
  const now = new Date(clock());
  await db.batch([
    db
      .update(payouts)
      .set({ status: "paid", paidAt: now, reference: reference ?? null })
      .where(sql`${payouts.id} = ${id} AND ${payouts.status} = 'draft'`),
    db
      .update(commissionEntries)
      .set({ paidAt: now })
      .where(sql`${commissionEntries.payoutId} = ${id} AND ${commissionEntries.paidAt} IS NULL`),
  ]);
  return findPayout(db, id);
}

// The payout as a file for a bank's or PayPal's mass payment: one row per influencer, the amount
// in major units. The reference is the one given when it was paid, else the payout's id.
export async function payoutLinesCsv(db: Db, id: string): Promise<string> {
  const payout = await findPayout(db, id);
  const reference = payout.reference ?? payout.id;
  const rows: CsvCell[][] = [
    ["influencer", "handle", "amount", "currency", "reference"],
    ...payout.lines.map((line) => [
      line.influencerId,
      line.handle,
      decimal(minorToDecimal(line.amount, payout.currency)),
      payout.currency,
      reference,
    ]),
  ];
  return toCsv(rows);
}

export type PayableLine = {
  currency: string;
  influencerId: string;
  handle: string;
  amount: number;
  entries: number;
};

// What a payout made now would hold before its minimum: per currency and influencer, the payable
// entries no payout has claimed yet (the same condition createPayout claims with).
export async function payableNow(db: Db, clock: Clock): Promise<PayableLine[]> {
  const e = commissionEntries;
  return db
    .select({
      currency: e.currency,
      influencerId: e.influencerId,
      handle: influencers.handle,
      ...lineSums,
    })
    .from(e)
    .innerJoin(influencers, eq(influencers.id, e.influencerId))
    .where(and(isNull(e.payoutId), isNull(e.paidAt), lte(e.payableAt, new Date(clock()))))
    .groupBy(e.currency, e.influencerId)
    .orderBy(e.currency, influencers.handle, e.influencerId);
}

export type OwnPayout = Pick<
  PayoutRow,
  "id" | "currency" | "status" | "reference" | "paidAt" | "createdAt"
> & {
  amount: number;
  entries: number;
};

// The payouts that hold some of one influencer's entries, newest first, with only that
// influencer's line: a payout's other lines are other influencers' earnings.
export async function payoutsOfInfluencer(db: Db, influencerId: string, limit = 100): Promise<OwnPayout[]> {
  const e = commissionEntries;
  return db
    .select({
      id: payouts.id,
      currency: payouts.currency,
      status: payouts.status,
      reference: payouts.reference,
      paidAt: payouts.paidAt,
      createdAt: payouts.createdAt,
      ...lineSums,
    })
    .from(e)
    .innerJoin(payouts, eq(payouts.id, e.payoutId))
    .where(eq(e.influencerId, influencerId))
    .groupBy(payouts.id)
    .orderBy(desc(payouts.createdAt), desc(payouts.id))
    .limit(limit);
}
