import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, timestampMs } from "./columns";

export type CommissionKind = "sale" | "lead" | "fee" | "clawback";

// The commission ledger: what each influencer earned, entry by entry, in minor units (a clawback
// or a lowered fee is negative). Entries are never changed once written, except to be claimed by a
// payout and then marked paid. Each is derived once, whatever the deliveries: one earning per
// conversion, one clawback per refund, one fee entry per revision of the enrolment's fee, held by
// the unique indexes below, so a redelivered event inserts nothing.
export const commissionEntries = sqliteTable(
  "commission_entries",
  {
    id: text().primaryKey(),
    campaignId: text().notNull(),
    influencerId: text().notNull(),
    kind: text().$type<CommissionKind>().notNull(),
    // The sale or lead (for a clawback, the refunded sale).
    conversionId: text(),
    // The refund a clawback takes back (its rfd_ id).
    refundId: text(),
    // Fee entries: 1 for the first fee, then one more for each change of it.
    feeRevision: integer(),
    amount: integer().notNull(),
    currency: text().notNull(),
    // A sale's entry keeps the rate it was earned at: its clawbacks take back at that rate.
    commissionRate: real(),
    // The campaign's local day of the conversion, or of the refund for a clawback: the day the
    // summaries book the commission on.
    day: text().notNull(),
    // The rowid of the conversion (sale, lead) or refund (clawback) the entry comes from. The
    // figures count the entry once the rollup's watermark of that source has passed it, so that
    // cost is as of the same rollup as the revenue (see rolledUpEntry in src/summaries/figures.ts).
    // Null on fee entries; and on an entry whose conversion or refund was gone when the column was
    // backfilled, or that the previous Worker wrote between the migration and its deploy.
    sourceRowid: integer(),
    // Pending before, payable from then on (status is read from the clock, never stored).
    payableAt: timestampMs().notNull(),
    payoutId: text(),
    paidAt: timestampMs(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("commission_entries_earning").on(t.conversionId).where(sql`${t.kind} IN ('sale', 'lead')`),
    uniqueIndex("commission_entries_clawback").on(t.refundId).where(sql`${t.kind} = 'clawback'`),
    uniqueIndex("commission_entries_fee")
      .on(t.campaignId, t.influencerId, t.feeRevision)
      .where(sql`${t.kind} = 'fee'`),
    // A sale's clawbacks, summed for the cap.
    index("commission_entries_clawed").on(t.conversionId).where(sql`${t.kind} = 'clawback'`),
    index("commission_entries_campaign_day").on(t.campaignId, t.day),
    index("commission_entries_influencer").on(t.influencerId, t.createdAt),
    index("commission_entries_campaign").on(t.campaignId, t.createdAt),
    // What a payout may claim: unclaimed entries by currency and time.
    index("commission_entries_unclaimed").on(t.currency, t.payableAt).where(sql`${t.payoutId} IS NULL`),
    index("commission_entries_payout").on(t.payoutId).where(sql`${t.payoutId} IS NOT NULL`),
  ],
);

export type PayoutStatus = "draft" | "paid";

// A batch of payable entries paid together. Its lines (one per influencer) are the sums of its
// entries, read when asked, so they cannot disagree with them.
export const payouts = sqliteTable(
  "payouts",
  {
    id: text().primaryKey(),
    currency: text().notNull(),
    minAmount: integer().notNull(),
    status: text().$type<PayoutStatus>().notNull(),
    // The client's Idempotency-Key: the same key answers the same payout.
    idempotencyKey: text(),
    reference: text(),
    paidAt: timestampMs(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("payouts_idempotency_key").on(t.idempotencyKey)],
);

// Where the cron's catch-up of the ledger has read each source to (conversions, refunds), by
// rowid: it derives what a lost queue message never did, and the entries of rows older than the
// ledger.
export const commissionWatermarks = sqliteTable("commission_watermarks", {
  source: text().primaryKey(),
  watermark: integer().notNull(),
  updatedAt: timestampMs().notNull(),
});
